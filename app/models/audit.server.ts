import ExcelJS from 'exceljs'
import type { Prisma } from '#app/generated/prisma/client.ts'
import { auditFilterParams, changedFields, correctionChange, shortValue, type AuditFilter, type FieldChange } from '#app/domain/audit-log.ts'
import { AUDIT_READERS } from '#app/domain/roles.ts'
import { safeCell } from '#app/domain/spreadsheet-cells.ts'
import { beijingDate, formatDate, formatInstant, isIsoDate, startOfBeijingDay } from '#app/domain/time.ts'
import { translate, type Locale, type MessageKey, type T } from '#app/i18n/index.ts'
import type { Db } from '#app/utils/db.server.ts'
import { auditScopeWhere, personScopeWhere, scopesFor, type CurrentUser } from './access.server.ts'
import { recordAudit } from './audit-record.server.ts'
import { personSearch } from './directory.server.ts'

export { recordAudit, recordAudits, recordAuditPg, type AuditInput } from './audit-record.server.ts'

export const AUDIT_PAGE_SIZE = 50
/** The most rows one export writes (the page says so). */
export const AUDIT_EXPORT_MAX = 5000

/** The largest id PostgreSQL's bigint holds. */
const MAX_ID = 2n ** 63n - 1n

/** A page cursor from the query string: a decimal id PostgreSQL can hold, else none (the first page). */
export function pageCursor(text: string | null | undefined): bigint | null {
  if (!text || !/^\d{1,19}$/.test(text)) return null
  const id = BigInt(text)
  return id <= MAX_ID ? id : null
}

const DAY_MS = 86_400_000
const EMPTY_FILTER: AuditFilter = { who: '', action: '', entity: '', person: '', from: '', to: '' }

/** The Prisma filter of the page's filters, inside the reader's jurisdiction; `none` when a name filter matches nobody. */
async function auditWhere(db: Db, user: CurrentUser, f: AuditFilter): Promise<Prisma.AuditEventWhereInput | 'none'> {
  const scopes = scopesFor(user, AUDIT_READERS)
  const and: Prisma.AuditEventWhereInput[] = [auditScopeWhere(scopes)]
  if (f.action) and.push({ action: f.action })
  if (f.entity) and.push({ entityType: f.entity })
  if (f.from) and.push({ at: { gte: startOfBeijingDay(f.from) } })
  if (f.to) and.push({ at: { lt: new Date(startOfBeijingDay(f.to).getTime() + DAY_MS) } })
  if (f.who) {
    const actors = await db.user.findMany({
      where: { OR: [{ username: { contains: f.who } }, { displayName: { contains: f.who } }] },
      select: { id: true },
      take: 100,
    })
    if (actors.length === 0) return 'none'
    and.push({ actorId: { in: actors.map((a) => a.id) } })
  }
  if (f.person) {
    // The people search (name, phone or ID number through their HMACs, last four digits through the masked tails), within the reader's scope.
    const search = personSearch(f.person)
    if (!search) return 'none'
    const people = await db.person.findMany({
      where: { AND: [personScopeWhere(scopes), search.where] },
      select: { id: true, user: { select: { id: true } }, enrollments: { select: { id: true } } },
      take: 20,
    })
    if (people.length === 0) return 'none'
    const personIds = people.map((p) => p.id)
    const userIds = people.flatMap((p) => (p.user ? [p.user.id] : []))
    const enrollmentIds = people.flatMap((p) => p.enrollments.map((e) => e.id))
    and.push({
      OR: [
        { entityType: 'Person', entityId: { in: personIds } },
        { entityType: 'Enrollment', entityId: { in: enrollmentIds } },
        ...(userIds.length ? [{ entityType: 'User', entityId: { in: userIds } }, { actorId: { in: userIds } }] : []),
        ...enrollmentIds.flatMap((id) => [{ after: { path: ['enrollmentId'], equals: id } }, { before: { path: ['enrollmentId'], equals: id } }]),
        ...personIds.map((id) => ({ after: { path: ['personId'], equals: id } })),
      ],
    })
  }
  return { AND: and }
}

