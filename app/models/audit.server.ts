import type { Prisma } from '#app/generated/prisma/client.ts'
import { AUDIT_READERS } from '#app/domain/roles.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { auditScopeWhere, scopesFor, type CurrentUser } from './access.server.ts'

export type AuditInput = {
  actorId: string | null
  action: string
  entityType: string
  entityId?: string | null
  before?: unknown
  after?: unknown
  ip?: string | null
  /** Region path of the record (see AuditEvent.scopePath). */
  scopePath?: string | null
}

const json = (v: unknown) => (v === undefined || v === null ? undefined : (JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue))

/** Records many audit events in one multi-row insert (a batch's entries). Pass the transaction client of the change. */
export async function recordAudits(db: Db | Tx, events: readonly AuditInput[]) {
  if (events.length === 0) return
  await db.auditEvent.createMany({
    data: events.map((e) => ({
      actorId: e.actorId,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId ?? null,
      before: json(e.before),
      after: json(e.after),
      ip: e.ip ?? null,
      scopePath: e.scopePath ?? null,
    })),
  })
}

/** Records an audit event. Pass the transaction client of the change it records. */
export async function recordAudit(db: Db | Tx, e: AuditInput) {
  await db.auditEvent.create({
    data: {
      actorId: e.actorId,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId ?? null,
      before: json(e.before),
      after: json(e.after),
      ip: e.ip ?? null,
      scopePath: e.scopePath ?? null,
    },
  })
}

export const AUDIT_PAGE_SIZE = 100

/** The largest id PostgreSQL's bigint holds. */
const MAX_ID = 2n ** 63n - 1n

/** A page cursor from the query string: a decimal id PostgreSQL can hold, else none (the first page). */
export function pageCursor(text: string | null | undefined): bigint | null {
  if (!text || !/^\d{1,19}$/.test(text)) return null
  const id = BigInt(text)
  return id <= MAX_ID ? id : null
}

/**
 * The audit log as its reader may see it: the admin everything, a bureau its
 * own jurisdiction; newest first, a page at a time (`before` = the last id of
 * the previous page), with each actor's username.
 */
export async function listAuditEvents(db: Db, user: CurrentUser, opts: { before?: string | null } = {}) {
  const cursor = pageCursor(opts.before)
  const before = cursor !== null ? { id: { lt: cursor } } : {}
  const events = await db.auditEvent.findMany({
    where: { AND: [auditScopeWhere(scopesFor(user, AUDIT_READERS)), before] },
    orderBy: { id: 'desc' },
    take: AUDIT_PAGE_SIZE,
  })
  const actorIds = [...new Set(events.map((e) => e.actorId).filter((id): id is string => Boolean(id)))]
  const actors = await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, username: true } })
  const names = new Map(actors.map((a) => [a.id, a.username]))
  return {
    events: events.map((e) => ({
      id: e.id.toString(),
      at: e.at.toISOString(),
      actor: e.actorId ? (names.get(e.actorId) ?? e.actorId) : '—',
      action: e.action,
      entity: `${e.entityType}${e.entityId ? ` ${e.entityId}` : ''}`,
      ip: e.ip,
      change: e.before || e.after ? JSON.stringify({ before: e.before ?? undefined, after: e.after ?? undefined }) : '',
    })),
    next: events.length === AUDIT_PAGE_SIZE ? events[events.length - 1]!.id.toString() : null,
  }
}
