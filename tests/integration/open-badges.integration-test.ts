/**
 * Open Badges 3.0: a certificate as a VC-JWT, checked the way a standard
 * verifier does it: resolve the key by `kid` from the published JWKS, verify
 * the EdDSA signature, check issuer and types, then fetch the status list
 * credential, verify it, and read the certificate's revocation bit.
 */
import { randomBytes } from 'node:crypto'
import { decodeProtectedHeader, jwtVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose'
import { beforeAll, describe, expect, test } from 'vitest'
import type { CertificateSnapshot } from '#app/domain/certificates.ts'
import { revokeCertificate } from '#app/models/certificates.server.ts'
import { buildOpenBadgeCredential, encodeBitstring, OB_CONTEXT, readStatusBit, VC_CONTEXT_V2 } from '#app/models/open-badges.server.ts'
import { generateObSigningKey } from '#app/server/keys.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { getPublicOrigin, resetEnvCache } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'
import { loader as issuerLoader } from '#app/routes/ob.issuer.ts'
import { loader as jwksLoader } from '#app/routes/ob.jwks[.]json.ts'
import { loader as statusLoader } from '#app/routes/ob.status.$listId.ts'
import { loader as badgeLoader } from '#app/routes/me_.certificates.$certificateId.badge.tsx'

/** The credential as buildOpenBadgeCredential builds it, to read a verified payload as. */
type Credential = Awaited<ReturnType<typeof buildOpenBadgeCredential>>['credential']

process.env.XX_OB_SIGNING_KEY = generateObSigningKey()
resetEnvCache()
const original = process.env.XX_OB_SIGNING_KEY

const db = getDb()
let world: TrainingWorld

beforeAll(async () => {
  world = await createTrainingWorld(db)
})

let seq = 0
async function makeCertificate(opts: { status?: 'valid' | 'pending_verification' } = {}) {
  const { person, enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  const snapshot: CertificateSnapshot = {
    type: 'completion',
    holderName: person.name,
    idNumberMasked: person.idMasked,
    programCode: world.programs.skills.code,
    programName: world.programs.skills.name,
    groupCode: world.groups.class.code,
    groupName: world.groups.class.name,
    majorName: '种植',
    organizationName: '册亨县职业学校',
    countyName: '册亨县',
    startDate: '2026-03-01',
    endDate: '2029-02-28',
    issuedOn: '2026-11-24',
    hours: 120.5,
    minutes: 5423,
    credits: { earned: 48, required: 60 },
    courses: [],
    withdrawal: null,
  }
  seq += 1
  const certificate = await db.certificate.create({
    data: {
      id: newId(),
      enrollmentId: enrollment.id,
      type: 'completion',
      serial: `522327-2026-J-${String(900_000 + seq).padStart(6, '0')}-x`.slice(0, 20),
      countyCode: '522327',
      year: 2026,
      sequence: 900_000 + seq,
      verificationCode: randomBytes(16).toString('base64url'),
      status: opts.status ?? 'valid',
      snapshot,
    },
  })
  return { person, enrollment, certificate, snapshot }
}

async function text(res: { value: unknown }) {
  return (res.value as Response).text()
}

/** What a relying party does with only the JWT in hand. */
async function verifyLikeAVerifier(jwt: string) {
  const jwks = JSON.parse(await text(await callRoute(jwksLoader, { url: '/ob/jwks.json' }))) as JSONWebKeySet
  const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks), { algorithms: ['EdDSA'] })
  const issuer = payload.issuer as { id: string; type: string[] }
  expect(payload.iss).toBe(issuer.id)
  const status = payload.credentialStatus as { type: string; statusPurpose: string; statusListIndex: string; statusListCredential: string }
  expect(status.type).toBe('BitstringStatusListEntry')
  expect(status.statusPurpose).toBe('revocation')
  const listPath = new URL(status.statusListCredential).pathname
  const listJwt = await text(await callRoute(statusLoader, { url: listPath, params: { listId: listPath.split('/').pop()! } }))
  const list = await jwtVerify(listJwt, createLocalJWKSet(jwks), { algorithms: ['EdDSA'] })
  expect(list.payload.iss).toBe(issuer.id)
  expect(list.payload.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential'])
  const subject = list.payload.credentialSubject as { statusPurpose: string; encodedList: string }
  expect(subject.statusPurpose).toBe('revocation')
  const bit = readStatusBit(subject.encodedList, Number(status.statusListIndex))
  return { payload, protectedHeader, revoked: bit === 1 }
}

describe('Open Badges 3.0 credential', () => {
  test('a certificate becomes a signed OpenBadgeCredential that a verifier accepts, and is rejected once revoked', async () => {
    const { certificate, snapshot } = await makeCertificate()
    const { jwt } = await buildOpenBadgeCredential(certificate)

    // The issuer profile publishes the same key the JWKS does.
    const profile = JSON.parse(await text(await callRoute(issuerLoader, { url: '/ob/issuer' })))
    expect(profile.id).toBe(`${getPublicOrigin()}/ob/issuer`)
    expect(profile.type).toEqual(['Profile'])
    const header = decodeProtectedHeader(jwt)
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'vc+jwt' })
    expect(profile.verificationMethod[0].id).toBe(header.kid)
    expect(profile.verificationMethod[0].publicKeyJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' })
    expect(profile.verificationMethod[0].publicKeyJwk.d).toBeUndefined()

    const first = await verifyLikeAVerifier(jwt)
    expect(first.revoked).toBe(false)
    const p = first.payload as unknown as Credential
    expect(p['@context']).toEqual([VC_CONTEXT_V2, OB_CONTEXT])
    expect(p.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential'])
    expect(p.issuer).toMatchObject({ id: `${getPublicOrigin()}/ob/issuer`, type: ['Profile'], name: '册亨县教育局' })
    expect(p.credentialSubject.type).toEqual(['AchievementSubject'])
    expect(p.credentialSubject.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/)
    expect(p.credentialSubject.achievement).toMatchObject({
      type: ['Achievement'],
      name: '结业证书 · 职业技能学历双提升 · 种植',
      creditsAvailable: 60,
      criteria: { narrative: expect.stringContaining('结业') },
    })
    expect(p.credentialSubject.creditsEarned).toBe(48)
    expect(p.credentialSubject.result).toEqual([expect.objectContaining({ value: '120.5' })])
    expect(p.credentialStatus.statusListIndex).toBe(String(certificate.statusListIndex))
    expect(first.payload.sub).toBe(p.credentialSubject.id)
    // The holder is an opaque urn:uuid: neither the ID number nor the name (nor a hash of it) appears.
    const decoded = JSON.stringify(first.payload)
    const person = await db.person.findFirstOrThrow({ where: { enrollments: { some: { id: certificate.enrollmentId } } } })
    const { decryptField } = await import('#app/utils/crypto.server.ts')
    expect(decoded).not.toContain(decryptField(person.idCipher))
    expect(decoded).not.toContain(snapshot.holderName)

    const actor = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.county.id })
    await revokeCertificate(db, { serial: certificate.serial, reason: '材料造假', actorId: actor.id })
    const after = await verifyLikeAVerifier(jwt)
    expect(after.revoked).toBe(true)
  })

  test('a tampered credential fails signature verification', async () => {
    const { certificate } = await makeCertificate()
    const { jwt } = await buildOpenBadgeCredential(certificate)
    const [h, payload, sig] = jwt.split('.')
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'))
    claims.credentialSubject.creditsEarned = 60
    const forged = [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), sig].join('.')
    await expect(verifyLikeAVerifier(forged)).rejects.toThrow(/signature verification failed/)
    // A JWT signed by some other Ed25519 key does not resolve to the issuer's key either.
    const otherKey = generateObSigningKey()
    process.env.XX_OB_SIGNING_KEY = otherKey
    resetEnvCache()
    try {
      const { jwt: foreign } = await buildOpenBadgeCredential(certificate)
      process.env.XX_OB_SIGNING_KEY = original
      resetEnvCache()
      await expect(verifyLikeAVerifier(foreign)).rejects.toThrow()
    } finally {
      process.env.XX_OB_SIGNING_KEY = original
      resetEnvCache()
    }
  })

  test('the bitstring is at least 16 KB, gzip+base64url, most significant bit first', () => {
    const list = encodeBitstring([0, 9, 131_071])
    expect(list.startsWith('u')).toBe(true)
    expect(readStatusBit(list, 0)).toBe(1)
    expect(readStatusBit(list, 1)).toBe(0)
    expect(readStatusBit(list, 9)).toBe(1)
    expect(readStatusBit(list, 131_071)).toBe(1)
    expect(readStatusBit(list, 131_070)).toBe(0)
    expect(readStatusBit(encodeBitstring([200_000]), 200_000)).toBe(1)
  })

  test('the holder downloads their badge; others and pending certificates get 404; the route needs sign-in', async () => {
    const { person, certificate } = await makeCertificate()
    const holder = await createUserWithSession(db, { role: 'learner', personId: person.id })
    const url = `/me/certificates/${certificate.id}/badge`
    const res = await callRoute(badgeLoader, { url, cookie: holder.cookie, params: { certificateId: certificate.id } })
    expect(res.status).toBe(200)
    const response = res.value as Response
    expect(response.headers.get('content-type')).toBe('application/vc+jwt')
    expect(response.headers.get('content-disposition')).toContain(`badge-${certificate.serial}.jwt`)
    const verified = await verifyLikeAVerifier(await response.text())
    expect(verified.revoked).toBe(false)

    const other = await makeCertificate()
    const stranger = await createUserWithSession(db, { role: 'learner', personId: other.person.id })
    expect((await callRoute(badgeLoader, { url, cookie: stranger.cookie, params: { certificateId: certificate.id } })).status).toBe(404)
    expect((await callRoute(badgeLoader, { url, params: { certificateId: certificate.id } })).status).toBe(302)

    const pending = await makeCertificate({ status: 'pending_verification' })
    const pendingHolder = await createUserWithSession(db, { role: 'learner', personId: pending.person.id })
    const pendingUrl = `/me/certificates/${pending.certificate.id}/badge`
    expect((await callRoute(badgeLoader, { url: pendingUrl, cookie: pendingHolder.cookie, params: { certificateId: pending.certificate.id } })).status).toBe(
      404,
    )
  })

  test('only list 1 exists', async () => {
    expect((await callRoute(statusLoader, { url: '/ob/status/2', params: { listId: '2' } })).status).toBe(404)
  })
})
