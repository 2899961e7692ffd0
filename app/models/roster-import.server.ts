/**
 * The roster import (花名册导入, issue 12; DESIGN.md §7, §8, §11): a
 * coordinator uploads the statistics bureau's or a township's list (xlsx or
 * CSV), every row is checked (app/domain/roster-import.ts) and stored with what
 * will happen to it (RosterImportRow: the preview); confirmed, the new rows
 * become persons — adult learners in the importer's scope — each with a
 * learner account without a password, in batches of multi-row INSERTs.
 *
 * All-or-report (§8): good rows are kept, bad rows listed with row number,
 * column and reason (the preview, the errors xlsx); nothing half-written
 * (each batch is one transaction: the persons, their accounts and roles, the
 * audit events, the rows' results and the import's progress); reruns idempotent
 * (`ON CONFLICT DO NOTHING` on the ID number's HMAC — and the phone's — so a
 * second import of the same file, or a batch done again after a crash, adds
 * nobody). More than JOB_THRESHOLD new rows run as a BullMQ job
 * (app/jobs/roster-import.ts, workers/roster-import.worker.ts) whose progress
 * is the import row's; fewer run in the request.
 */
import { MAX_ROSTER_BYTES } from '#app/domain/file-kind.ts'
import { describeIssue, type RosterColumn, type RosterIssue } from '#app/domain/roster-import.ts'
import { safeCell } from '#app/domain/spreadsheet-cells.ts'
import { beijingDate } from '#app/domain/time.ts'
import type { MessageKey, T } from '#app/i18n/index.ts'
import type { Db } from '#app/utils/db.server.ts'
import { copyIn, copyLine, getPool, pgTransaction } from '#app/utils/pg.server.ts'
import type pg from 'pg'
import { generatedUsername, newIds } from '#app/utils/ids.server.ts'
import { appModuleFile, runInThread, ThreadError } from '#app/utils/thread.server.ts'
import { plausibleId, type CurrentUser } from './access.server.ts'
import { recordAudit, recordAuditPg } from './audit-record.server.ts'
import { NotFoundError } from './errors.server.ts'
import { importerScopes, RosterImportError, type RosterImportErrorCode } from './roster-import-error.server.ts'

/** Above this many new rows the import runs as a BullMQ job with a progress bar; below it, in the request. */
export const JOB_THRESHOLD = 2000
/** Rows per import transaction. */
export const IMPORT_BATCH = 1000
/** An import that created at least this many persons refreshes the planner's statistics at the end. */
const ANALYZE_AFTER = 5000
/**
 * The preview thread's heap (app/utils/thread.server.ts). Its live set at 100,000 rows — exceljs's shared strings
 * (every name, ID number and phone), the modules, a chunk in flight — stays near 70 MB, and the thread's heap near
 * 85 MB (measured); the bound leaves room for MAX_ROSTER_ROWS, and beyond it the thread alone ends. The young
 * generation is V8's default size, named so that it cannot grow with a flag either.
 */
const PREVIEW_THREAD_LIMITS = { maxOldGenerationSizeMb: 192, maxYoungGenerationSizeMb: 16 }

export { MAX_ROSTER_BYTES }
export { MAX_ROSTER_ROWS, ROSTER_IMPORTERS, RosterImportError, type RosterImportErrorCode } from './roster-import-error.server.ts'

export type PreviewInput = { fileName: string; bytes: Uint8Array; ip?: string | null; today?: string }

/**
 * Upload → preview: checks the file by its content (refusing it before any
 * parser runs: size, kind, zip bounds, XML entities), finds the header, checks
 * every row and stores what will happen to it. Nothing is imported yet.
 * Returns the import's id. Audited (roster_import.preview).
 *
 * All of it runs in a worker thread with a bounded heap (app/models/roster-preview.server.ts
 * through runInThread): the memory budget of DESIGN.md §7 held by the code,
 * whatever flags the process was started with, and a file that would need
 * more ends its thread, not the server. The checks run there too: their
 * inflated XML is garbage the idle thread waiting here would keep for the
 * whole preview (≈ 60 MB at 100,000 rows, measured), where the thread's next
 * collection frees it. There, one transaction on a node-postgres client (no
 * Prisma query on this path, so a process that only imports never loads
 * Prisma's query compiler): the import's row, its rows streamed in with COPY
 * as they are read and checked (the database look-ups on the pool beside
 * it), the counts and the audit event — stored whole or, on any error or a
 * kill, not at all.
 */
