/**
 * Issue 12, Must show 2 (the roster import): a 1,000-row roster with 37 bad
 * rows imports 963 and reports the 37 with row, column and reason; importing
 * it again adds 0; a zip bomb, an XXE sheet and an .exe renamed .xlsx are
 * refused before parsing with bounded memory; a GBK CSV imports its Chinese
 * names intact; a township coordinator's import holds only their township.
 * And: every person imported has a learner account without a password; a
 * large import runs as a BullMQ job in a worker process that, SIGKILLed
 * mid-way and restarted, leaves no half-written row and ends complete.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { Queue } from 'bullmq'
import ExcelJS from 'exceljs'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { makeIdNumber } from '#app/domain/id-number.ts'
import { ROSTER_IMPORT_QUEUE, enqueueRosterImport, rosterImportQueue } from '#app/jobs/roster-import.ts'
import { redisConnection } from '#app/jobs/queue.server.ts'
import { userForSessionToken } from '#app/auth/permissions.server.ts'
import { translator } from '#app/i18n/index.ts'
import type { CurrentUser } from '#app/models/access.server.ts'
import {
  confirmRosterImport,
  getRosterImport,
  previewRosterImport,
  rosterImportErrorsXlsx,
  RosterImportError,
  runRosterImport,
} from '#app/models/roster-import.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { closePool } from '#app/utils/pg.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { createUserWithSession, createWorld, type World } from '#tests/fixtures/db.ts'
import { rosterCsv, rosterLine, rosterPerson, rosterXlsx, zipBomb, type RosterCell } from '#tests/fixtures/roster.ts'

const TODAY = '2026-12-01'
const t = translator('zh-CN')
const prefix = `xxt_${randomBytes(5).toString('hex')}`
process.env.XX_QUEUE_PREFIX = prefix
const root = path.resolve(import.meta.dirname, '../..')
const children: ChildProcess[] = []

let world: World
let county: CurrentUser
let zhelou: CurrentUser
let villageId: string

async function currentUser(opts: { scopeRegionId: string }) {
  const u = await createUserWithSession(getDb(), { role: 'coordinator', ...opts })
  return (await userForSessionToken(u.token))!
}

const inlineOnly = async () => {
  throw new Error('no job expected')
}

beforeAll(async () => {
  const db = getDb()
  world = await createWorld(db)
  villageId = newId()
  await db.region.create({
    data: {
      id: villageId,
      code: '522327001201',
      name: '板其村',
      level: 'village',
      parentId: world.regions.zhelou.id,
      path: `${world.regions.zhelou.path}522327001201/`,
    },
  })
  county = await currentUser({ scopeRegionId: world.regions.county.id })
  zhelou = await currentUser({ scopeRegionId: world.regions.zhelou.id })
}, 60_000)

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  const queue = new Queue(ROSTER_IMPORT_QUEUE, { connection: redisConnection(), prefix })
  await queue.obliterate({ force: true })
  await queue.close()
  await rosterImportQueue().close()
  await closePool()
})

/** The persons an import created, with their accounts. */
async function importedPeople(importId: string) {
  const rows = await getDb().rosterImportRow.findMany({ where: { importId, result: 'created' }, select: { personId: true } })
  return getDb().person.findMany({
    where: { id: { in: rows.map((r) => r.personId!) } },
    select: { id: true, name: true, regionId: true, kind: true, user: { select: { passwordHash: true, roles: { select: { role: true } } } } },
  })
}

