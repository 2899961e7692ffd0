/**
 * Issue 10, finding 2 (the badge half): with `Host: evil.example`, the badge
 * download was a VC-JWT whose `iss`, `kid`, `issuer.id` and
 * `statusListCredential` pointed at evil.example, signed with the real key;
 * `/ob/issuer` and `/ob/status/*` were cached publicly while depending on
 * Host; the status list had no `validUntil`; verify links (我的证书, the
 * check-in QR) came from Host too. Now every signed or printed URL comes from
 * the configured public origin (getPublicOrigin: XX_PUBLIC_URL, else
 * http://localhost:PORT), so the public answers are the same whatever Host
 * says (nothing a forged Host could poison in a shared cache), and the status
 * list is re-signed on each request with a 24-hour validity.
 */
import { randomBytes } from 'node:crypto'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { CertificateSnapshot } from '#app/domain/certificates.ts'
import { createSession } from '#app/models/attendance.server.ts'
import { buildStatusListCredential } from '#app/models/open-badges.server.ts'
import { loader as badgeLoader } from '#app/routes/me_.certificates.$certificateId.badge.tsx'
import { loader as myCertificatesLoader } from '#app/routes/me_.certificates.tsx'
import { loader as screenCodeLoader } from '#app/routes/coordinator.sessions.$sessionId_.checkin-code.ts'
import { loader as issuerLoader } from '#app/routes/ob.issuer.ts'
import { loader as jwksLoader } from '#app/routes/ob.jwks[.]json.ts'
import { loader as statusLoader } from '#app/routes/ob.status.$listId.ts'
import { generateObSigningKey } from '#app/server/keys.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { getPublicOrigin, resetEnvCache } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld, type TrainingWorld } from '#tests/fixtures/training.ts'

const saved = { XX_PUBLIC_URL: process.env.XX_PUBLIC_URL, XX_OB_SIGNING_KEY: process.env.XX_OB_SIGNING_KEY }
process.env.XX_OB_SIGNING_KEY = generateObSigningKey()
resetEnvCache()

const db = getDb()
let world: TrainingWorld
let holder: Awaited<ReturnType<typeof createUserWithSession>>
let certificateId: string

function setPublicUrl(value: string | undefined) {
  if (value === undefined) delete process.env.XX_PUBLIC_URL
  else process.env.XX_PUBLIC_URL = value
  resetEnvCache()
}

/** A loader called as the server would call it for a request that arrived with `Host: <host>`. */
async function get(
  loader: (args: { request: Request; params: Record<string, string>; context: { ip: string } }) => unknown,
  opts: { host: string; path: string; params?: Record<string, string>; cookie?: string },
): Promise<Response> {
  const request = new Request(`http://${opts.host}${opts.path}`, { headers: opts.cookie ? { cookie: opts.cookie } : {} })
  try {
    const value = await loader({ request, params: opts.params ?? {}, context: { ip: '127.0.0.1' } })
    if (value instanceof Response) return value
    return Response.json(value)
  } catch (thrown) {
    if (thrown instanceof Response) return thrown
    throw thrown
  }
}

