import type { Prisma } from '#app/generated/prisma/client.ts'
import { groupScopeWhere, personScopeWhere, regionScopeWhere, type Scope } from '#app/models/access.server.ts'
import type { T } from '#app/i18n/index.ts'
import { normalizeIdNumber } from '#app/domain/id-number.ts'
import { normalizePhone } from '#app/domain/names.ts'
import { lookupHmac } from '#app/utils/crypto.server.ts'
import type { Db } from '#app/utils/db.server.ts'

export const PAGE_SIZE = 50

export type SearchMatch = 'name' | 'phone' | 'id_number' | 'tail' | 'digits'

/**
 * How the search box reads what was typed (issue 15): a whole mobile number or a whole ID
 * number is matched on its HMAC (both are stored encrypted); four digits (the last of an ID
 * number, X allowed, or of a phone) on the stored masked tails (idMasked, phoneMasked end with
 * them); anything else with a letter or a Chinese character is (part of) a name. No row is
 * ever decrypted to compare. Other digit strings match nothing (`digits`: say what to type).
 */
export function personSearch(q: string | undefined): { match: SearchMatch; where: Prisma.PersonWhereInput } | null {
  if (!q) return null
  const compact = normalizeIdNumber(q)
  const phone = normalizePhone(compact)
  if (phone) return { match: 'phone', where: { phoneHmac: lookupHmac('phone', phone) } }
  if (/^\d{17}[\dX]$/.test(compact)) return { match: 'id_number', where: { idHmac: lookupHmac('id', compact) } }
  if (/^\d{3}[\dX]$/.test(compact)) {
    const tails: Prisma.PersonWhereInput[] = [{ idMasked: { endsWith: compact } }]
    if (/^\d{4}$/.test(compact)) tails.push({ phoneMasked: { endsWith: compact } })
    return { match: 'tail', where: { OR: tails } }
  }
  if (/\d/.test(compact) && /^[\d+\-X]+$/.test(compact)) return { match: 'digits', where: { id: { in: [] } } }
  return { match: 'name', where: { name: { contains: q.trim() } } }
}

/** People in scope, newest first, optionally filtered by the search box (personSearch). */
export async function listPeople(db: Db, opts: { scopes: Scope[]; q?: string; page?: number }) {
  const search = personSearch(opts.q)
  const where: Prisma.PersonWhereInput = {
    AND: [personScopeWhere(opts.scopes), search?.where ?? {}],
  }
  const page = Math.max(1, opts.page ?? 1)
  const [total, people] = await Promise.all([
    db.person.count({ where }),
    db.person.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        name: true,
        idMasked: true,
        phoneMasked: true,
        kind: true,
        region: { select: { name: true } },
        enrollments: {
          where: { status: 'active', group: groupScopeWhere(opts.scopes) },
          select: { group: { select: { id: true, name: true } } },
          orderBy: { createdAt: 'desc' },
          take: 3,
        },
      },
    }),
  ])
  return { total, people, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), match: search?.match ?? null }
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