describe('a 1,000-row roster with 37 bad rows', () => {
  // Every 27th row from the 14th is bad, each in exactly one way.
  type Bad = 'check_digit' | 'township' | 'duplicate' | 'phone' | 'name' | 'number'
  const badKinds = [
    ...Array(10).fill('check_digit'),
    ...Array(8).fill('township'),
    ...Array(7).fill('duplicate'),
    ...Array(6).fill('phone'),
    ...Array(4).fill('name'),
    ...Array(2).fill('number'),
  ] as Bad[]
  const expected = new Map<number, { column: string; reason: RegExp }>()
  let file: Uint8Array

  beforeAll(async () => {
    const lines: RosterCell[][] = []
    let bad = 0
    for (let i = 0; i < 1000; i++) {
      const p = rosterPerson(i, { township: i % 2 ? '者楼街道' : '高洛', village: i % 10 === 1 ? '板其村' : '', phoneBase: 1_000_000 })
      const line = rosterLine(p, i + 1)
      // A few good rows are 62 (a warning: imported all the same).
      if (i % 200 === 5) {
        line[2] = makeIdNumber({ regionCode: '522327', birthDate: '1964-05-05', sequence: 501 + 2 * Math.floor(i / 200) })
        line[3] = '男'
      }
      const rowNumber = i + 2
      if (i >= 13 && (i - 13) % 27 === 0 && bad < badKinds.length) {
        const kind = badKinds[bad++]!
        if (kind === 'check_digit') {
          const id = String(line[2])
          line[2] = id.slice(0, 17) + (id.endsWith('1') ? '2' : '1')
          expected.set(rowNumber, { column: '身份证号码', reason: /^身份证号有误：身份证号校验位不正确/ })
        } else if (kind === 'township') {
          line[5] = '火星镇'
          expected.set(rowNumber, { column: '乡镇（街道）', reason: /^乡镇不存在：火星镇$/ })
        } else if (kind === 'duplicate') {
          line[1] = lines[0]![1]!
          line[2] = lines[0]![2]!
          line[3] = lines[0]![3]!
          expected.set(rowNumber, { column: '身份证号码', reason: /^文件内重复：与第 2 行身份证号相同$/ })
        } else if (kind === 'phone') {
          line[4] = '0859-123456'
          expected.set(rowNumber, { column: '手机号码', reason: /^手机号格式不对/ })
        } else if (kind === 'name') {
          line[1] = ''
          expected.set(rowNumber, { column: '姓名', reason: /^姓名为空$/ })
        } else {
          line[2] = Number(line[2])
          expected.set(rowNumber, { column: '身份证号码', reason: /被 Excel 存成了数字/ })
        }
      }
      lines.push(line)
    }
    expect(expected.size).toBe(37)
    file = await rosterXlsx(lines)
  })

  test('the preview says 963 new and 37 refused, each with its reason; confirmed, 963 are imported, each with a learner account without a password', async () => {
    const db = getDb()
    const before = await db.person.count()
    const { id } = await previewRosterImport(county, { fileName: '册亨县花名册.xlsx', bytes: file, today: TODAY })
    const preview = await getRosterImport(db, county, id)
    expect(preview.import).toMatchObject({ status: 'previewed', totalRows: 1000, newRows: 963, existingRows: 0, refusedRows: 37, warningRows: 5 })
    expect(preview.import.header).toMatchObject({ headerRow: 1, labels: { name: '姓名', idNumber: '身份证号码', township: '乡镇（街道）' } })
    const refused = await getRosterImport(db, county, id, { filter: 'refused' })
    expect(refused.rows.map((r) => r.rowNumber)).toEqual([...expected.keys()])
    const warned = await getRosterImport(db, county, id, { filter: 'warning' })
    expect(warned.rows).toHaveLength(5)
    expect(warned.rows.every((r) => r.outcome === 'new' && r.issues.some((i) => i.code === 'age'))).toBe(true)
    // Nothing imported before the confirmation.
    expect(await db.person.count()).toBe(before)

    expect(await confirmRosterImport(db, county, id, { enqueue: inlineOnly })).toEqual({ queued: false })
    const done = await getRosterImport(db, county, id)
    expect(done.import).toMatchObject({ status: 'done', createdCount: 963, skippedCount: 0 })
    expect(await db.person.count()).toBe(before + 963)
    const people = await importedPeople(id)
    expect(people).toHaveLength(963)
    expect(people.every((p) => p.kind === 'adult_learner' && p.user?.passwordHash === null && p.user.roles.map((r) => r.role).join() === 'learner')).toBe(true)
    // Placed in the village when the row names one, else the township.
    expect(people.filter((p) => p.regionId === villageId).length).toBeGreaterThan(40)
    // Audited: one person.create and one account.created per person, and the import itself.
    expect(await db.auditEvent.count({ where: { action: 'person.create', after: { path: ['rosterImportId'], equals: id } } })).toBe(963)
    expect(await db.auditEvent.count({ where: { action: 'account.created', after: { path: ['rosterImportId'], equals: id } } })).toBe(963)
    expect(
      await db.auditEvent.count({ where: { entityId: id, action: { in: ['roster_import.preview', 'roster_import.confirm', 'roster_import.done'] } } }),
    ).toBe(3)
    // The encrypted ID and phone copies of the imported rows are gone.
    expect(await db.rosterImportRow.count({ where: { importId: id, idCipher: { not: null } } })).toBe(0)

    // The report of the bad rows: an xlsx of the 37 with row number, column (as the file named it) and reason.
    const xlsx = await rosterImportErrorsXlsx(db, county, id, { t })
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(xlsx.bytes) as unknown as ArrayBuffer)
    const sheet = wb.getWorksheet('未导入的行')!
    expect(sheet.getRow(1).values).toEqual([undefined, '行号', '列', '原因', '姓名', '身份证号'])
    const lines: { row: number; column: string; reason: string }[] = []
    sheet.eachRow((r, n) => n > 1 && lines.push({ row: Number(r.getCell(1).value), column: String(r.getCell(2).value), reason: String(r.getCell(3).value) }))
    expect(lines).toHaveLength(37)
    for (const line of lines) {
      const want = expected.get(line.row)!
      expect(want, `row ${line.row}`).toBeDefined()
      expect(line.column).toBe(want.column)
      expect(line.reason).toMatch(want.reason)
    }
    expect(wb.getWorksheet('提醒')!.rowCount).toBe(1 + 5)
  }, 120_000)

  test('the same file again: 963 already known, 37 refused, nothing added', async () => {
    const db = getDb()
    const before = await db.person.count()
    const users = await db.user.count()
    const { id } = await previewRosterImport(county, { fileName: '册亨县花名册.xlsx', bytes: file, today: TODAY })
    expect((await getRosterImport(db, county, id)).import).toMatchObject({ newRows: 0, existingRows: 963, refusedRows: 37 })
    await confirmRosterImport(db, county, id, { enqueue: inlineOnly })
    expect((await getRosterImport(db, county, id)).import).toMatchObject({ status: 'done', createdCount: 0 })
    expect(await db.person.count()).toBe(before)
    expect(await db.user.count()).toBe(users)
    // Confirming twice is refused.
    await expect(confirmRosterImport(db, county, id, { enqueue: inlineOnly })).rejects.toMatchObject({ code: 'not_previewed' })
  }, 120_000)

  test('another coordinator cannot see, confirm or download someone else’s import (404)', async () => {
    const db = getDb()
    const { id } = await previewRosterImport(county, { fileName: 'x.xlsx', bytes: file, today: TODAY })
    const other = await currentUser({ scopeRegionId: world.regions.county.id })
    await expect(getRosterImport(db, other, id)).rejects.toMatchObject({ kind: 'not_found' })
    await expect(confirmRosterImport(db, other, id, { enqueue: inlineOnly })).rejects.toMatchObject({ kind: 'not_found' })
    await expect(rosterImportErrorsXlsx(db, other, id, { t })).rejects.toMatchObject({ kind: 'not_found' })
  }, 60_000)
})

