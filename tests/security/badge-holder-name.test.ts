/**
 * Issue 10, finding 11: the badge named its holder by a salted SHA-256 of the
 * name, salt included; a two-character Chinese name fell to a dictionary of
 * common characters in under a second. Any hash a verifier can recompute from
 * a guessed name is such a dictionary's target, so the badge carries no
 * identity hash at all: the subject is an opaque urn:uuid (a keyed HMAC of
 * the enrollment under the server's key, never published).
 *
 * Here the attack is run against the badge as downloaded: every string in it
 * short enough to be one is tried as a salt (before or after the name) with
 * SHA-256, for every name of a common surname and one or two common given
 * characters, and compared with every digest-looking value in it.
 */
import { createHash, randomBytes } from 'node:crypto'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { CertificateSnapshot } from '#app/domain/certificates.ts'
import { buildOpenBadgeCredential } from '#app/models/open-badges.server.ts'
import { loader as badgeLoader } from '#app/routes/me_.certificates.$certificateId.badge.tsx'
import { generateObSigningKey } from '#app/server/keys.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { resetEnvCache } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { callRoute, createUserWithSession } from '#tests/fixtures/db.ts'
import { createEnrolledPerson, createTrainingWorld } from '#tests/fixtures/training.ts'

const savedKey = process.env.XX_OB_SIGNING_KEY
process.env.XX_OB_SIGNING_KEY = generateObSigningKey()
resetEnvCache()

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'
const GIVEN = '芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅建国文辉燕鹏飞宇浩俊峰波宁琳雪慧婷倩颖佳欣怡晨阳光亮志伟海林云凤春兴福贵德成荣金永生'

const HOLDER = '韦芳' // a surname and one given character, both common: the cheapest case for an attacker

let jwt: string
let holderCookie: string
let certificateId: string

beforeAll(async () => {
  const db = getDb()
  const world = await createTrainingWorld(db)
  const { person, enrollment } = await createEnrolledPerson(db, { regionId: world.regions.zhelou.id, group: world.groups.class })
  const holder = await createUserWithSession(db, { role: 'learner', personId: person.id })
  holderCookie = holder.cookie
  const snapshot: CertificateSnapshot = {
    type: 'training',
    holderName: HOLDER,
    idNumberMasked: person.idMasked,
    programCode: world.programs.teacher.code,
    programName: world.programs.teacher.name,
    groupCode: world.groups.round.code,
    groupName: world.groups.round.name,
    majorName: null,
    organizationName: '册亨县教育局',
    countyName: '册亨县',
    startDate: '2026-09-01',
    endDate: '2026-12-31',
    issuedOn: '2026-11-24',
    hours: 40,
    minutes: 1800,
    credits: null,
    courses: [],
    withdrawal: null,
  }
  const certificate = await db.certificate.create({
    data: {
      id: newId(),
      enrollmentId: enrollment.id,
      type: 'training',
      serial: `522327-2026-P-${randomBytes(3).toString('hex')}`,
      countyCode: '522327',
      year: 2026,
      sequence: 700_000 + Math.floor(Math.random() * 100_000),
      verificationCode: randomBytes(16).toString('base64url'),
      status: 'valid',
      snapshot,
    },
  })
  certificateId = certificate.id
  const res = await callRoute(badgeLoader, { url: `/me/certificates/${certificate.id}/badge`, cookie: holderCookie, params: { certificateId } })
  expect(res.status).toBe(200)
  jwt = await (res.value as Response).text()
})

afterAll(() => {
  if (savedKey === undefined) delete process.env.XX_OB_SIGNING_KEY
  else process.env.XX_OB_SIGNING_KEY = savedKey
  resetEnvCache()
})

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value)
  else if (Array.isArray(value)) for (const v of value) strings(v, out)
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out)
  return out
}

test('the holder’s name cannot be recovered from the badge with a dictionary of common characters', () => {
  const payload = decodeJwt(jwt)
  const all = strings(payload)
  const text = JSON.stringify(payload)
  expect(text).not.toContain(HOLDER)
  // Digests as they might be written (bare hex or base64, or "alg$hex"), all as hex.
  const digests = new Set<string>()
  for (const v of all) {
    const bare = v.replace(/^[a-z0-9-]+\$/i, '')
    if (/^[0-9a-f]{32,128}$/i.test(bare)) digests.add(bare.toLowerCase())
    else if (/^[A-Za-z0-9+/_-]{22,88}={0,2}$/.test(bare))
      digests.add(Buffer.from(bare, bare.includes('+') || bare.includes('/') ? 'base64' : 'base64url').toString('hex'))
  }
  // Salts: none, or any token in the badge that could be one (letters and digits, a salt field, a serial).
  const salts = ['', ...new Set(all.filter((v) => /^[\w.$-]{6,64}$/.test(v) && /\d/.test(v)))]
  const given = [...GIVEN]
  const names = [...SURNAMES].flatMap((s) => [...given.map((g) => s + g), ...given.slice(0, 20).flatMap((g) => given.slice(0, 20).map((h) => s + g + h))])
  expect(names).toContain(HOLDER)
  const found = new Set<string>()
  for (const name of names) {
    for (const salt of salts) {
      for (const input of salt ? [name + salt, salt + name] : [name]) {
        if (digests.has(createHash('sha256').update(input).digest('hex'))) found.add(name)
      }
    }
  }
  expect([...found]).toEqual([])
  // No identity object with a hash and its salt at all (nothing for a dictionary to aim at).
  expect(text).not.toMatch(/identityHash|"salt"/)
})

test('the subject stays a stable opaque identifier: the same enrollment gives the same urn:uuid, unrelated to the name', async () => {
  const db = getDb()
  const certificate = await db.certificate.findUniqueOrThrow({ where: { id: certificateId } })
  const again = await buildOpenBadgeCredential(certificate)
  const first = decodeJwt(jwt) as { credentialSubject: { id: string }; sub: string }
  expect(again.credential.credentialSubject.id).toBe(first.credentialSubject.id)
  expect(first.sub).toBe(first.credentialSubject.id)
  expect(first.credentialSubject.id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
})
