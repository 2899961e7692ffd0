import type { Prisma } from '#app/generated/prisma/client.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'

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