describe('files refused before parsing, with bounded memory', () => {
  async function refusal(fileName: string, bytes: Uint8Array) {
    const db = getDb()
    const imports = await db.rosterImport.count()
    global.gc?.()
    const rss = process.memoryUsage().rss
    const t0 = performance.now()
    const error = await previewRosterImport(county, { fileName, bytes, today: TODAY }).then(
      () => null,
      (e: unknown) => e,
    )
    const grew = process.memoryUsage().rss - rss
    expect(error).toBeInstanceOf(RosterImportError)
    expect(await db.rosterImport.count()).toBe(imports) // nothing stored
    return { code: (error as RosterImportError).code, message: (error as RosterImportError).describe(t), grewMb: grew / 2 ** 20, ms: performance.now() - t0 }
  }

  test('a zip bomb (1 GB of sheet in under 1 MB) is refused from its central directory', async () => {
    const bomb = await zipBomb(1024)
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024)
    const r = await refusal('bomb.xlsx', bomb)
    expect(r).toMatchObject({ code: 'zip_bomb', message: '文件解压后过大或内容异常，已拒绝。' })
    expect(r.grewMb).toBeLessThan(64)
    expect(r.ms).toBeLessThan(2000)
  }, 120_000)

  test('a zip bomb whose central directory lies about its sizes is stopped while inflating, after its declared size', async () => {
    const bomb = await zipBomb(256, { declaredSize: 4000 })
    const r = await refusal('bomb.xlsx', bomb)
    expect(r.code).toBe('zip_bomb')
    expect(r.grewMb).toBeLessThan(64)
  }, 120_000)

  test('an XXE sheet (a DOCTYPE with an external entity) is refused', async () => {
    const real = unzipSync(await rosterXlsx([rosterLine(rosterPerson(5000, { township: '者楼街道' }), 1)]))
    const sheet = strFromU8(real['xl/worksheets/sheet1.xml']!)
    real['xl/worksheets/sheet1.xml'] = strToU8(sheet.replace('?>', '?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'))
    const r = await refusal('xxe.xlsx', zipSync(real))
    expect(r).toMatchObject({ code: 'xml_entities', message: '文件含有不允许的内容（XML 实体声明），已拒绝。' })
  })

  test('an .exe renamed .xlsx is refused by its content', async () => {
    const exe = new Uint8Array(64 * 1024)
    exe.set([0x4d, 0x5a, 0x90, 0x00, 0x03])
    exe.set(strToU8('This program cannot be run in DOS mode.'), 0x4e)
    const r = await refusal('花名册.xlsx', exe)
    expect(r).toMatchObject({ code: 'not_roster', message: '这不是 Excel（xlsx）或 CSV 文件。请用 Excel 或 WPS 另存为 xlsx 后再上传。' })
  })

  test('a sheet without the needed header, and a header without rows', async () => {
    expect((await refusal('a.xlsx', await rosterXlsx([['x', 'y']], ['序号', '备注']))).code).toBe('no_header')
    expect((await refusal('b.csv', rosterCsv([], 'utf-8'))).code).toBe('no_rows')
  })
})