export async function previewRosterImport(user: CurrentUser, input: PreviewInput): Promise<{ id: string }> {
  importerScopes(user)
  if (input.bytes.byteLength === 0) throw new RosterImportError('no_file')
  try {
    return await runInThread<{ id: string }>(
      appModuleFile('app/models/roster-preview.server.ts', new URL('./roster-preview.server.ts', import.meta.url)),
      'previewInThisThread',
      [user, { fileName: input.fileName, ip: input.ip ?? null, today: input.today ?? beijingDate(new Date()) }, input.bytes],
      PREVIEW_THREAD_LIMITS,
    )
  } catch (error) {
    if (error instanceof ThreadError && error.originalName === 'RosterImportError') throw new RosterImportError(error.code as RosterImportErrorCode)
    // The file needed more than the thread's heap (beyond MAX_ROSTER_ROWS of plain rows): refused as too big, the process unharmed.
    if (error instanceof ThreadError && error.code === 'ERR_WORKER_OUT_OF_MEMORY') throw new RosterImportError('too_many_rows')
    throw error
  }
}

/** THE finder of an import: its creator's (an admin sees every one); anyone else, or a bad id: 404. */
async function findImport(db: Db, user: CurrentUser, id: string) {
  const scopes = importerScopes(user)
  if (!plausibleId(id)) throw new NotFoundError()
  const all = scopes.some((s) => s.kind === 'all')
  const row = await db.rosterImport.findFirst({ where: { id, ...(all ? {} : { createdById: user.id }) } })
  if (!row) throw new NotFoundError()
  return row
}

export type RowFilter = 'all' | 'new' | 'existing' | 'refused' | 'warning'
export const ROW_FILTERS: readonly RowFilter[] = ['all', 'new', 'existing', 'refused', 'warning']
export const PREVIEW_PAGE_SIZE = 100

/** The preview or progress page: the import, its counts and one page of its rows (with a filter by outcome). */
export async function getRosterImport(db: Db, user: CurrentUser, id: string, opts: { filter?: RowFilter; page?: number } = {}) {
  const imp = await findImport(db, user, id)
  const filter = opts.filter ?? 'all'
  const where =
    filter === 'all'
      ? { importId: id }
      : filter === 'warning'
        ? { importId: id, outcome: { not: 'refused' as const }, warning: true }
        : { importId: id, outcome: filter }
  const total = await db.rosterImportRow.count({ where })
  const pages = Math.max(1, Math.ceil(total / PREVIEW_PAGE_SIZE))
  const page = Math.min(Math.max(1, Math.floor(opts.page ?? 1)), pages)
  const rows = await db.rosterImportRow.findMany({
    where,
    orderBy: { rowNumber: 'asc' },
    skip: (page - 1) * PREVIEW_PAGE_SIZE,
    take: PREVIEW_PAGE_SIZE,
    select: { rowNumber: true, outcome: true, issues: true, name: true, idMasked: true, regionName: true, result: true },
  })
  return {
    import: {
      id: imp.id,
      fileName: imp.fileName,
      fileKind: imp.fileKind,
      encoding: imp.encoding,
      status: imp.status,
      header: imp.header as { headerRow: number; columns: Partial<Record<RosterColumn, number>>; labels: Partial<Record<RosterColumn, string>> },
      totalRows: imp.totalRows,
      newRows: imp.newRows,
      existingRows: imp.existingRows,
      refusedRows: imp.refusedRows,
      warningRows: imp.warningRows,
      processedRows: imp.processedRows,
      createdCount: imp.createdCount,
      skippedCount: imp.skippedCount,
      error: imp.error,
      createdAt: imp.createdAt,
      finishedAt: imp.finishedAt,
    },
    rows: rows.map((r) => ({ ...r, issues: r.issues as RosterIssue[] })),
    filter,
    page,
    pages,
    total,
  }
}

