/**
 * Certificates (DESIGN.md §4): issue one per enrollment and type with a
 * gap-free serial allocated inside the issuing transaction, revoke with a
 * reason, and the prefecture bureau's verification of graduation
 * certificates. Every change is audited.
 */
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding'
import {
  CERTIFICATE_TYPES,
  certificateAllowed,
  formatSerial,
  initialStatus,
  maskName,
  studyEndDate,
  type CertificateSnapshot,
  type CertificateType,
} from '#app/domain/certificates.ts'
import { minutesToHours } from '#app/domain/requirements.ts'
import { beijingDate, dateOnly } from '#app/domain/time.ts'
import { ENROLLMENT_ACTORS, GRADUATION_VERIFIER_ROLES, PROGRESS_READERS } from '#app/domain/roles.ts'
import type { Prisma } from '#app/generated/prisma/client.ts'
import type { T } from '#app/i18n/index.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { isUniqueViolation } from '#app/utils/db.server.ts'
import { getPublicOrigin } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { enrollmentAccessWhere, findEnrollmentInScope, type AccessMode, type CurrentUser, type Grant } from './access.server.ts'
import { recordAudit } from './audit.server.ts'
import { AppError, NotFoundError, type AppErrorKind } from './errors.server.ts'
import { loadEnrollmentProgress, type EnrollmentProgress } from './progress.server.ts'

export type CertificateErrorCode = 'not_eligible' | 'not_found' | 'forbidden' | 'reason_required'

const KINDS: Record<CertificateErrorCode, AppErrorKind> = {
  not_eligible: 'not_eligible',
  not_found: 'not_found',
  forbidden: 'forbidden',
  reason_required: 'validation_failed',
}

export class CertificateError extends AppError {
  constructor(
    readonly code: CertificateErrorCode,
    readonly reasons: string[] = [],
  ) {
    super(code)
    this.name = 'CertificateError'
  }
  get kind(): AppErrorKind {
    return KINDS[this.code]
  }
  override get field() {
    return this.code === 'reason_required' ? 'reason' : undefined
  }
  override get extra() {
    // api-v1.md: a 409 not_eligible carries the unmet conditions as `reasons`.
    return this.code === 'not_eligible' ? { reasons: this.reasons } : undefined
  }
  describe(t: T) {
    switch (this.code) {
      case 'not_eligible':
        return t('certificates.error.notEligible', { reasons: this.reasons.join('；') })
      case 'reason_required':
        return t('certificates.error.reasonRequired')
      case 'forbidden':
        return t('certificates.error.forbidden')
      case 'not_found':
        return t('certificates.error.notFound')
    }
  }
}

// ─── Who may do what with a certificate (DESIGN.md §11) ─────────────────────

/** Issuing and revoking follow the acting rule: coordinators and the admin whose scope holds the class or round. */
const ISSUING = { roles: ENROLLMENT_ACTORS, mode: 'act' } as const
/** Reading (the PDF) follows the reading rule: staff in scope (the person's home region too), the admin, and the holder. */
const READING = { roles: PROGRESS_READERS, mode: 'read', allowSelf: true } as const

/** The enrollment `user` may issue certificates for: NotFoundError outside the acting scope, ForbiddenError without the role. */
export function enrollmentToCertify(db: Db | Tx, user: CurrentUser, enrollmentId: unknown) {
  return findEnrollmentInScope(db, user, enrollmentId, ISSUING, { id: true, person: { select: { name: true } } })
}

/**
 * A certificate `user` may revoke (`act`) or read (`read`, the PDF): NotFoundError when it
 * does not exist or its enrollment lies outside that reach; ForbiddenError without any way in.
 * With `enrollmentId`, it must also be that enrollment's (the enrollment page's forms).
 */
export async function findCertificateInScope(db: Db | Tx, user: CurrentUser, serial: unknown, mode: AccessMode, opts: { enrollmentId?: string } = {}) {
  const where = enrollmentAccessWhere(user, mode === 'act' ? ISSUING : READING)
  if (typeof serial !== 'string' || serial.length === 0 || serial.length > 40) throw new NotFoundError('certificate')
  const c = await db.certificate.findFirst({ where: { serial, ...(opts.enrollmentId ? { enrollmentId: opts.enrollmentId } : {}), enrollment: where } })
  if (!c) throw new NotFoundError('certificate')
  return c
}

