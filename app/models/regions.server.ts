/**
 * Editable regions (issue 15): an admin adds a township under a county or a
 * village under a township, and renames any region. Codes follow the national
 * division codes: a township's is its county's 6 digits and 3 more, a
 * village's its township's 9 and 3 more. Every change is audited.
 */
import type { T } from '#app/i18n/index.ts'
import { isUniqueViolation, type Db } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { recordAudit } from './audit.server.ts'
import { AppError, type AppErrorKind } from './errors.server.ts'

type RegionProblem = 'parent' | 'code' | 'codeTaken' | 'name' | 'notFound'

const FIELDS: Record<RegionProblem, string | undefined> = { parent: 'parentId', code: 'code', codeTaken: 'code', name: 'name', notFound: undefined }

export class RegionError extends AppError {
  constructor(
    readonly problem: RegionProblem,
    readonly params: Record<string, string | number> = {},
  ) {
    super(problem)
    this.name = 'RegionError'
  }
  get kind(): AppErrorKind {
    return this.problem === 'codeTaken' ? 'conflict' : this.problem === 'notFound' ? 'not_found' : 'validation_failed'
  }
  override get field() {
    return FIELDS[this.problem]
  }
  describe(t: T) {
    const params = { ...this.params }
    if (typeof params.level === 'string') params.level = t(`admin.level.${params.level as 'township' | 'village'}`)
    return t(`admin.regions.error.${this.problem}`, params)
  }
}

/** Which level a child of each level is, and how many digits its code has. */
const CHILD = { county: { level: 'township', digits: 9 }, township: { level: 'village', digits: 12 } } as const

const MAX_NAME = 40

function cleanName(name: string) {
  const v = name.trim().replace(/\s+/g, ' ')
  if (!v || [...v].length > MAX_NAME) throw new RegionError('name')
  return v
}

/** Adds a township under a county or a village under a township. */
export async function createRegion(db: Db, opts: { actorId: string; parentId: string; code: string; name: string; ip?: string | null }) {
  const parent = await db.region.findUnique({ where: { id: opts.parentId } })
  if (!parent) throw new RegionError('parent')
  const child = parent.level === 'county' || parent.level === 'township' ? CHILD[parent.level] : null
  if (!child) throw new RegionError('parent')
  const code = opts.code.trim()
  if (!new RegExp(`^\\d{${child.digits}}$`).test(code) || !code.startsWith(parent.code)) {
    throw new RegionError('code', { level: child.level, digits: child.digits, prefix: parent.code })
  }
  const name = cleanName(opts.name)
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.region.create({
        data: { id: newId(), code, name, level: child.level, parentId: parent.id, path: `${parent.path}${code}/` },
        select: { id: true, code: true, name: true, level: true, path: true },
      })
      await recordAudit(tx, {
        actorId: opts.actorId,
        action: 'region.create',
        entityType: 'Region',
        entityId: row.id,
        after: { code, name, level: child.level, parentCode: parent.code },
        ip: opts.ip,
        scopePath: row.path,
      })
      return row
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new RegionError('codeTaken', { code })
    throw error
  }
}

/** Renames a region; its code and place in the tree stay. */
export async function renameRegion(db: Db, opts: { actorId: string; regionId: string; name: string; ip?: string | null }) {
  const name = cleanName(opts.name)
  return db.$transaction(async (tx) => {
    const region = await tx.region.findUnique({ where: { id: opts.regionId } })
    if (!region) throw new RegionError('notFound')
    if (region.name === name) return { before: region.name, after: name }
    await tx.region.update({ where: { id: region.id }, data: { name } })
    await recordAudit(tx, {
      actorId: opts.actorId,
      action: 'region.rename',
      entityType: 'Region',
      entityId: region.id,
      before: { name: region.name },
      after: { name },
      ip: opts.ip,
      scopePath: region.path,
    })
    return { before: region.name, after: name }
  })
}