test('a GBK CSV (as Excel in China saves it) imports its Chinese names intact', async () => {
  const db = getDb()
  const people = Array.from({ length: 30 }, (_, i) => rosterPerson(20_000 + i, { township: '者楼街道', village: '板其村', phoneBase: 2_000_000 }))
  people[0]!.name = '覃秀英'
  people[1]!.name = '岑仕贵'
  people[2]!.name = '韦玉梅'
  const file = rosterCsv(
    people.map((p, i) => rosterLine(p, i + 1)),
    'gbk',
  )
  const { id } = await previewRosterImport(county, { fileName: '者楼街道.csv', bytes: file, today: TODAY })
  expect((await getRosterImport(db, county, id)).import).toMatchObject({ fileKind: 'csv', encoding: 'gbk', newRows: 30, refusedRows: 0 })
  await confirmRosterImport(db, county, id, { enqueue: inlineOnly })
  const names = (await importedPeople(id)).map((p) => p.name).sort()
  expect(names).toEqual(people.map((p) => p.name).sort())
  expect(names).toContain('覃秀英')
  expect(names).toContain('岑仕贵')
  expect(names.every((n) => /^[\u4e00-\u9fff]{2,4}$/.test(n))).toBe(true)
})

test('a township coordinator’s import holds only their township: rows of the next township are refused as out of scope', async () => {
  const db = getDb()
  const mine = Array.from({ length: 12 }, (_, i) => rosterPerson(30_000 + i, { township: '者楼街道', phoneBase: 3_000_000 }))
  const theirs = Array.from({ length: 8 }, (_, i) => rosterPerson(30_100 + i, { township: '高洛街道', phoneBase: 3_000_000 }))
  const elsewhere = [rosterPerson(30_200, { township: '王母街道', phoneBase: 3_000_000 })] // another county's township: unknown here
  const file = await rosterXlsx(
    [...mine, ...theirs, ...elsewhere].map((p, i) => rosterLine(p, i + 1)),
    undefined,
    { title: '者楼街道 2026 年学员名单' },
  )
  const { id } = await previewRosterImport(zhelou, { fileName: 'zhelou.xlsx', bytes: file, today: TODAY })
  const preview = await getRosterImport(db, zhelou, id, { filter: 'refused' })
  expect(preview.import).toMatchObject({ newRows: 12, refusedRows: 9, header: { headerRow: 2 } })
  expect(preview.rows.slice(0, 8).map((r) => r.issues[0]!.code)).toEqual(Array(8).fill('out_of_scope'))
  expect(preview.rows[8]!.issues[0]!.code).toBe('township_unknown')
  await confirmRosterImport(db, zhelou, id, { enqueue: inlineOnly })
  const people = await importedPeople(id)
  expect(people).toHaveLength(12)
  expect(people.every((p) => p.regionId === world.regions.zhelou.id)).toBe(true)
})

