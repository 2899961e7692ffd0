import { parseIdNumber, maskIdNumber, type IdNumberProblem } from '#app/domain/id-number.ts'
import { maskPhone, normalizePhone } from '#app/domain/names.ts'
import { beijingDate } from '#app/domain/time.ts'
import type { Gender, PersonKind, PriorEducation } from '#app/generated/prisma/enums.ts'
import { encryptField, lookupHmac } from '#app/utils/crypto.server.ts'
import { isUniqueViolation, type Db, type Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { recordAudit } from './audit.server.ts'

export type PersonInput = {
  name: string
  idNumber: string
  phone?: string | null
  regionId: string
  organizationId?: string | null
  kind: PersonKind
  priorEducation?: PriorEducation | null
}

export class PersonError extends Error {
  constructor(
    readonly code: 'invalid_id_number' | 'duplicate_id_number' | 'invalid_phone',
    readonly detail: { problem?: IdNumberProblem; existingId?: string } = {},
  ) {
    super(code)
  }
}

/** The stored row for a person: ID number encrypted, HMAC for look-up, masked copy for display. */
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
    phoneCipher: phone ? encryptField(phone) : null,
    phoneMasked: phone ? maskPhone(phone) : null,
    regionId: input.regionId,
    organizationId: input.organizationId ?? null,
    kind: input.kind,
    priorEducation: input.priorEducation ?? null,
  }
}

/** Registers a person; the same ID number twice is refused (unique HMAC). Audited. */
export async function createPerson(
  db: Db,
  opts: { input: PersonInput; actorId: string | null; ip?: string | null; today?: string },
) {
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
      throw new PersonError('duplicate_id_number', { existingId: existing?.id })
    }
    throw error
  }
}