/** The importer's recent imports (the upload page's list). */
export async function listRosterImports(db: Db, user: CurrentUser) {
  importerScopes(user)
  return db.rosterImport.findMany({
    where: { createdById: user.id },
    orderBy: { createdAt: 'desc' },
    take: 20,
    select: { id: true, fileName: true, status: true, totalRows: true, newRows: true, createdCount: true, createdAt: true },
  })
}

export type Enqueue = (importId: string) => Promise<void>

/**
 * Confirm: the preview's new rows are imported — in the request when there
 * are at most JOB_THRESHOLD of them, else as a job (`enqueue`) the page
 * follows. Confirming twice is refused (not_previewed); a failed import may
 * be confirmed again and resumes with the rows no committed batch took. Audited (roster_import.confirm).
 */
export async function confirmRosterImport(db: Db, user: CurrentUser, id: string, opts: { ip?: string | null; enqueue: Enqueue }): Promise<{ queued: boolean }> {
  const imp = await findImport(db, user, id)
  const claimed = await db.rosterImport.updateMany({
    where: { id: imp.id, status: { in: ['previewed', 'failed'] } },
    data: { status: 'queued', confirmedAt: new Date(), error: null },
  })
  if (claimed.count !== 1) throw new RosterImportError('not_previewed')
  await recordAudit(db, {
    actorId: user.id,
    action: 'roster_import.confirm',
    entityType: 'RosterImport',
    entityId: imp.id,
    after: { fileName: imp.fileName, new: imp.newRows, resumedAt: imp.lastRowNumber || undefined },
    ip: opts.ip,
    scopePath: imp.scopePath,
  })
  if (imp.newRows - imp.processedRows > JOB_THRESHOLD) {
    try {
      await opts.enqueue(imp.id)
    } catch {
      await db.rosterImport.update({ where: { id: imp.id }, data: { status: imp.status } })
      throw new RosterImportError('queue_unavailable')
    }
    return { queued: true }
  }
  await runRosterImport(imp.id)
  return { queued: false }
}

type BatchRow = { rowNumber: number; name: string; idHmac: string; idMasked: string; regionId: string }
type ImportMeta = { createdById: string; scopePath: string | null; personKind: string }

/**
 * Batches in flight at once, each in its own transaction on its own connection: the batches are bound by
 * PostgreSQL (Node idles through most of each), which has a second core to use. In-request imports (at most
 * JOB_THRESHOLD rows) keep to one.
 */
const IMPORT_LANES = 2

/**
 * The next batch's rows, in row order on the (importId, outcome, rowNumber) index, locked (FOR UPDATE) in the
 * claiming transaction until it commits. The lanes of one run claim one after another (`after` moves past each
 * claim), so their batches never overlap; a second run of the same import (a stalled job run again) waits on the
 * locked rows and then finds them done (`result` set), as READ COMMITTED re-reads a locked row.
 */
function batchClaimer(importId: string, batchSize: number) {
  let after = 0
  let queue: Promise<unknown> = Promise.resolve()
  return (client: pg.PoolClient): Promise<BatchRow[]> => {
    const claimed = queue.then(async () => {
      const { rows } = await client.query<BatchRow>(
        `SELECT "rowNumber", "name", "idHmac", "idMasked", "regionId"
         FROM "RosterImportRow"
         WHERE "importId" = $1 AND "outcome" = 'new' AND "rowNumber" > $2 AND "result" IS NULL
         ORDER BY "outcome", "rowNumber" LIMIT $3
         FOR UPDATE`,
        [importId, after, batchSize],
      )
      if (rows.length) after = rows[rows.length - 1]!.rowNumber
      return rows
    })
    queue = claimed.catch(() => {})
    return claimed
  }
}