/** A previewed import of `n` new people of 者楼街道 (the fixture's people from `first`), confirmed as a job would be. */
async function queuedImport(n: number, first: number) {
  const people = Array.from({ length: n }, (_, i) => rosterPerson(first + i, { township: '者楼街道', phoneBase: first * 100 }))
  const { id } = await previewRosterImport(county, { fileName: 'r.xlsx', bytes: await rosterXlsx(people.map((p, i) => rosterLine(p, i + 1))), today: TODAY })
  await getDb().rosterImport.update({ where: { id }, data: { status: 'queued' } })
  return id
}

/** The job's process dies after its first committed batch. */
const powerCutAfterFirst = (n: number) => {
  if (n === 1) throw new Error('断电')
}

test('an import that fails after a batch keeps the committed batches whole and, confirmed again, resumes at its cursor', async () => {
  const db = getDb()
  const id = await queuedImport(250, 40_000)
  await expect(runRosterImport(id, { batchSize: 100, afterBatch: powerCutAfterFirst })).rejects.toThrow('断电')
  const failed = await getRosterImport(db, county, id)
  expect(failed.import).toMatchObject({ status: 'failed', processedRows: 100, createdCount: 100, error: '断电' })
  expect(await importedPeople(id)).toHaveLength(100)
  await confirmRosterImport(db, county, id, { enqueue: inlineOnly })
  expect((await getRosterImport(db, county, id)).import).toMatchObject({ status: 'done', processedRows: 250, createdCount: 250 })
  const all = await importedPeople(id)
  expect(all).toHaveLength(250)
  expect(all.every((p) => p.user !== null)).toBe(true)
}, 60_000)

