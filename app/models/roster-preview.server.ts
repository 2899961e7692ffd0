/**
 * The roster import's preview (issue 12), the part that reads: the file is
 * checked by its content (app/domain/file-kind.ts `checkRosterFile`), read
 * row by row (exceljs's streaming reader or csv-parse), every row checked
 * (app/domain/roster-import.ts), the persons it names looked up, and the rows
 * stored with what will happen to them (RosterImportRow). It runs in a worker
 * thread with a bounded heap (app/models/roster-import.server.ts
 * `previewRosterImport`, app/utils/thread.server.ts), so this module imports
 * only what that work needs — no Prisma, no message catalogs, no dynamic
 * import() (the thread requires it through tsx's CommonJS hook) — and the
 * thread stays small: each module imported here is loaded a second time there.
 */
import { createHash } from 'node:crypto'
import { maskIdNumber } from '#app/domain/id-number.ts'
import { maskPhone } from '#app/domain/names.ts'
import {
  HEADER_SEARCH_ROWS,
  isBlankRow,
  isRefused,
  matchHeader,
  RosterChecker,
  rowOutcome,
  townshipKey,
  villageKey,
  type CheckedRow,
  type HeaderMatch,
  type RawCell,
  type TownshipRef,
} from '#app/domain/roster-import.ts'
import { checkRosterFile } from '#app/domain/file-kind.ts'
import type { RosterRowOutcome } from '#app/generated/prisma/enums.ts'
import { encryptField, lookupHmac } from '#app/utils/crypto.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { closePool, copyIn, copyLine, getPool } from '#app/utils/pg.server.ts'
import { readRosterRows } from '#app/utils/roster-reader.server.ts'
import type pg from 'pg'
import type { CurrentUser, Scope } from './access.server.ts'
import { recordAuditPg } from './audit-record.server.ts'
import { AppError } from './errors.server.ts'
import { auditPath, importerScopes, MAX_ROSTER_ROWS, RosterImportError } from './roster-import-error.server.ts'

/** Rows per preview insert. */
const PREVIEW_CHUNK = 1000

/**
 * The townships a row may name, with their villages: every township of the
 * counties the importer's scopes lie in (or below a prefecture scope), each
 * marked in scope or not — so a township coordinator's row of the next
 * township is "out of scope", and a made-up one "unknown".
 */
async function townshipsFor(scopes: Scope[]): Promise<Map<string, TownshipRef>> {
  const pool = getPool()
  const all = scopes.some((s) => s.kind === 'all')
  const paths = scopes.flatMap((s) => (s.kind === 'region' ? [s.path] : s.kind === 'organization' ? [s.regionPath] : []))
  type Row = { id: string; name: string; path: string }
  const rows = all
    ? (await pool.query<Row>(`SELECT "id", "name", "path" FROM "Region" WHERE "level" = 'township'`)).rows
    : paths.length === 0
      ? []
      : (
          await pool.query<Row>(
            `WITH roots AS (
               SELECT COALESCE(
                 (SELECT c."path" FROM "Region" c WHERE c."level" = 'county' AND p LIKE c."path" || '%' ORDER BY length(c."path") DESC LIMIT 1),
                 p) AS "path"
               FROM unnest($1::text[]) AS p
             )
             SELECT DISTINCT t."id", t."name", t."path" FROM "Region" t JOIN roots r ON t."path" LIKE r."path" || '%' WHERE t."level" = 'township'`,
            [paths],
          )
        ).rows
  const villages = rows.length
    ? (
        await pool.query<{ id: string; name: string; parentId: string }>(
          `SELECT "id", "name", "parentId" FROM "Region" WHERE "level" = 'village' AND "parentId" = ANY($1::text[])`,
          [rows.map((r) => r.id)],
        )
      ).rows
    : []
  const byTownship = new Map<string, Map<string, { id: string; name: string }>>()
  for (const v of villages) {
    const m = byTownship.get(v.parentId) ?? new Map()
    m.set(villageKey(v.name), { id: v.id, name: v.name })
    byTownship.set(v.parentId, m)
  }
  const map = new Map<string, TownshipRef>()
  for (const r of rows.sort((a, b) => a.path.localeCompare(b.path))) {
    const inScope = all || paths.some((p) => r.path.startsWith(p))
    const key = townshipKey(r.name)
    const ref = { id: r.id, name: r.name, inScope, villages: byTownship.get(r.id) ?? new Map() }
    // The same name in two counties (a prefecture scope): the one in scope wins.
    if (!map.has(key) || (inScope && !map.get(key)!.inScope)) map.set(key, ref)
  }
  return map
}

