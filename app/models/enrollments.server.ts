import type { Db } from '#app/utils/db.server.ts'

/** A person's classes and rounds, current ones first (learner home and the coordinator's person page). */
export function listEnrollmentsOfPerson(db: Db, personId: string) {
  return db.enrollment.findMany({
    where: { personId },
    orderBy: [{ status: 'asc' }, { startDate: 'desc' }],
    select: {
      id: true,
      status: true,
      startDate: true,
      periodEnd: true,
      studyYears: true,
      program: { select: { code: true } },
      group: { select: { name: true, code: true, kind: true, major: { select: { name: true } } } },
    },
  })
}