test('two lanes at once: a failure after a batch leaves only whole batches, each person once with an account, and run again every row is imported once', async () => {
  const db = getDb()
  const id = await queuedImport(950, 41_000)
  await expect(runRosterImport(id, { batchSize: 100, lanes: 2, afterBatch: powerCutAfterFirst })).rejects.toThrow('断电')
  const failed = (await getRosterImport(db, county, id)).import
  // The other lane's batch in flight may have committed too, never more.
  expect(failed.status).toBe('failed')
  expect([100, 200]).toContain(failed.processedRows)
  expect(failed.createdCount).toBe(failed.processedRows)
  const some = await importedPeople(id)
  expect(some).toHaveLength(failed.processedRows)
  expect(some.every((p) => p.user?.roles.length === 1)).toBe(true)
  await db.rosterImport.update({ where: { id }, data: { status: 'queued' } })
  await runRosterImport(id, { batchSize: 100, lanes: 2 })
  expect((await getRosterImport(db, county, id)).import).toMatchObject({ status: 'done', processedRows: 950, createdCount: 950, skippedCount: 0 })
  const all = await importedPeople(id)
  expect(all).toHaveLength(950)
  expect(all.every((p) => p.user !== null && p.user.roles.length === 1)).toBe(true)
  const rows = await db.rosterImportRow.groupBy({ by: ['result'], where: { importId: id }, _count: true })
  expect(rows).toEqual([{ result: 'created', _count: 950 }])
}, 60_000)

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/index.ts'], {
    cwd: root,
    env: { ...process.env, XX_QUEUE_PREFIX: prefix, XX_WORKER_LOCK_MS: '3000', XX_WORKER_STALLED_MS: '1500' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d: Buffer) => process.env.XX_TEST_VERBOSE && process.stdout.write(d))
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(d))
  children.push(child)
  return child
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

test('6,000 rows run as a BullMQ job; the worker SIGKILLed mid-import leaves every person whole with an account, and restarted it finishes', async () => {
  const db = getDb()
  const N = 6000
  const people = Array.from({ length: N }, (_, i) => rosterPerson(100_000 + i, { township: '者楼街道', phoneBase: 5_000_000 }))
  const { id } = await previewRosterImport(county, {
    fileName: 'big.xlsx',
    bytes: await rosterXlsx(people.map((p, i) => rosterLine(p, i + 1))),
    today: TODAY,
  })
  expect(await confirmRosterImport(db, county, id, { enqueue: (importId) => enqueueRosterImport(importId) })).toEqual({ queued: true })
  expect((await getRosterImport(db, county, id)).import.status).toBe('queued')

  const first = startWorker()
  await waitFor('a first batch', async () => ((await db.rosterImport.findUniqueOrThrow({ where: { id } })).processedRows > 0 ? true : null), 120_000, 20)
  first.kill('SIGKILL')
  await new Promise((r) => first.once('exit', r))
  const atKill = await db.rosterImport.findUniqueOrThrow({ where: { id } })
  expect(atKill.processedRows).toBeLessThan(N) // killed mid-way, really
  // Nothing half-written: every person of the import is counted by the cursor and has an account with its role.
  const created = await importedPeople(id)
  expect(created).toHaveLength(atKill.createdCount)
  const personCount = await db.person.count({
    where: { idHmac: { in: (await db.rosterImportRow.findMany({ where: { importId: id }, select: { idHmac: true } })).map((r) => r.idHmac!) } },
  })
  expect(personCount).toBe(atKill.createdCount)
  expect(created.every((p) => p.user !== null && p.user.roles.length === 1)).toBe(true)

  const second = startWorker()
  const done = await waitFor(
    'import done',
    async () => {
      const r = await db.rosterImport.findUniqueOrThrow({ where: { id } })
      return r.status === 'done' || r.status === 'failed' ? r : null
    },
    180_000,
    200,
  )
  expect(done).toMatchObject({ status: 'done', processedRows: N, createdCount: N, skippedCount: 0 })
  expect(await importedPeople(id)).toHaveLength(N)
  second.kill('SIGTERM')
  await new Promise((r) => second.once('exit', r))
}, 300_000)

