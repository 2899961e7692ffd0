/**
 * Audit events through node-postgres, in a module of its own that loads
 * neither Prisma nor exceljs: the roster import's preview thread
 * (app/models/roster-preview.server.ts) writes its event with it and stays
 * small. app/models/audit.server.ts re-exports both.
 */
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