/** An enrollment's certificates, oldest first (the caller has found the enrollment in scope). */
export function listCertificatesOfEnrollment(db: Db | Tx, enrollmentId: string) {
  return db.certificate.findMany({ where: { enrollmentId }, orderBy: { issuedAt: 'asc' } })
}

/**
 * The enrollment's certificate page, for a caller who may issue for it (the acting rule;
 * NotFoundError otherwise, as for a missing id): the holder, the outcome as of `asOf`, the
 * types that outcome allows and that are not issued yet, and the certificates issued, each
 * with its check page's URL.
 */
export async function loadEnrollmentCertificates(db: Db, user: CurrentUser, enrollmentId: unknown, asOf: string) {
  const enrollment = await enrollmentToCertify(db, user, enrollmentId)
  const [progress, certificates] = await Promise.all([loadEnrollmentProgress(db, enrollment.id, asOf), listCertificatesOfEnrollment(db, enrollment.id)])
  if (!progress) throw new NotFoundError('enrollment')
  const { status, earlyGraduation } = progress.outcome
  const issued = new Set(certificates.map((c) => c.type))
  return {
    enrollment,
    outcome: status,
    allowed: CERTIFICATE_TYPES.filter((type) => certificateAllowed(type, status, earlyGraduation) && !issued.has(type)),
    certificates: certificates.map((c) => ({ ...c, verifyUrl: verifyUrlFor(c.verificationCode) })),
  }
}

/**
 * THE rule of who verifies graduation certificates (州教育局验印): a bureau grant flagged
 * canVerifyGraduation, over the region of its scope. The region paths it covers; empty for
 * anyone else. The queue page, the API and `verifyCertificates` all ask this.
 */
type VerifierGrant = { role: Grant['role']; canVerifyGraduation: boolean; scope: { kind: 'region'; path: string } | { kind: 'all' | 'none' | 'organization' } }

export function graduationVerifierPaths(grants: readonly VerifierGrant[]): string[] {
  return grants.flatMap((g) => (GRADUATION_VERIFIER_ROLES.includes(g.role) && g.canVerifyGraduation && g.scope.kind === 'region' ? [g.scope.path] : []))
}

/** The verifier's region paths, or CertificateError forbidden (403) when `user` may not verify. */
export function requireGraduationVerifier(user: { grants: readonly VerifierGrant[] }): string[] {
  const paths = graduationVerifierPaths(user.grants)
  if (paths.length === 0) throw new CertificateError('forbidden')
  return paths
}

/** Graduation certificates waiting for the verifier's stamp, in the counties of their scope, by county and serial. */
export async function verificationQueue(db: Db, user: CurrentUser, take = 500) {
  const paths = requireGraduationVerifier(user)
  return db.certificate.findMany({
    where: { type: 'graduation', status: 'pending_verification', enrollment: { group: { OR: paths.map((p) => ({ region: { path: { startsWith: p } } })) } } },
    orderBy: [{ countyCode: 'asc' }, { sequence: 'asc' }],
    take,
    include: {
      // What the prefecture checks before stamping (issue 15): the evidence of the enrollment's approved exemptions.
      enrollment: {
        select: {
          exemptions: {
            where: { status: 'approved', evidenceKey: { not: null } },
            orderBy: { createdAt: 'asc' },
            select: { id: true, course: { select: { name: true } } },
          },
        },
      },
    },
  })
}

export type CertificateRow = Prisma.CertificateGetPayload<object>

/** The requirement whose earned 学时 a certificate states, per type. */
const HOURS_REQUIREMENT: Record<CertificateType, string> = {
  graduation: 'self-study-and-online',
  completion: 'self-study-and-online',
  study_record: 'self-study-and-online',
  training: 'round-hours',
}

/** 20 characters of base32 over 100 random bits (≥ 80 bits, URL-safe). */
export function newVerificationCode(): string {
  const bytes = new Uint8Array(13)
  crypto.getRandomValues(bytes)
  return encodeBase32LowerCaseNoPadding(bytes).slice(0, 20)
}

/** Absolute URL of the public verification page, on the configured public origin (never the request's Host: DESIGN.md §11). */
export function verifyUrlFor(code: string): string {
  const base = getPublicOrigin()
  return `${base}/v/${encodeURIComponent(code)}`
}

/** The county (level `county`) a region lies in: the region itself or an ancestor on its path. */
async function countyOf(db: Db | Tx, regionPath: string) {
  const codes = regionPath.split('/').filter(Boolean)
  const county = await db.region.findFirst({ where: { code: { in: codes }, level: 'county' }, select: { code: true, name: true, path: true } })
  if (!county) throw new Error(`no county above region ${regionPath}`)
  return county
}