type EventRow = Awaited<ReturnType<Db['auditEvent']['findMany']>>[number]
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {})
const str = (v: unknown) => (typeof v === 'string' ? v : null)

/** What the page needs besides the events: actors with their roles, the people and classes the events are about, hour corrections' standing minutes. */
async function describeEvents(db: Db, events: EventRow[]) {
  const actorIds = [...new Set(events.flatMap((e) => (e.actorId ? [e.actorId] : [])))]
  const enrollmentIdOf = (e: EventRow) => (e.entityType === 'Enrollment' ? e.entityId : (str(obj(e.after).enrollmentId) ?? str(obj(e.before).enrollmentId)))
  const personIdOf = (e: EventRow) => (e.entityType === 'Person' ? e.entityId : str(obj(e.after).personId))
  const enrollmentIds = [...new Set(events.flatMap((e) => enrollmentIdOf(e) ?? []))]
  const personIds = [...new Set(events.flatMap((e) => personIdOf(e) ?? []))]
  const userEntityIds = [...new Set(events.flatMap((e) => (e.entityType === 'User' && e.entityId ? [e.entityId] : [])))]
  const correctedIds = [
    ...new Set(
      events.flatMap((e) => {
        const id = e.action === 'hours.correct' ? str(obj(e.after).correctsId) : null
        return id && /^\d{1,19}$/.test(id) ? [BigInt(id)] : []
      }),
    ),
  ]
  const [actors, enrollments, persons, userEntities, originals, corrections] = await Promise.all([
    db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, username: true, displayName: true, roles: { select: { role: true } } } }),
    db.enrollment.findMany({
      where: { id: { in: enrollmentIds } },
      select: { id: true, person: { select: { id: true, name: true } }, group: { select: { id: true, name: true } } },
    }),
    db.person.findMany({ where: { id: { in: personIds } }, select: { id: true, name: true } }),
    db.user.findMany({ where: { id: { in: userEntityIds } }, select: { id: true, displayName: true, username: true } }),
    db.hourEntry.findMany({ where: { id: { in: correctedIds } }, select: { id: true, minutes: true } }),
    db.hourEntry.findMany({ where: { correctsId: { in: correctedIds } }, select: { id: true, correctsId: true, minutes: true } }),
  ])
  return {
    actor: new Map(actors.map((a) => [a.id, a])),
    enrollment: new Map(enrollments.map((e) => [e.id, e])),
    person: new Map(persons.map((p) => [p.id, p])),
    userEntity: new Map(userEntities.map((u) => [u.id, u])),
    enrollmentIdOf,
    personIdOf,
    /** The minutes still standing on the corrected entry before this correction, and after it. */
    correction(e: EventRow): FieldChange | null {
      const after = obj(e.after)
      const originalId = str(after.correctsId)
      const original = originals.find((o) => o.id.toString() === originalId)
      const minutes = typeof after.minutes === 'number' ? after.minutes : null
      if (!original || minutes === null || !e.entityId) return null
      const self = /^\d{1,19}$/.test(e.entityId) ? BigInt(e.entityId) : null
      const earlier = corrections.filter((c) => c.correctsId === original.id && self !== null && c.id < self).reduce((sum, c) => sum + c.minutes, 0)
      return correctionChange(original.minutes, earlier, minutes)
    },
  }
}

export type AuditChange = { field: string; label: string; before: string | null; after: string | null }
export type AuditRow = {
  id: string
  at: string
  /** The code as written (filters, tests). */
  action: string
  actionLabel: string
  actor: { name: string; username: string | null; roles: string }
  entity: { type: string; label: string; id: string | null; href: string | null; about: string | null; aboutHref: string | null }
  changes: AuditChange[]
  ip: string | null
}