type PreviewRow = CheckedRow & { outcome: RosterRowOutcome; idHmac: string | null; phoneHmac: string | null }

/** Asks the database about a chunk of checked rows: who exists already, whose phone someone else holds. */
async function classify(rows: CheckedRow[]): Promise<PreviewRow[]> {
  const withHmac = rows.map((r) => ({
    ...r,
    idHmac: r.idNumber ? lookupHmac('id', r.idNumber) : null,
    phoneHmac: r.phone ? lookupHmac('phone', r.phone) : null,
  }))
  const idHmacs = withHmac.flatMap((r) => (r.idHmac && !isRefused(r) ? [r.idHmac] : []))
  const phoneHmacs = withHmac.flatMap((r) => (r.phoneHmac && !isRefused(r) ? [r.phoneHmac] : []))
  // One look-up for both: the persons holding one of the ID numbers or one of the phones.
  const found =
    idHmacs.length || phoneHmacs.length
      ? (
          await getPool().query<{ idHmac: string; phoneHmac: string | null }>(
            'SELECT "idHmac", "phoneHmac" FROM "Person" WHERE "idHmac" = ANY($1::text[]) OR "phoneHmac" = ANY($2::text[])',
            [idHmacs, phoneHmacs],
          )
        ).rows
      : []
  const knownIds = new Set(found.map((k) => k.idHmac))
  const phoneOwner = new Map(found.flatMap((p) => (p.phoneHmac ? [[p.phoneHmac, p.idHmac] as const] : [])))
  return withHmac.map((r) => {
    const personExists = r.idHmac !== null && knownIds.has(r.idHmac)
    // A new person whose phone someone else already holds: refused (the phone of record is unique).
    if (!personExists && r.phoneHmac && phoneOwner.has(r.phoneHmac) && phoneOwner.get(r.phoneHmac) !== r.idHmac && !isRefused(r)) {
      r.issues.push({ severity: 'error', column: 'phone', code: 'phone_taken' })
    }
    return { ...r, outcome: rowOutcome(r, { personExists }) }
  })
}

const PREVIEW_COPY = `COPY "RosterImportRow" ("importId", "rowNumber", "outcome", "issues", "warning", "name", "idMasked", "regionId", "regionName",
  "idCipher", "idHmac", "gender", "birthDate", "phoneCipher", "phoneMasked", "phoneHmac", "priorEducation") FROM STDIN`

/** A chunk of classified rows as COPY lines (a new row carries its person's fields, sealed, until it is imported). */
function previewLines(importId: string, rows: PreviewRow[]): string {
  let text = ''
  for (const r of rows) {
    const isNew = r.outcome === 'new'
    text += copyLine([
      importId,
      r.rowNumber,
      r.outcome,
      JSON.stringify(r.issues),
      r.issues.some((i) => i.severity === 'warning'),
      r.name.slice(0, 100),
      r.idNumber ? maskIdNumber(r.idNumber) : null,
      r.regionId,
      r.regionName,
      isNew ? encryptField(r.idNumber!) : null,
      isNew ? r.idHmac : null,
      isNew ? r.gender : null,
      isNew ? r.birthDate : null,
      isNew && r.phone ? encryptField(r.phone) : null,
      isNew && r.phone ? maskPhone(r.phone) : null,
      isNew ? r.phoneHmac : null,
      isNew ? r.education : null,
    ])
  }
  return text
}

/** The reader's rows; anything exceljs or csv-parse throws on a file that passed the checks is a damaged file. */
async function* readable(rows: AsyncGenerator<{ rowNumber: number; cells: RawCell[] }>) {
  try {
    yield* rows
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new RosterImportError('zip_corrupt')
  }
}

export type CheckedFile = { kind: 'xlsx'; bytes: Uint8Array } | { kind: 'csv'; text: string; encoding: 'utf-8' | 'gbk' }

/**
 * The preview's work, in the thread previewRosterImport starts: the file's
 * checks, then its rows read, checked, looked up and stored. Closes the
 * thread's pool at the end, so the thread can exit.
 */