const ENROLLMENT_SELECT = {
  id: true,
  startDate: true,
  periodEnd: true,
  person: { select: { name: true, idMasked: true } },
  withdrawal: { select: { withdrawnOn: true, reason: true } },
  // The approval of an early graduation is the end of study on its certificate (DESIGN.md §11).
  earlyGraduationRequests: { where: { status: 'approved' }, orderBy: { reviewedAt: 'desc' }, take: 1, select: { reviewedAt: true, createdAt: true } },
  program: { select: { code: true, name: true, minutesPerHour: true } },
  group: {
    select: {
      code: true,
      name: true,
      kind: true,
      endDate: true,
      major: { select: { name: true } },
      region: { select: { path: true } },
      organization: { select: { name: true } },
    },
  },
} as const

function snapshotHead(
  type: CertificateType,
  e: Prisma.EnrollmentGetPayload<{ select: typeof ENROLLMENT_SELECT }>,
  countyName: string,
  withdrawal: { date: string } | null,
  earlyApproved: boolean,
) {
  const early = earlyApproved ? e.earlyGraduationRequests[0] : undefined
  return {
    type,
    holderName: e.person.name,
    idNumberMasked: e.person.idMasked,
    programCode: e.program.code,
    programName: e.program.name,
    groupCode: e.group.code,
    groupName: e.group.name,
    majorName: e.group.major?.name ?? null,
    organizationName: e.group.organization?.name ?? `${countyName}教育局`,
    countyName,
    startDate: dateOnly(e.startDate),
    endDate: studyEndDate({
      type,
      withdrawnOn: withdrawal?.date ?? null,
      earlyApprovedAt: early ? (early.reviewedAt ?? early.createdAt) : null,
      periodEnd: e.periodEnd ? dateOnly(e.periodEnd) : e.group.endDate ? dateOnly(e.group.endDate) : null,
    }),
  }
}

function buildSnapshot(opts: {
  type: CertificateType
  e: Prisma.EnrollmentGetPayload<{ select: typeof ENROLLMENT_SELECT }>
  progress: EnrollmentProgress
  countyName: string
  issuedOn: string
}): CertificateSnapshot {
  const { type, e, progress, countyName, issuedOn } = opts
  const requirement = progress.evaluation.requirements.find((r) => r.code === HOURS_REQUIREMENT[type])
  const minutes = requirement?.earnedMinutes ?? null
  const withdrawal = e.withdrawal ? { date: dateOnly(e.withdrawal.withdrawnOn), reason: e.withdrawal.reason } : null
  const isClass = e.group.kind === 'class'
  return {
    ...snapshotHead(type, e, countyName, withdrawal, progress.outcome.earlyGraduation === 'approved'),
    issuedOn,
    hours: minutes === null ? null : minutesToHours(minutes, e.program.minutesPerHour),
    minutes,
    credits: isClass && progress.courses.length > 0 ? { earned: progress.credits.earned, required: progress.credits.required } : null,
    courses: progress.courses.map((c) => ({ code: c.code, name: c.name, credits: c.credits, state: c.state })),
    withdrawal,
  }
}

/**
 * Issues a certificate of `type` for an enrollment whose outcome allows it,
 * or returns the one already issued (created: false). The serial comes from
 * SerialCounter in the same transaction: the counter row's lock orders
 * concurrent issuers and a rollback gives the number back, so serials have no gaps.
 */
