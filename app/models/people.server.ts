import type { Prisma } from '#app/generated/prisma/client.ts'
import { parseIdNumber, maskIdNumber, type IdNumberProblem } from '#app/domain/id-number.ts'
import { maskPhone, normalizePhone } from '#app/domain/names.ts'
import { PEOPLE_MANAGERS } from '#app/domain/roles.ts'
import { beijingDate } from '#app/domain/time.ts'
import type { Gender, PersonKind, PriorEducation } from '#app/generated/prisma/enums.ts'
import type { MessageKey, T } from '#app/i18n/index.ts'
import { encryptField, lookupHmac } from '#app/utils/crypto.server.ts'
import { isUniqueViolation, type Db, type Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { findPersonInScope, regionScopeWhere, scopesFor, type CurrentUser, type Scope } from './access.server.ts'
import { recordAudit } from './audit.server.ts'
import { AppError, ForbiddenError, NotFoundError, type AppErrorKind } from './errors.server.ts'

export type PersonInput = {
  name: string
  idNumber: string
  phone?: string | null
  regionId: string
  organizationId?: string | null
  kind: PersonKind
  priorEducation?: PriorEducation | null
}

export type PersonErrorCode = 'invalid_id_number' | 'duplicate_id_number' | 'invalid_phone' | 'duplicate_phone' | 'region_not_allowed' | 'school_not_found'

export class PersonError extends AppError {
  constructor(
    readonly code: PersonErrorCode,
    readonly detail: {
      problem?: IdNumberProblem
      /** The person already registered with the ID number (for trusted callers). */
      existingId?: string
      /** The same id, set only when the caller may see that person: what the API answers as `existingId`. */
      visibleId?: string
      /** The request field the region or school came in (the form's regionId, the API's regionCode). */
      field?: string
    } = {},
  ) {
    super(code)
    this.name = 'PersonError'
  }
  get kind(): AppErrorKind {
    return this.code === 'duplicate_id_number' || this.code === 'duplicate_phone' ? 'conflict' : 'validation_failed'
  }
  override get field() {
    if (this.code === 'invalid_phone' || this.code === 'duplicate_phone') return 'phone'
    if (this.code === 'region_not_allowed') return this.detail.field ?? 'regionId'
    if (this.code === 'school_not_found') return 'schoolName'
    return 'idNumber'
  }
  override get extra() {
    return this.detail.visibleId ? { existingId: this.detail.visibleId } : undefined
  }
  describe(t: T) {
    switch (this.code) {
      case 'invalid_id_number': {
        const { code, ...params } = this.detail.problem ?? { code: 'format' as const }
        return t(`idNumber.${code}` as MessageKey, params)
      }
      case 'duplicate_id_number':
        return t('idNumber.duplicate')
      case 'invalid_phone':
        return t('person.phoneInvalid')
      case 'duplicate_phone':
        // Never whose number it is: the phone of record is personal data of someone perhaps out of scope.
        return t('person.phoneDuplicate')
      case 'region_not_allowed':
        return t('person.error.regionNotAllowed')
      case 'school_not_found':
        return t('person.error.schoolNotFound')
    }
  }
}

/**
 * THE rule of where a new person may be placed: a township or village inside the caller's
 * scope (an organization scope: its own region). The registration page lists these; the page
 * and the API both place through `registerPerson`, which looks the region up the same way.
 */
function placementWhere(scopes: Scope[]): Prisma.RegionWhereInput {
  return { AND: [regionScopeWhere(scopes), { level: { in: ['township', 'village'] } }] }
}

function registrarScopes(user: CurrentUser) {
  const scopes = scopesFor(user, PEOPLE_MANAGERS)
  if (scopes.length === 0) throw new ForbiddenError()
  return scopes
}

/** The regions `user` may place a new person in, by code (the registration form's choice). */
export function placementRegions(db: Db, user: CurrentUser) {
  return db.region.findMany({ where: placementWhere(registrarScopes(user)), orderBy: { code: 'asc' }, select: { id: true, code: true, name: true } })
}

/** Throws PersonError invalid_id_number when the ID number is not a valid one (length, birth date, check digit). */
function checkIdNumber(idNumber: string, today: string) {
  const parsed = parseIdNumber(idNumber, today)
  if (!parsed.ok) throw new PersonError('invalid_id_number', { problem: parsed.problem })
}

export type Registration = Omit<PersonInput, 'regionId' | 'organizationId'> & {
  /** By id (the form) or code (the API); refused unless `placementRegions` holds it. */
  region: { id: string } | { code: string }
  /** A school or organization in the caller's scope, by its exact name (the API). */
  schoolName?: string | null
}

/**
 * Registers a person on behalf of `user` (the registration page and POST /api/v1/people):
 * the ID number checked first, then the placement (PersonError region_not_allowed on the
 * field the region came in), then the school. A duplicate ID number is refused with the
 * existing person's id only when `user` may see that person.
 */
export async function registerPerson(db: Db, user: CurrentUser, opts: { input: Registration; ip?: string | null; today?: string }) {
  const scopes = registrarScopes(user)
  const today = opts.today ?? beijingDate(new Date())
  const { region: ref, schoolName, ...input } = opts.input
  checkIdNumber(input.idNumber, today)
  const region = await db.region.findFirst({ where: { AND: [ref, placementWhere(scopes)] }, select: { id: true } })
  if (!region) throw new PersonError('region_not_allowed', { field: 'id' in ref ? 'regionId' : 'regionCode' })
  let organizationId: string | null = null
  if (schoolName) {
    const org = await db.organization.findFirst({ where: { name: schoolName, region: regionScopeWhere(scopes) }, select: { id: true } })
    if (!org) throw new PersonError('school_not_found')
    organizationId = org.id
  }
  try {
    return await createPerson(db, { input: { ...input, regionId: region.id, organizationId }, actorId: user.id, ip: opts.ip, today })
  } catch (error) {
    if (!(error instanceof PersonError && error.code === 'duplicate_id_number' && error.detail.existingId)) throw error
    const visible = await findPersonInScope(db, user, error.detail.existingId, PEOPLE_MANAGERS, { id: true }).catch((e: unknown) => {
      if (e instanceof NotFoundError) return null
      throw e
    })
    throw new PersonError('duplicate_id_number', { existingId: error.detail.existingId, visibleId: visible?.id })
  }
}

/** The stored row for a person: ID number encrypted, HMAC for look-up, masked copy for display. */
/** The stored form of a phone of record (already normalised): ciphertext, masked form and look-up HMAC. */
export function phoneFields(phone: string | null) {
  return { phoneCipher: phone ? encryptField(phone) : null, phoneMasked: phone ? maskPhone(phone) : null, phoneHmac: phone ? lookupHmac('phone', phone) : null }
}

export function personRow(input: PersonInput, today = beijingDate(new Date())) {
  const parsed = parseIdNumber(input.idNumber, today)
  if (!parsed.ok) throw new PersonError('invalid_id_number', { problem: parsed.problem })
  let phone: string | null = null
  if (input.phone) {
    phone = normalizePhone(input.phone)
    if (!phone) throw new PersonError('invalid_phone')
  }
  return {
    id: newId(),
    name: input.name.trim(),
    idCipher: encryptField(parsed.id.value),
    idHmac: lookupHmac('id', parsed.id.value),
    idMasked: maskIdNumber(parsed.id.value),
    gender: parsed.id.gender as Gender,
    birthDate: new Date(`${parsed.id.birthDate}T00:00:00Z`),
    ...phoneFields(phone),
    regionId: input.regionId,
    organizationId: input.organizationId ?? null,
    kind: input.kind,
    priorEducation: input.priorEducation ?? null,
  }
}

/** Registers a person; the same ID number twice is refused (unique HMAC). Audited. */
export async function createPerson(db: Db, opts: { input: PersonInput; actorId: string | null; ip?: string | null; today?: string }) {
  const row = personRow(opts.input, opts.today)
  try {
    return await db.$transaction(async (tx: Tx) => {
      const person = await tx.person.create({ data: row, include: { region: true } })
      await recordAudit(tx, {
        actorId: opts.actorId,
        action: 'person.create',
        entityType: 'Person',
        entityId: person.id,
        after: { name: person.name, idMasked: person.idMasked, regionId: person.regionId, kind: person.kind },
        ip: opts.ip,
        scopePath: person.region.path,
      })
      return person
    })
  } catch (error) {
    if (isUniqueViolation(error)) {
      const existing = await db.person.findUnique({ where: { idHmac: row.idHmac }, select: { id: true } })
      // The phone of record is unique too (Person.phoneHmac): a number already registered to someone else.
      if (!existing && row.phoneHmac && (await db.person.findUnique({ where: { phoneHmac: row.phoneHmac }, select: { id: true } }))) {
        throw new PersonError('duplicate_phone')
      }
      throw new PersonError('duplicate_id_number', { existingId: existing?.id })
    }
    throw error
  }
}