export async function previewInThisThread(
  user: CurrentUser,
  input: { fileName: string; ip: string | null; today: string },
  bytes: Uint8Array,
): Promise<{ id: string }> {
  try {
    const kind = checkRosterFile(bytes)
    if (!kind.ok) throw new RosterImportError(kind.problem.code)
    const file: CheckedFile = kind.kind === 'xlsx' ? { kind: 'xlsx', bytes } : { kind: 'csv', text: kind.text, encoding: kind.encoding }
    return await storePreview(user, { ...input, sha256: createHash('sha256').update(bytes).digest('hex') }, file)
  } finally {
    await closePool()
  }
}

async function storePreview(
  user: CurrentUser,
  input: { fileName: string; ip: string | null; today: string; sha256: string },
  file: CheckedFile,
): Promise<{ id: string }> {
  const scopes = importerScopes(user)
  const today = input.today
  const kind = file
  const townships = await townshipsFor(scopes)
  const rows = readable(readRosterRows(file))

  let header: HeaderMatch | null = null
  let headerRow = 0
  let checker: RosterChecker | null = null
  const id = newId()
  const counts = { total: 0, new: 0, existing: 0, refused: 0, warnings: 0 }
  let chunk: CheckedRow[] = []
  let client: pg.PoolClient | null = null
  let copy: ReturnType<typeof copyIn> | null = null
  let pending: Promise<void> = Promise.resolve()
  const flush = async () => {
    if (!client) {
      client = await getPool().connect()
      await client.query('BEGIN')
      await client.query(
        `INSERT INTO "RosterImport" ("id", "createdById", "scopePath", "fileName", "fileKind", "encoding", "fileSha256", "header")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
        [
          id,
          user.id,
          auditPath(scopes),
          input.fileName.slice(0, 200) || 'roster',
          kind.kind,
          kind.kind === 'csv' ? kind.encoding : null,
          input.sha256,
          JSON.stringify({ headerRow, columns: header!.columns, labels: header!.labels }),
        ],
      )
      copy = copyIn(client, PREVIEW_COPY)
    }
    // The chunk's look-ups run while the next chunk is read and checked; its lines go into the COPY in order.
    const rows = chunk
    chunk = []
    await pending
    pending = (async () => {
      const classified = await classify(rows)
      for (const r of classified) {
        counts[r.outcome]++
        if (r.outcome !== 'refused' && r.issues.some((i) => i.severity === 'warning')) counts.warnings++
      }
      await copy!.write(previewLines(id, classified))
    })()
    pending.catch(() => {}) // awaited at the next flush or the end
  }
  try {
    for await (const { rowNumber, cells } of rows) {
      if (!header) {
        const m = matchHeader(cells.map((c) => (c === null ? '' : String(c))))
        if (m.missing.length === 0) {
          header = m
          headerRow = rowNumber
          checker = new RosterChecker(m, { today, townships })
        } else if (rowNumber >= HEADER_SEARCH_ROWS) throw new RosterImportError('no_header')
        continue
      }
      if (isBlankRow(cells)) continue
      if (++counts.total > MAX_ROSTER_ROWS) throw new RosterImportError('too_many_rows')
      chunk.push(checker!.check(cells, rowNumber))
      if (chunk.length >= PREVIEW_CHUNK) await flush()
    }
    if (!header) throw new RosterImportError('no_header')
    if (counts.total === 0) throw new RosterImportError('no_rows')
    if (chunk.length) await flush()
    await pending
    const tx = client as pg.PoolClient | null
    await copy!.end()
    await tx!.query(`UPDATE "RosterImport" SET "totalRows" = $2, "newRows" = $3, "existingRows" = $4, "refusedRows" = $5, "warningRows" = $6 WHERE "id" = $1`, [
      id,
      counts.total,
      counts.new,
      counts.existing,
      counts.refused,
      counts.warnings,
    ])
    await recordAuditPg(tx!, {
      actorId: user.id,
      action: 'roster_import.preview',
      entityType: 'RosterImport',
      entityId: id,
      after: { fileName: input.fileName, fileKind: kind.kind, total: counts.total, new: counts.new, existing: counts.existing, refused: counts.refused },
      ip: input.ip,
      scopePath: auditPath(scopes),
    })
    await tx!.query('COMMIT')
    tx!.release()
    client = null
  } catch (error) {
    // A preview is stored whole or not at all: the connection (a COPY may be in flight on it) is closed, which rolls the transaction back.
    ;(client as pg.PoolClient | null)?.release(true)
    throw error
  }
  return { id }
}