export async function issueCertificate(
  db: Db,
  opts: { enrollmentId: string; type: CertificateType; actorId: string | null; ip?: string | null; asOf?: string; now?: Date; batchId?: string | null },
): Promise<{ certificate: CertificateRow; created: boolean }> {
  const existing = await db.certificate.findUnique({ where: { enrollmentId_type: { enrollmentId: opts.enrollmentId, type: opts.type } } })
  if (existing) return { certificate: existing, created: false }
  const now = opts.now ?? new Date()
  const asOf = opts.asOf ?? beijingDate(now)
  try {
    return await db.$transaction(async (tx) => {
      const e = await tx.enrollment.findUnique({ where: { id: opts.enrollmentId }, select: ENROLLMENT_SELECT })
      if (!e) throw new CertificateError('not_found')
      const again = await tx.certificate.findUnique({ where: { enrollmentId_type: { enrollmentId: e.id, type: opts.type } } })
      if (again) return { certificate: again, created: false }
      const progress = await loadEnrollmentProgress(tx, e.id, asOf)
      if (!progress) throw new CertificateError('not_found')
      if (!certificateAllowed(opts.type, progress.outcome.status, progress.outcome.earlyGraduation)) {
        throw new CertificateError(
          'not_eligible',
          progress.outcome.reasons.length > 0 ? progress.outcome.reasons : [notEligibleReason(opts.type, progress.outcome.status)],
        )
      }
      const county = await countyOf(tx, e.group.region.path)
      const issuedOn = beijingDate(now)
      const year = Number(issuedOn.slice(0, 4))
      const rows = await tx.$queryRaw<{ lastValue: number }[]>`
        INSERT INTO "SerialCounter" ("countyCode", "year", "type", "lastValue")
        VALUES (${county.code}, ${year}, ${opts.type}::"CertificateType", 1)
        ON CONFLICT ("countyCode", "year", "type") DO UPDATE SET "lastValue" = "SerialCounter"."lastValue" + 1
        RETURNING "lastValue"`
      const sequence = Number(rows[0]!.lastValue)
      const serial = formatSerial({ countyCode: county.code, year, type: opts.type, sequence })
      const snapshot = buildSnapshot({ type: opts.type, e, progress, countyName: county.name, issuedOn })
      const certificate = await tx.certificate.create({
        data: {
          id: newId(),
          enrollmentId: e.id,
          type: opts.type,
          serial,
          countyCode: county.code,
          year,
          sequence,
          verificationCode: newVerificationCode(),
          status: initialStatus(opts.type),
          snapshot: snapshot as unknown as Prisma.InputJsonValue,
          issuedAt: now,
          issuedById: opts.actorId,
          batchId: opts.batchId ?? null,
        },
      })
      if (opts.type === 'graduation') await tx.enrollment.update({ where: { id: e.id }, data: { status: 'graduated' } })
      await recordAudit(tx, {
        actorId: opts.actorId,
        action: 'certificate.issue',
        entityType: 'Certificate',
        entityId: certificate.id,
        after: { serial, type: opts.type, enrollmentId: e.id, status: certificate.status },
        ip: opts.ip,
        scopePath: e.group.region.path,
      })
      return { certificate, created: true }
    })
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    // Another issuer won the race for this enrollment and type: theirs is the certificate.
    const certificate = await db.certificate.findUnique({ where: { enrollmentId_type: { enrollmentId: opts.enrollmentId, type: opts.type } } })
    if (!certificate) throw error
    return { certificate, created: false }
  }
}

function notEligibleReason(type: CertificateType, status: string): string {
  const needs: Record<CertificateType, string> = {
    graduation: '尚未达到毕业条件',
    completion: '学习期限未满或已达到毕业条件，不能颁发结业证书',
    study_record: '只有已退学的学员才能颁发写实性学习证明',
    training: '培训学时未达标，不能颁发培训合格证书',
  }
  return `${needs[type]}（当前状态：${status}）`
}

/** The enrollment's region path, for scope checks and audit. */
async function certificateWithScope(db: Db | Tx, serial: string) {
  return db.certificate.findUnique({
    where: { serial },
    include: { enrollment: { select: { id: true, group: { select: { region: { select: { path: true } } } } } } },
  })
}

/** Revokes a certificate (a reason is required); the serial stays taken. */
export async function revokeCertificate(db: Db, opts: { serial: string; reason: string; actorId: string | null; ip?: string | null; now?: Date }) {
  const reason = opts.reason.trim()
  if (!reason) throw new CertificateError('reason_required')
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Certificate" WHERE "serial" = ${opts.serial} FOR UPDATE`
    if (locked.length === 0) throw new CertificateError('not_found')
    const before = await certificateWithScope(tx, opts.serial)
    if (!before) throw new CertificateError('not_found')
    if (before.status === 'revoked') return before
    const certificate = await tx.certificate.update({
      where: { serial: opts.serial },
      data: { status: 'revoked', revokedAt: opts.now ?? new Date(), revokedById: opts.actorId, revokeReason: reason },
    })
    await recordAudit(tx, {
      actorId: opts.actorId,
      action: 'certificate.revoke',
      entityType: 'Certificate',
      entityId: certificate.id,
      before: { status: before.status },
      after: { serial: certificate.serial, status: 'revoked', reason },
      ip: opts.ip,
      scopePath: before.enrollment.group.region.path,
    })
    return certificate
  })
}

