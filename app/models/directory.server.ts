import type { Prisma } from '#app/generated/prisma/client.ts'
import { groupScopeWhere, personScopeWhere, regionScopeWhere, type Scope } from '#app/models/access.server.ts'
import type { T } from '#app/i18n/index.ts'
import { normalizePhone } from '#app/domain/names.ts'
import { lookupHmac } from '#app/utils/crypto.server.ts'
import type { Db } from '#app/utils/db.server.ts'

export const PAGE_SIZE = 50

/** The search box: (part of) a name, or a whole mobile number, matched on the phone of record's HMAC (it is stored encrypted). */
function personSearchWhere(q: string | undefined): Prisma.PersonWhereInput {
  if (!q) return {}
  const phone = normalizePhone(q)
  return phone ? { OR: [{ name: { contains: q } }, { phoneHmac: lookupHmac('phone', phone) }] } : { name: { contains: q } }
}

/** People in scope, newest first, optionally filtered by (part of) a name or by a phone number. */
export async function listPeople(db: Db, opts: { scopes: Scope[]; q?: string; page?: number }) {
  const where: Prisma.PersonWhereInput = {
    AND: [personScopeWhere(opts.scopes), personSearchWhere(opts.q)],
  }
  const page = Math.max(1, opts.page ?? 1)
  const [total, people] = await Promise.all([
    db.person.count({ where }),
    db.person.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: { id: true, name: true, idMasked: true, kind: true, region: { select: { name: true } } },
    }),
  ])
  return { total, people, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) }
}

/** Bureau overview: counts in scope, and per township. */
export async function bureauOverview(db: Db, opts: { scopes: Scope[] }) {
  const people = personScopeWhere(opts.scopes)
  const groups = groupScopeWhere(opts.scopes)
  const [learners, teachers, classes, rounds, activeEnrollments, townships] = await Promise.all([
    db.person.count({ where: { AND: [people, { kind: 'adult_learner' }] } }),
    db.person.count({ where: { AND: [people, { kind: 'teacher' }] } }),
    db.group.count({ where: { AND: [groups, { kind: 'class' }] } }),
    db.group.count({ where: { AND: [groups, { kind: 'round' }] } }),
    db.enrollment.count({ where: { status: 'active', group: groups } }),
    db.region.findMany({
      where: { AND: [regionScopeWhere(opts.scopes), { level: 'township' }] },
      orderBy: { code: 'asc' },
      select: { id: true, code: true, name: true, path: true },
    }),
  ])
  const perKind = await db.person.groupBy({
    by: ['regionId', 'kind'],
    where: { regionId: { in: townships.map((t) => t.id) } },
    _count: { _all: true },
  })
  const byTownship = townships.map((t) => {
    const count = (kind: 'adult_learner' | 'teacher') => perKind.find((r) => r.regionId === t.id && r.kind === kind)?._count._all ?? 0
    return { code: t.code, name: t.name, learners: count('adult_learner'), teachers: count('teacher') }
  })
  return { learners, teachers, classes, rounds, activeEnrollments, byTownship }
}

export function scopeLabel(scopes: Scope[], t: T) {
  return scopes
    .map((s) => (s.kind === 'all' ? t('admin.scopeAll') : s.kind === 'none' ? t('admin.scopeNone') : s.kind === 'region' ? `${s.name}（${s.code}）` : s.name))
    .join('、')
}