const AUDIT_COPY = 'COPY "AuditEvent" ("actorId", "action", "entityType", "entityId", "after", "scopePath") FROM STDIN'

/**
 * One batch in one transaction on a pg client: the persons (written straight
 * from their preview rows, which hold the sealed ID and phone), their accounts
 * and roles, the audit events (COPY), the rows' results and the progress.
 * `regionPaths` caches the regions' paths across batches.
 */
async function importBatch(
  client: pg.PoolClient,
  importId: string,
  imp: ImportMeta,
  claim: (client: pg.PoolClient) => Promise<BatchRow[]>,
  regionPaths: Map<string, string>,
): Promise<{ created: number; skipped: number; rows: number }> {
  const q = <R extends pg.QueryResultRow>(sql: string, params: unknown[]) => client.query<R>(sql, params).then((r) => r.rows)
  const rows = await claim(client)
  if (rows.length === 0) return { created: 0, skipped: 0, rows: 0 }
  const first = rows[0]!.rowNumber
  const last = rows[rows.length - 1]!.rowNumber
  const rowNumbers = rows.map((r) => r.rowNumber)
  const personIds = newIds(rows.length)
  const inserted = await q<{ id: string }>(
    `INSERT INTO "Person" ("id", "name", "idCipher", "idHmac", "idMasked", "gender", "birthDate", "phoneCipher", "phoneMasked", "phoneHmac",
       "regionId", "kind", "priorEducation", "updatedAt")
     SELECT v."id", r."name", r."idCipher", r."idHmac", r."idMasked", r."gender", r."birthDate", r."phoneCipher", r."phoneMasked", r."phoneHmac",
       r."regionId", $5::"PersonKind", r."priorEducation", now()
     FROM unnest($4::int[], $6::text[]) AS v("rowNumber", "id")
     JOIN "RosterImportRow" r ON r."importId" = $1 AND r."rowNumber" = v."rowNumber" AND r."rowNumber" BETWEEN $2 AND $3
     ORDER BY v."rowNumber"
     ON CONFLICT DO NOTHING
     RETURNING "id"`,
    [importId, first, last, rowNumbers, imp.personKind, personIds],
  )
  const createdIds = new Set(inserted.map((r) => r.id))
  // Rows not inserted: the person exists now (registered since the preview, or this batch done before a crash) or the phone is taken.
  const notInserted = rows.filter((_, i) => !createdIds.has(personIds[i]!))
  const existing = notInserted.length
    ? await q<{ id: string; idHmac: string }>('SELECT "id", "idHmac" FROM "Person" WHERE "idHmac" = ANY($1::text[])', [notInserted.map((r) => r.idHmac)])
    : []
  const existingBy = new Map(existing.map((e) => [e.idHmac, e.id]))

  // Accounts: a learner (or teacher) account without a password for every person created (DESIGN.md §11).
  const role = imp.personKind === 'teacher' ? 'teacher' : 'learner'
  const created = rows.flatMap((r, i) => (createdIds.has(personIds[i]!) ? [{ row: r, personId: personIds[i]! }] : []))
  const made: { row: BatchRow; personId: string; userId: string; username: string }[] = []
  let waiting = created
  // A generated username already taken (40 random bits: about never) gets another one.
  for (let attempt = 0; waiting.length > 0; attempt++) {
    if (attempt === 5) throw new Error('roster import: could not find free usernames')
    const userIds = newIds(waiting.length)
    const accounts = waiting.map((c, i) => ({ ...c, userId: userIds[i]!, username: generatedUsername(role) }))
    const inserted = await q<{ id: string }>(
      `INSERT INTO "User" ("id", "username", "displayName", "passwordHash", "personId", "updatedAt")
       SELECT v."id", v."username", v."displayName", NULL, v."personId", now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS v("id", "username", "displayName", "personId")
       ON CONFLICT DO NOTHING
       RETURNING "id"`,
      [accounts.map((a) => a.userId), accounts.map((a) => a.username), accounts.map((a) => a.row.name), accounts.map((a) => a.personId)],
    )
    const ok = new Set(inserted.map((u) => u.id))
    made.push(...accounts.filter((a) => ok.has(a.userId)))
    waiting = accounts.filter((a) => !ok.has(a.userId))
  }
  if (made.length) {
    await q(
      `INSERT INTO "RoleAssignment" ("id", "userId", "role") SELECT v."id", v."userId", $3::"Role" FROM unnest($1::text[], $2::text[]) AS v("id", "userId")`,
      [newIds(made.length), made.map((a) => a.userId), role],
    )
  }
  const unknownRegions = [...new Set(created.map((c) => c.row.regionId))].filter((r) => !regionPaths.has(r))
  if (unknownRegions.length) {
    for (const r of await q<{ id: string; path: string }>('SELECT "id", "path" FROM "Region" WHERE "id" = ANY($1::text[])', [unknownRegions])) {
      regionPaths.set(r.id, r.path)
    }
  }
  // One person.create and one account.created per person (the audit log says who was created by which import), COPYed in.
  if (created.length) {
    let text = ''
    for (const c of created) {
      const after = {
        name: c.row.name,
        idMasked: c.row.idMasked,
        regionId: c.row.regionId,
        kind: imp.personKind,
        rosterImportId: importId,
        row: c.row.rowNumber,
      }
      text += copyLine([imp.createdById, 'person.create', 'Person', c.personId, JSON.stringify(after), regionPaths.get(c.row.regionId) ?? imp.scopePath])
    }
    for (const a of made) {
      const after = { username: a.username, displayName: a.row.name, personId: a.personId, role, password: false, rosterImportId: importId }
      text += copyLine([imp.createdById, 'account.created', 'User', a.userId, JSON.stringify(after), regionPaths.get(a.row.regionId) ?? imp.scopePath])
    }
    const audit = copyIn(client, AUDIT_COPY)
    await audit.write(text)
    await audit.end()
  }

  const results = rows.map((r, i) =>
    createdIds.has(personIds[i]!)
      ? { personId: personIds[i]!, result: 'created' }
      : existingBy.has(r.idHmac)
        ? { personId: existingBy.get(r.idHmac)!, result: 'existing' }
        : { personId: null, result: 'phone_taken' },
  )
  // The row's personal fields have done their work: cleared in the same transaction.
  await q(
    `UPDATE "RosterImportRow" AS r SET "personId" = v."personId", "result" = v."result", "idCipher" = NULL, "phoneCipher" = NULL
     FROM unnest($4::int[], $5::text[], $6::text[]) AS v("rowNumber", "personId", "result")
     WHERE r."importId" = $1 AND r."rowNumber" BETWEEN $2 AND $3 AND r."rowNumber" = v."rowNumber"`,
    [importId, first, last, rowNumbers, results.map((x) => x.personId), results.map((x) => x.result)],
  )
  const skipped = rows.length - created.length
  await q(
    `UPDATE "RosterImport" SET "lastRowNumber" = GREATEST("lastRowNumber", $2), "processedRows" = "processedRows" + $3, "createdCount" = "createdCount" + $4,
       "skippedCount" = "skippedCount" + $5, "status" = 'importing'
     WHERE "id" = $1`,
    [importId, last, rows.length, created.length, skipped],
  )
  return { created: created.length, skipped, rows: rows.length }
}