export type VerifyResult = { serial: string; result: 'verified' | 'already_valid' | 'not_found' | 'not_pending' }

/**
 * 州教育局验印: the actor must be a bureau user allowed to verify graduation
 * certificates; only pending graduation certificates of counties inside that
 * grant's scope become valid. Serials outside the scope answer not_found.
 */
export async function verifyCertificates(db: Db, opts: { serials: string[]; actorId: string; ip?: string | null; now?: Date }): Promise<VerifyResult[]> {
  // The grants as stored now (not as a session saw them), judged by the one rule.
  const grants = await db.roleAssignment.findMany({
    where: { userId: opts.actorId, user: { disabled: false } },
    select: { role: true, canVerifyGraduation: true, scopeRegion: { select: { path: true } } },
  })
  const paths = graduationVerifierPaths(
    grants.map((g): VerifierGrant => ({
      role: g.role,
      canVerifyGraduation: g.canVerifyGraduation,
      scope: g.scopeRegion ? { kind: 'region', path: g.scopeRegion.path } : { kind: 'none' },
    })),
  )
  if (paths.length === 0) throw new CertificateError('forbidden')
  const now = opts.now ?? new Date()
  const results: VerifyResult[] = []
  for (const serial of [...new Set(opts.serials)]) {
    const result = await db.$transaction(async (tx): Promise<VerifyResult> => {
      await tx.$queryRaw`SELECT "id" FROM "Certificate" WHERE "serial" = ${serial} FOR UPDATE`
      const c = await certificateWithScope(tx, serial)
      if (!c || !paths.some((p) => c.enrollment.group.region.path.startsWith(p))) return { serial, result: 'not_found' }
      if (c.type !== 'graduation') return { serial, result: 'not_pending' }
      if (c.status === 'valid') return { serial, result: 'already_valid' }
      if (c.status !== 'pending_verification') return { serial, result: 'not_pending' }
      await tx.certificate.update({ where: { id: c.id }, data: { status: 'valid', verifiedAt: now, verifiedById: opts.actorId } })
      await recordAudit(tx, {
        actorId: opts.actorId,
        action: 'certificate.verify',
        entityType: 'Certificate',
        entityId: c.id,
        before: { status: c.status },
        after: { serial, status: 'valid' },
        ip: opts.ip,
        scopePath: c.enrollment.group.region.path,
      })
      return { serial, result: 'verified' }
    })
    results.push(result)
  }
  return results
}

export async function findByVerificationCode(db: Db | Tx, code: string) {
  if (!/^[a-z2-7]{16,40}$/.test(code)) return null
  return db.certificate.findUnique({ where: { verificationCode: code } })
}

/** What the public page and endpoint say about a certificate (api-v1.md), and nothing more. */
export function publicView(c: CertificateRow) {
  const s = c.snapshot as unknown as CertificateSnapshot
  return {
    valid: c.status === 'valid',
    status: c.status,
    type: c.type,
    holderName: maskName(s.holderName),
    programName: s.programName,
    groupName: s.groupName,
    issuedOn: s.issuedOn,
    ...(s.hours !== null && s.hours !== undefined ? { hours: s.hours } : {}),
    serial: c.serial,
    revokedOn: c.revokedAt ? beijingDate(c.revokedAt) : null,
  }
}

/**
 * What the public check page (/v/) shows: the public view (as the API gives it)
 * and the issuing school and the major the certificate states.
 */
export function publicPageView(c: CertificateRow) {
  const s = c.snapshot as unknown as CertificateSnapshot
  return { ...publicView(c), organizationName: s.organizationName, majorName: s.majorName ?? null }
}

/** The certificate's PDF as it stands now (status, verification and revocation marks). */
export async function certificatePdf(c: CertificateRow): Promise<Uint8Array> {
  const { renderCertificatePdf } = await import('./certificate-pdf.server.ts')
  return renderCertificatePdf({
    snapshot: c.snapshot as unknown as CertificateSnapshot,
    serial: c.serial,
    verifyUrl: verifyUrlFor(c.verificationCode),
    status: c.status,
    verifiedOn: c.verifiedAt ? beijingDate(c.verifiedAt) : null,
    revokedOn: c.revokedAt ? beijingDate(c.revokedAt) : null,
  })
}

/** An inline PDF answer named by the serial. */
export function pdfResponse(bytes: Uint8Array, serial: string): Response {
  return new Response(bytes as unknown as BodyInit, {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="${serial}.pdf"`,
      'Cache-Control': 'private, no-store',
    },
  })
}