/** Links to the records, for readers who may open them (the admin: the coordinator and admin pages). */
function entityHref(type: string, id: string | null, enrollmentId: string | null, canOpen: boolean): string | null {
  if (!canOpen) return null
  if (enrollmentId && type !== 'Enrollment') return `/coordinator/enrollments/${enrollmentId}`
  if (!id) return null
  switch (type) {
    case 'Person':
      return `/coordinator/people/${id}`
    case 'Enrollment':
      return `/coordinator/enrollments/${id}`
    case 'Group':
      return `/coordinator/groups/${id}`
    case 'ClassSession':
      return `/coordinator/sessions/${id}`
    case 'Course':
      return `/coordinator/courses/${id}`
    case 'User':
      return `/admin/users/${id}`
    default:
      return null
  }
}

const ROLE_NAMES = new Set(['learner', 'teacher', 'coordinator', 'bureau', 'admin'])
/** Fields whose values are codes with a name (audit.value.*). */
const ENUM_FIELDS = new Set(['status', 'category', 'source', 'kind', 'type', 'method', 'finalOutcome', 'mode', 'via'])

function present(t: T, locale: Locale, field: string, v: unknown): string | null {
  const value = shortValue(v)
  if (value === null) return null
  if (typeof value === 'boolean') return t(value ? 'audit.yes' : 'audit.no')
  if (field === 'minutes' && typeof v === 'number') return t('audit.minutes', { minutes: v })
  if (typeof v === 'string' && isIsoDate(v)) return formatDate(v, locale)
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(v)) return formatInstant(new Date(v), locale)
  if (field === 'role' && typeof v === 'string' && ROLE_NAMES.has(v)) return t(`role.${v}` as MessageKey)
  const word = typeof v === 'string' && ENUM_FIELDS.has(field) ? t(`audit.value.${v}` as MessageKey) : undefined
  return word ?? value
}

function toRows(events: EventRow[], d: Awaited<ReturnType<typeof describeEvents>>, t: T, locale: Locale, canOpen: boolean): AuditRow[] {
  const label = (key: string, fallback: string) => t(key as MessageKey) ?? fallback
  return events.map((e) => {
    const actor = e.actorId ? d.actor.get(e.actorId) : null
    const enrollmentId = d.enrollmentIdOf(e)
    const enrollment = enrollmentId ? d.enrollment.get(enrollmentId) : undefined
    const personId = d.personIdOf(e) ?? enrollment?.person.id ?? null
    const person = personId ? (d.person.get(personId) ?? enrollment?.person) : undefined
    const userEntity = e.entityType === 'User' && e.entityId ? d.userEntity.get(e.entityId) : undefined
    const about = person
      ? `${person.name}${enrollment ? `（${enrollment.group.name}）` : ''}`
      : userEntity
        ? `${userEntity.displayName}（${userEntity.username}）`
        : null
    const raw =
      e.action === 'hours.correct'
        ? [d.correction(e), ...changedFields(undefined, { reason: obj(e.after).reason, date: obj(e.after).date })]
        : changedFields(e.before ?? undefined, e.after ?? undefined)
    const changes = raw.flatMap((c) => {
      if (!c) return []
      const before = present(t, locale, c.field, c.before)
      const after = present(t, locale, c.field, c.after)
      if (before === null && after === null) return []
      return [{ field: c.field, label: label(`audit.field.${c.field}`, c.field), before, after }]
    })
    return {
      id: e.id.toString(),
      at: e.at.toISOString(),
      action: e.action,
      actionLabel: label(`audit.action.${e.action}`, e.action),
      actor: actor
        ? { name: actor.displayName, username: actor.username, roles: [...new Set(actor.roles.map((r) => t(`role.${r.role}` as MessageKey)))].join('、') }
        : { name: e.actorId ? t('audit.unknownActor') : t('audit.system'), username: null, roles: '' },
      entity: {
        type: e.entityType,
        label: label(`audit.entity.${e.entityType}`, e.entityType),
        id: e.entityId,
        href: entityHref(e.entityType, e.entityId, enrollmentId, canOpen),
        about,
        aboutHref: canOpen && person ? `/coordinator/people/${person.id}` : null,
      },
      changes,
      ip: e.ip,
    }
  })
}