export type ImportProgress = { processed: number; total: number; created: number }

type ImportRow = {
  createdById: string
  fileName: string
  status: string
  scopePath: string | null
  newRows: number
  processedRows: number
  createdCount: number
  skippedCount: number
  refusedRows: number
  existingRows: number
}
const IMPORT_COLUMNS = `"createdById", "fileName", "status"::text AS "status", "scopePath", "newRows", "processedRows", "createdCount", "skippedCount", "refusedRows", "existingRows"`

/**
 * Imports a confirmed import's new rows, batch after batch (the worker's job
 * and the in-request path), IMPORT_LANES batches at once for a job. Safe to
 * run again after a crash or a kill: a committed batch's rows have their
 * result and are never claimed again, and a batch cut off mid-way left
 * nothing. Marks the import done (audited) at the end.
 * Runs on node-postgres only (no Prisma query: the worker's import never
 * loads Prisma's query compiler).
 */
export async function runRosterImport(
  importId: string,
  opts: { batchSize?: number; lanes?: number; onProgress?: (p: ImportProgress) => unknown; afterBatch?: (n: number) => unknown } = {},
): Promise<{ created: number; skipped: number }> {
  const pool = getPool()
  const [imp] = (await pool.query<ImportRow>(`SELECT ${IMPORT_COLUMNS} FROM "RosterImport" WHERE "id" = $1`, [importId])).rows
  if (!imp) throw new NotFoundError()
  if (imp.status === 'done') return { created: imp.createdCount, skipped: imp.skippedCount }
  await pool.query(`UPDATE "RosterImport" SET "status" = 'importing' WHERE "id" = $1 AND "status" IN ('queued', 'failed')`, [importId])
  const [meta] = (
    await pool.query<ImportMeta>(`SELECT "createdById", "scopePath", "personKind"::text AS "personKind" FROM "RosterImport" WHERE "id" = $1`, [importId])
  ).rows
  let processed = imp.processedRows
  let batches = 0
  let failure: { error: unknown } | null = null
  const regionPaths = new Map<string, string>()
  const claim = batchClaimer(importId, opts.batchSize ?? IMPORT_BATCH)
  // A lane takes batches until a claim finds no rows left; after one lane's failure the others stop at their next batch.
  const lane = async () => {
    while (!failure) {
      const r = await pgTransaction((client) => importBatch(client, importId, meta!, claim, regionPaths))
      if (r.rows === 0) return
      processed += r.rows
      await opts.onProgress?.({ processed, total: imp.newRows, created: r.created })
      await opts.afterBatch?.(++batches)
    }
  }
  const lanes = opts.lanes ?? (imp.newRows - imp.processedRows > JOB_THRESHOLD ? IMPORT_LANES : 1)
  await Promise.all(Array.from({ length: lanes }, () => lane().catch((error: unknown) => void (failure ??= { error }))))
  if (failure) {
    const { error } = failure as { error: unknown }
    await pool
      .query(`UPDATE "RosterImport" SET "status" = 'failed', "error" = $2 WHERE "id" = $1`, [
        importId,
        error instanceof Error ? error.message.slice(0, 500) : String(error),
      ])
      .catch(() => {})
    throw error
  }
  const final = await pgTransaction(async (client) => {
    const [row] = (
      await client.query<ImportRow>(`UPDATE "RosterImport" SET "status" = 'done', "finishedAt" = now() WHERE "id" = $1 RETURNING ${IMPORT_COLUMNS}`, [importId])
    ).rows
    await recordAuditPg(client, {
      actorId: row!.createdById,
      action: 'roster_import.done',
      entityType: 'RosterImport',
      entityId: importId,
      after: { fileName: row!.fileName, created: row!.createdCount, skipped: row!.skippedCount, refused: row!.refusedRows, existing: row!.existingRows },
      scopePath: row!.scopePath,
    })
    return row!
  })
  // A bulk load leaves the planner's statistics behind (PostgreSQL's advice after populating a table: ANALYZE): until
  // autovacuum catches up, a page of the people list or export would read every person in scope to sort them (measured
  // after 100,000 rows: 335 ms a page before, 12 ms after). The import's rows are analyzed for the same reason, and the
  // regions (a county's few dozen stay below autovacuum's threshold, and the export joins them).
  if (final.createdCount >= ANALYZE_AFTER) {
    await pool.query('ANALYZE "Person", "User", "RoleAssignment", "RosterImportRow", "Region"').catch(() => {})
  }
  return { created: final.createdCount, skipped: final.skippedCount }
}