beforeAll(async () => {
  world = await createTrainingWorld(db)
  const { person, enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  holder = await createUserWithSession(db, { role: 'learner', personId: person.id })
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
  const certificate = await db.certificate.create({
    data: {
      id: newId(),
      enrollmentId: enrollment.id,
      type: 'completion',
      serial: `522327-2026-J-${randomBytes(3).toString('hex')}`,
      countyCode: '522327',
      year: 2026,
      sequence: 800_000 + Math.floor(Math.random() * 100_000),
      verificationCode: randomBytes(16).toString('base64url'),
      status: 'valid',
      snapshot,
    },
  })
  certificateId = certificate.id
})

afterAll(() => {
  setPublicUrl(saved.XX_PUBLIC_URL)
  if (saved.XX_OB_SIGNING_KEY === undefined) delete process.env.XX_OB_SIGNING_KEY
  else process.env.XX_OB_SIGNING_KEY = saved.XX_OB_SIGNING_KEY
  resetEnvCache()
})

/** Every URL a verifier follows or trusts in a badge. */
async function badgeUrls(host: string) {
  const res = await get(badgeLoader, { host, path: `/me/certificates/${certificateId}/badge`, params: { certificateId }, cookie: holder.cookie })
  expect(res.status).toBe(200)
  const jwt = await res.text()
  const header = decodeProtectedHeader(jwt)
  const payload = decodeJwt(jwt) as Record<string, unknown> & {
    issuer: { id: string; url: string }
    credentialStatus: { id: string; statusListCredential: string }
    credentialSubject: { achievement: { id: string } }
  }
  return {
    jwt,
    urls: [
      payload.iss!,
      header.kid!,
      payload.issuer.id,
      payload.issuer.url,
      payload.credentialStatus.id,
      payload.credentialStatus.statusListCredential,
      payload.credentialSubject.achievement.id,
    ] as string[],
  }
}

describe.each([
  ['XX_PUBLIC_URL set', 'https://xx.ceheng.example'],
  ['XX_PUBLIC_URL unset', undefined],
])('%s', (_label, publicUrl) => {
  beforeAll(() => setPublicUrl(publicUrl))
  const origin = () => getPublicOrigin()

  test('a badge downloaded with Host: evil.example names only the configured origin', async () => {
    expect(origin()).toBe(publicUrl ?? `http://localhost:${process.env.PORT ?? 3000}`)
    const { jwt, urls } = await badgeUrls('evil.example')
    for (const url of urls) expect(url === origin() || url.startsWith(`${origin()}/`), url).toBe(true)
    expect(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')).not.toContain('evil.example')
    expect(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8')).not.toContain('evil.example')
  })

  test('/ob/issuer, /ob/jwks.json and /ob/status/1 answer the same whatever Host says, so a shared cache cannot be poisoned', async () => {
    for (const [loader, path, params] of [
      [issuerLoader, '/ob/issuer', {}],
      [jwksLoader, '/ob/jwks.json', {}],
      [statusLoader, '/ob/status/1', { listId: '1' }],
    ] as const) {
      const forged = await get(loader, { host: 'evil.example', path, params })
      const honest = await get(loader, { host: new URL(origin()).host, path, params })
      expect(forged.status, path).toBe(200)
      const forgedBody = await forged.text()
      expect(forgedBody, path).not.toContain('evil.example')
      const vary = (forged.headers.get('vary') ?? '').toLowerCase()
      const cache = forged.headers.get('cache-control') ?? ''
      // Either the answer does not depend on Host (then any cache key is safe) or it says it varies by Host.
      if (!vary.includes('host') && /public/.test(cache)) {
        const honestBody = await honest.text()
        if (path === '/ob/status/1') {
          // Signed anew on each request (iat moves on), but every URL in it is the public origin's.
          const claims = decodeJwt(forgedBody) as { iss: string; id: string }
          expect(claims.iss).toBe(`${origin()}/ob/issuer`)
          expect(claims.id).toBe(`${origin()}/ob/status/1`)
          expect(decodeProtectedHeader(forgedBody).kid!.startsWith(`${origin()}/ob/issuer#`)).toBe(true)
        } else {
          expect(forgedBody, path).toBe(honestBody)
        }
      }
      expect(forgedBody.includes(origin()) || path === '/ob/status/1', path).toBe(true)
    }
  })

  test('the verify links on 我的证书 and the check-in QR come from the configured origin', async () => {
    const page = await get(myCertificatesLoader, { host: 'evil.example', path: '/me/certificates', cookie: holder.cookie })
    const { certificates } = (await page.json()) as { certificates: { verifyUrl: string }[] }
    expect(certificates.length).toBe(1)
    expect(certificates[0]!.verifyUrl.startsWith(`${origin()}/v/`)).toBe(true)

    const coordinator = await createUserWithSession(db, { role: 'coordinator', scopeRegionId: world.regions.zhelou.id })
    const session = await createSession(db, {
      groupId: world.groups.class.id,
      startsAt: new Date(Date.now() - 30 * 60_000),
      endsAt: new Date(Date.now() + 60 * 60_000),
      venue: '实训楼',
      plannedMinutes: 60,
      description: '',
      actorId: coordinator.id,
    })
    const path = `/coordinator/sessions/${session.id}/checkin-code`
    const screen = await get(screenCodeLoader, { host: 'evil.example', path, params: { sessionId: session.id }, cookie: coordinator.cookie })
    const state = (await screen.json()) as { url: string; svg: string }
    expect(state.url.startsWith(`${origin()}/checkin/${session.id}?t=`)).toBe(true)
  })
})

test('the status list is valid for 24 hours from the moment it is signed, and signed anew on each request', async () => {
  setPublicUrl('https://xx.ceheng.example')
  const t1 = new Date('2026-11-30T02:00:00Z')
  const first = await buildStatusListCredential(db, { now: t1 })
  expect(first.credential.validFrom).toBe('2026-11-30T02:00:00Z')
  expect(first.credential.validUntil).toBe('2026-12-01T02:00:00Z')
  const claims = decodeJwt(first.jwt)
  expect(claims.exp).toBe(Math.floor(t1.getTime() / 1000) + 24 * 3600)
  const later = await buildStatusListCredential(db, { now: new Date(t1.getTime() + 3600_000) })
  expect(later.credential.validUntil).toBe('2026-12-01T03:00:00Z')
  expect(later.jwt).not.toBe(first.jwt)

  // The route signs at request time: its validity starts now.
  const before = Date.now()
  const res = await get(statusLoader, { host: 'xx.ceheng.example', path: '/ob/status/1', params: { listId: '1' } })
  const served = decodeJwt(await res.text()) as { validFrom: string; validUntil: string; exp: number }
  expect(Date.parse(served.validFrom)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
  expect(Date.parse(served.validUntil) - Date.parse(served.validFrom)).toBe(24 * 3600_000)
  // A cache may keep it only briefly: a revocation must show within minutes, not days.
  const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1] ?? 0)
  expect(maxAge).toBeLessThanOrEqual(300)
})
