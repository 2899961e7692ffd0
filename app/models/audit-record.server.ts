/**
 * Recording audit events (through Prisma, or node-postgres), in a module of
 * its own that loads neither Prisma nor exceljs nor the message catalogs: the
 * roster import's preview thread and its import (app/models/roster-*.server.ts)
 * record theirs with it and stay small. app/models/audit.server.ts, the log's
 * reading side, re-exports all of it.
 */
import type { Prisma } from '#app/generated/prisma/client.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import type { PgQueryable } from '#app/utils/pg.server.ts'

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

/** An event as its AuditEvent row. */
const eventRow = (e: AuditInput) => ({
  actorId: e.actorId,
  action: e.action,
  entityType: e.entityType,
  entityId: e.entityId ?? null,
  before: json(e.before),
  after: json(e.after),
  ip: e.ip ?? null,
  scopePath: e.scopePath ?? null,
})

/** Records many audit events in one multi-row insert (a batch's entries). Pass the transaction client of the change. */
export async function recordAudits(db: Db | Tx, events: readonly AuditInput[]) {
  if (events.length === 0) return
  await db.auditEvent.createMany({ data: events.map(eventRow) })
}

/** Records an audit event. Pass the transaction client of the change it records. */
export async function recordAudit(db: Db | Tx, e: AuditInput) {
  await db.auditEvent.create({ data: eventRow(e) })
}

/**
 * The same event written through node-postgres (a pool, or the client of a
 * `pgTransaction`): for the paths that never touch Prisma, such as the roster
 * import, whose process then never loads Prisma's query compiler.
 */
export async function recordAuditPg(db: PgQueryable, e: AuditInput) {
  const text = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v))
  await db.query(
    `INSERT INTO "AuditEvent" ("actorId", "action", "entityType", "entityId", "before", "after", "ip", "scopePath")
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8)`,
    [e.actorId, e.action, e.entityType, e.entityId ?? null, text(e.before), text(e.after), e.ip ?? null, e.scopePath ?? null],
  )
}