/** Imports a lost job left behind (the worker re-enqueues them at start). */
export async function unfinishedRosterImportIds(): Promise<string[]> {
  const { rows } = await getPool().query<{ id: string }>(`SELECT "id" FROM "RosterImport" WHERE "status" IN ('queued', 'importing')`)
  return rows.map((r) => r.id)
}

/** A job that gave up: the import shows the error and may be confirmed again (it resumes with the rows not yet imported). */
export async function failRosterImport(importId: string, message: string) {
  await getPool().query(`UPDATE "RosterImport" SET "status" = 'failed', "error" = $2 WHERE "id" = $1 AND "status" <> 'done'`, [importId, message.slice(0, 500)])
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/**
 * The rows not imported as an xlsx (row number, column, reason, and the row's
 * name and masked ID number), and the warnings on a second sheet; every text
 * cell escaped against formula injection. Streams the rows from the database
 * in pages. Audited (roster_import.errors_download).
 */
export async function rosterImportErrorsXlsx(db: Db, user: CurrentUser, id: string, opts: { t: T; ip?: string | null }) {
  const imp = await findImport(db, user, id)
  const { t } = opts
  const labels = (imp.header as { labels?: Partial<Record<RosterColumn, string>> }).labels ?? {}
  const columnName = (c: RosterColumn) => labels[c] ?? t(`rosterImport.column.${c}` as MessageKey)
  // exceljs (≈ 13 MB once loaded) only when an errors file is asked for: the worker that imports never needs it.
  const { default: ExcelJS } = await import('exceljs')
  const wb = new ExcelJS.Workbook()
  wb.creator = 'XiangXue'
  const headers = [
    t('rosterImport.col.row'),
    t('rosterImport.col.column'),
    t('rosterImport.col.reason'),
    t('rosterImport.col.name'),
    t('rosterImport.col.idNumber'),
  ]
  const errors = wb.addWorksheet(t('rosterImport.sheet.errors'))
  const warnings = wb.addWorksheet(t('rosterImport.sheet.warnings'))
  for (const ws of [errors, warnings]) {
    ws.addRow(headers).font = { bold: true }
    ws.columns = [{ width: 8 }, { width: 14 }, { width: 60 }, { width: 12 }, { width: 22 }]
    ws.views = [{ state: 'frozen', ySplit: 1 }]
  }
  let after = 0
  for (;;) {
    const rows = await db.rosterImportRow.findMany({
      where: { importId: imp.id, rowNumber: { gt: after }, OR: [{ outcome: 'refused' }, { result: 'phone_taken' }, { warning: true }] },
      orderBy: { rowNumber: 'asc' },
      take: 2000,
      select: { rowNumber: true, outcome: true, issues: true, name: true, idMasked: true, result: true },
    })
    if (rows.length === 0) break
    for (const r of rows) {
      after = r.rowNumber
      const issues = r.issues as RosterIssue[]
      const line = (i: Pick<RosterIssue, 'code' | 'params' | 'column'>) => [
        r.rowNumber,
        safeCell(columnName(i.column)),
        safeCell(describeIssue(t, i)),
        safeCell(r.name),
        r.idMasked,
      ]
      for (const i of issues) (i.severity === 'error' ? errors : warnings).addRow(line(i))
      if (r.result === 'phone_taken') errors.addRow(line({ column: 'phone', code: 'phone_taken' }))
    }
  }
  await recordAudit(db, {
    actorId: user.id,
    action: 'roster_import.errors_download',
    entityType: 'RosterImport',
    entityId: imp.id,
    after: { fileName: imp.fileName, refused: imp.refusedRows },
    ip: opts.ip,
    scopePath: imp.scopePath,
  })
  const bytes = new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer)
  const date = beijingDate(new Date())
  return { bytes, contentType: XLSX, fileName: { utf8: `未导入的行-${date}.xlsx`, ascii: `roster-errors-${date}.xlsx` } }
}