describe('through the pages (no JavaScript needed: plain multipart and POST forms)', () => {
  const post = (url: string, cookie: string, body: FormData | URLSearchParams) =>
    new Request(`http://localhost${url}`, { method: 'POST', headers: { cookie }, body })
  const call = async (fn: (args: never) => unknown, request: Request, params: Record<string, string> = {}) => {
    try {
      return (await fn({ request, params, context: { ip: '127.0.0.1' } } as never)) as unknown
    } catch (thrown) {
      return thrown
    }
  }

  test('upload → preview page → confirm → done, and the errors xlsx; a renamed .exe and a 21 MB file are refused in Chinese', async () => {
    const db = getDb()
    const coordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const upload = await import('#app/routes/coordinator.imports._index.tsx')
    const page = await import('#app/routes/coordinator.imports.$importId.tsx')
    const errors = await import('#app/routes/coordinator.imports.$importId_.errors[.]xlsx.ts')
    const people = Array.from({ length: 6 }, (_, i) => rosterPerson(60_000 + i, { township: '者楼街道', phoneBase: 6_000_000 }))
    const lines = people.map((p, i) => rosterLine(p, i + 1))
    lines.push(rosterLine({ ...rosterPerson(60_010, { township: '高洛街道', phoneBase: 6_000_000 }) }, 7))
    const form = new FormData()
    form.append('file', new File([Buffer.from(await rosterXlsx(lines))], '者楼 花名册.xlsx'))
    const redirect = (await call(upload.action, post('/coordinator/imports', coordinator.cookie, form))) as Response
    expect(redirect.status).toBe(302)
    const location = redirect.headers.get('location')!
    expect(location).toMatch(/^\/coordinator\/imports\/[a-z0-9]+$/)
    const id = location.split('/').pop()!

    const view = (await call(page.loader, new Request(`http://localhost${location}`, { headers: { cookie: coordinator.cookie } }), {
      importId: id,
    })) as Awaited<ReturnType<typeof page.loader>>
    expect(view.import).toMatchObject({ status: 'previewed', newRows: 6, refusedRows: 1, fileName: '者楼 花名册.xlsx' })
    expect(view.rows.find((r) => r.outcome === 'refused')!.issues[0]).toMatchObject({ column: 'township', code: 'out_of_scope' })

    const confirmed = (await call(page.action, post(location, coordinator.cookie, new URLSearchParams()), { importId: id })) as Response
    expect(confirmed.status).toBe(302)
    const after = (await call(page.loader, new Request(`http://localhost${location}`, { headers: { cookie: coordinator.cookie } }), {
      importId: id,
    })) as Awaited<ReturnType<typeof page.loader>>
    expect(after.import).toMatchObject({ status: 'done', createdCount: 6 })

    const xlsx = (await call(errors.loader, new Request(`http://localhost${location}/errors.xlsx`, { headers: { cookie: coordinator.cookie } }), {
      importId: id,
    })) as Response
    expect(xlsx.status).toBe(200)
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load((await xlsx.arrayBuffer()) as ArrayBuffer)
    expect(wb.getWorksheet('未导入的行')!.getRow(2).values).toEqual([
      undefined,
      8,
      '乡镇（街道）',
      '不在您的管辖范围：高洛街道',
      expect.any(String),
      expect.stringMatching(/^\d{4}\*{10}[\dX]{4}$/),
    ])

    // Someone else's import is 404 on every page.
    const stranger = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    expect(
      ((await call(page.loader, new Request(`http://localhost${location}`, { headers: { cookie: stranger.cookie } }), { importId: id })) as Response).status,
    ).toBe(404)
    expect(
      (
        (await call(errors.loader, new Request(`http://localhost${location}/errors.xlsx`, { headers: { cookie: stranger.cookie } }), {
          importId: id,
        })) as Response
      ).status,
    ).toBe(404)

    // Refusals in Chinese, on the form.
    const exe = new FormData()
    exe.append('file', new File([new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0])], 'roster.xlsx'))
    const refused = (await call(upload.action, post('/coordinator/imports', coordinator.cookie, exe))) as { data: { error: string }; init: { status: number } }
    expect(refused.init.status).toBe(422)
    expect(refused.data.error).toBe('这不是 Excel（xlsx）或 CSV 文件。请用 Excel 或 WPS 另存为 xlsx 后再上传。')
    const big = new FormData()
    big.append('file', new File([new Uint8Array(21 * 1024 * 1024)], 'big.csv'))
    const tooBig = (await call(upload.action, post('/coordinator/imports', coordinator.cookie, big))) as { data: { error: string }; init: { status: number } }
    expect(tooBig.init.status).toBe(413)
    expect(tooBig.data.error).toBe('文件不能超过 20 MB。')
  }, 60_000)
})