/**
 * The audit log as its reader may see it (the admin everything, a bureau its own
 * jurisdiction), filtered (who, action, record type, the person it is about, a date range),
 * newest first, a page at a time (`before` = the last id of the previous page), in words a
 * person reads: Chinese action and field names, who with their roles, before → after.
 */
export async function listAuditEvents(db: Db, user: CurrentUser, opts: { before?: string | null; filter?: AuditFilter; t?: T; locale?: Locale } = {}) {
  const filter = opts.filter ?? EMPTY_FILTER
  const t = opts.t ?? ((key, params) => translate('zh-CN', key, params))
  const where = await auditWhere(db, user, filter)
  if (where === 'none') return { events: [] as AuditRow[], next: null, filter }
  const cursor = pageCursor(opts.before)
  const events = await db.auditEvent.findMany({
    where: { AND: [where, cursor !== null ? { id: { lt: cursor } } : {}] },
    orderBy: { id: 'desc' },
    take: AUDIT_PAGE_SIZE + 1,
  })
  const page = events.slice(0, AUDIT_PAGE_SIZE)
  const canOpen = user.grants.some((g) => g.role === 'admin')
  return {
    events: toRows(page, await describeEvents(db, page), t, opts.locale ?? 'zh-CN', canOpen),
    next: events.length > AUDIT_PAGE_SIZE ? page[page.length - 1]!.id.toString() : null,
    filter,
  }
}

/** The filtered events (at most AUDIT_EXPORT_MAX, newest first) as an xlsx, cells escaped against formula injection; the export is audited. */
export async function exportAuditEvents(
  db: Db,
  user: CurrentUser,
  opts: { filter: AuditFilter; t: T; locale: 'zh-CN' | 'en'; ip?: string | null; now?: Date },
) {
  const { filter, t } = opts
  const where = await auditWhere(db, user, filter)
  const events = where === 'none' ? [] : await db.auditEvent.findMany({ where, orderBy: { id: 'desc' }, take: AUDIT_EXPORT_MAX })
  const rows = toRows(events, await describeEvents(db, events), t, opts.locale, false)
  const scopes = scopesFor(user, AUDIT_READERS)
  await recordAudit(db, {
    actorId: user.id,
    action: 'audit.export',
    entityType: 'Export',
    after: { format: 'xlsx', filters: auditFilterParams(filter), rows: rows.length },
    ip: opts.ip ?? null,
    scopePath: scopes.map((s) => (s.kind === 'region' ? s.path : s.kind === 'organization' ? s.regionPath : null)).find(Boolean) ?? null,
  })
  const wb = new ExcelJS.Workbook()
  wb.creator = 'XiangXue'
  const ws = wb.addWorksheet(t('audit.sheet'))
  ws.columns = [
    { header: t('audit.at'), width: 20 },
    { header: t('audit.actor'), width: 22 },
    { header: t('audit.action'), width: 18 },
    { header: t('audit.entity'), width: 16 },
    { header: t('audit.col.record'), width: 30 },
    { header: t('audit.col.changes'), width: 60 },
    { header: t('audit.ip'), width: 16 },
  ]
  ws.getRow(1).font = { bold: true }
  for (const r of rows) {
    const changes = r.changes.map((c) => `${c.label}：${c.before ?? '—'} → ${c.after ?? '—'}`).join('\n')
    ws.addRow(
      [
        formatInstant(new Date(r.at), opts.locale),
        `${r.actor.name}${r.actor.roles ? `（${r.actor.roles}）` : ''}`,
        r.actionLabel,
        r.entity.label,
        r.entity.about ?? r.entity.id ?? '',
        changes,
        r.ip ?? '',
      ].map(safeCell),
    )
  }
  const stamp = beijingDate(opts.now ?? new Date())
  const bytes = new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer)
  return {
    bytes,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    fileName: { utf8: `审计日志-${stamp}.xlsx`, ascii: `audit-log-${stamp}.xlsx` },
  }
}
