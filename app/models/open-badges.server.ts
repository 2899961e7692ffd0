/**
 * Open Badges 3.0: each certificate also as an OpenBadgeCredential (W3C VC
 * data model 2.0), secured as a VC-JWT (JWS compact, EdDSA / Ed25519, signed
 * with `jose`), plus the issuer profile, its JWKS and a Bitstring Status List
 * credential whose bits are the revoked certificates (computed from the
 * Certificate table on request).
 *
 * Privacy: the credential never carries the ID number nor anything computed
 * from the name. The holder is a stable opaque `urn:uuid` (a keyed HMAC of the
 * enrollment under the server's HMAC key, never published). An OB 3.0
 * IdentityObject (salted SHA-256 of the name, salt included) is left out on
 * purpose: whatever a verifier can recompute from a guessed name, a
 * dictionary of common characters recovers from the badge in a second
 * (issue 10, finding 11). Who the holder is, a verifier learns from the
 * certificate's verification page (/v/…, masked name), not from the badge.
 *
 * Every URL in the credential, the issuer profile, the JWKS and the status
 * list is on the configured public origin (getPublicOrigin: XX_PUBLIC_URL,
 * else http://localhost:PORT), never the request's Host: a forged Host can
 * neither point a signed badge elsewhere nor poison a shared cache of these
 * public documents, which are the same whatever the request says.
 */
import { createHmac, createPrivateKey, createPublicKey } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import { calculateJwkThumbprint, importJWK, SignJWT, type JWK } from 'jose'
import { CERTIFICATE_NAME_ZH, type CertificateSnapshot, type CertificateType } from '#app/domain/certificates.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { getEnv, getPublicOrigin } from '#app/utils/env.server.ts'

export const VC_CONTEXT_V2 = 'https://www.w3.org/ns/credentials/v2'
export const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'
export const VC_JWT_MEDIA_TYPE = 'application/vc+jwt'
/** The one status list (index space of Certificate.statusListIndex). */
export const STATUS_LIST_ID = '1'
/** W3C Bitstring Status List: at least 16 KB (131,072 entries) so one credential's bit does not stand out. */
const MIN_LIST_BITS = 131_072

export type CertificateForBadge = {
  id: string
  enrollmentId: string
  type: CertificateType
  serial: string
  status: 'pending_verification' | 'valid' | 'revoked'
  snapshot: unknown
  issuedAt: Date
  verifiedAt: Date | null
  statusListIndex: number
}

// ---------------------------------------------------------------- keys & URLs

type IssuerKey = { privateKey: CryptoKey; publicJwk: JWK; thumbprint: string }
let keyCache: { source: string; key: Promise<IssuerKey> } | undefined

/** The issuer's Ed25519 key from XX_OB_SIGNING_KEY (private JWK or PKCS#8 PEM, validated at boot). */
export function issuerKey(): Promise<IssuerKey> {
  const source = getEnv().XX_OB_SIGNING_KEY
  if (!source) throw new Error('XX_OB_SIGNING_KEY is not set (npm start keeps one in .data/keys.json)')
  if (keyCache?.source === source) return keyCache.key
  const key = (async () => {
    const trimmed = source.trim()
    const nodeKey = trimmed.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(trimmed) as import('node:crypto').JsonWebKey, format: 'jwk' })
      : createPrivateKey({ key: trimmed, format: 'pem' })
    if (nodeKey.asymmetricKeyType !== 'ed25519') throw new Error('XX_OB_SIGNING_KEY must be an Ed25519 key')
    const privateJwk = nodeKey.export({ format: 'jwk' }) as JWK
    const { x, crv, kty } = createPublicKey(nodeKey).export({ format: 'jwk' }) as JWK
    const publicJwk: JWK = { kty, crv, x }
    const privateKey = (await importJWK({ ...privateJwk, alg: 'EdDSA' }, 'EdDSA')) as CryptoKey
    return { privateKey, publicJwk, thumbprint: await calculateJwkThumbprint(publicJwk) }
  })()
  keyCache = { source, key }
  return key
}

/** The origin of every Open Badges URL: the configured public origin, whatever the request's Host says. */
export function publicBase(): string {
  return getPublicOrigin()
}

/** How long a status list credential is valid from the moment it is signed (it is signed anew on each request). */
export const STATUS_LIST_VALIDITY_SECONDS = 24 * 3600

export const issuerIdFor = (base: string) => `${base}/ob/issuer`
export const statusListUrlFor = (base: string) => `${base}/ob/status/${STATUS_LIST_ID}`
/** The JWS `kid`: a URL of the verification method in the issuer profile (stable while the key and public URL are). */
export const kidFor = (base: string, thumbprint: string) => `${issuerIdFor(base)}#${thumbprint}`

const ISSUER_NAME = '乡学 XiangXue 县教育局证书签发'

function issuerProfile(base: string, name = ISSUER_NAME) {
  return { id: issuerIdFor(base), type: ['Profile'], name }
}

/** GET /ob/issuer: the issuer profile with its public key as a JsonWebKey verification method. */
export async function issuerProfileDocument(base: string) {
  const key = await issuerKey()
  const kid = kidFor(base, key.thumbprint)
  return {
    '@context': [VC_CONTEXT_V2, OB_CONTEXT],
    ...issuerProfile(base),
    url: base,
    verificationMethod: [{ id: kid, type: 'JsonWebKey', controller: issuerIdFor(base), publicKeyJwk: key.publicJwk }],
    assertionMethod: [kid],
  }
}

/** GET /ob/jwks.json */
export async function issuerJwks(base: string) {
  const key = await issuerKey()
  return { keys: [{ ...key.publicJwk, kid: kidFor(base, key.thumbprint), alg: 'EdDSA', use: 'sig' }] }
}

// ---------------------------------------------------------------- the credential

/** A urn:uuid (RFC 4122 layout, version 8 "custom") from a keyed hash: stable, unguessable, no personal data. */
function opaqueUuid(purpose: string, value: string): string {
  const h = createHmac('sha256', Buffer.from(getEnv().XX_HMAC_KEY, 'hex')).update(`${purpose}:${value}`).digest()
  h[6] = (h[6]! & 0x0f) | 0x80
  h[8] = (h[8]! & 0x3f) | 0x80
  const hex = h.subarray(0, 16).toString('hex')
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

const ACHIEVEMENT_TYPE: Record<CertificateType, string> = {
  graduation: 'Diploma',
  completion: 'CertificateOfCompletion',
  study_record: 'ext:StudyRecord',
  training: 'Certificate',
}

const CRITERIA: Record<CertificateType, string> = {
  graduation: '按培养方案修满规定学分与学时，思想品德评定合格，经县教育局审核、州教育局验印，准予毕业。',
  completion: '在籍学习期满，完成规定的部分课程与学时，准予结业。',
  study_record: '如实记录退学前已修课程、学分与学时。',
  training: '按轮训要求完成规定学时，培训合格。',
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')

/**
 * The OpenBadgeCredential of a certificate and its VC-JWT (EdDSA). Works for
 * any status: revocation is told by the status list, not by the credential.
 */
export async function buildOpenBadgeCredential(certificate: CertificateForBadge) {
  const base = publicBase()
  const s = certificate.snapshot as CertificateSnapshot
  const typeName = CERTIFICATE_NAME_ZH[certificate.type]
  const issuerName = `${s.countyName}教育局`
  const achievementId = `${base}/ob/achievements/${encodeURIComponent(s.programCode)}/${certificate.type}`
  const hoursResult = s.hours !== null ? `${achievementId}#hours` : null
  const listUrl = statusListUrlFor(base)
  const validFrom = certificate.type === 'graduation' && certificate.verifiedAt ? certificate.verifiedAt : certificate.issuedAt

  const credential = {
    '@context': [VC_CONTEXT_V2, OB_CONTEXT],
    id: opaqueUuid('ob-credential', certificate.id),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `${typeName} ${certificate.serial}`,
    issuer: { ...issuerProfile(base, issuerName), url: base },
    validFrom: iso(validFrom),
    credentialSubject: {
      id: opaqueUuid('ob-subject', certificate.enrollmentId),
      type: ['AchievementSubject'],
      achievement: {
        id: achievementId,
        type: ['Achievement'],
        achievementType: ACHIEVEMENT_TYPE[certificate.type],
        name: `${typeName} · ${s.programName}${s.majorName ? ` · ${s.majorName}` : ''}`,
        description: `${issuerName}颁发的${typeName}：${s.programName}${s.majorName ? `（${s.majorName}专业）` : ''}，${s.groupName}。`,
        criteria: { narrative: CRITERIA[certificate.type] },
        humanCode: s.programCode,
        inLanguage: 'zh-CN',
        ...(s.majorName ? { fieldOfStudy: s.majorName } : {}),
        ...(s.credits ? { creditsAvailable: s.credits.required } : {}),
        ...(hoursResult ? { resultDescription: [{ id: hoursResult, type: ['ResultDescription'], name: '学时', resultType: 'ext:Hours' }] } : {}),
      },
      ...(s.credits ? { creditsEarned: s.credits.earned } : {}),
      activityStartDate: `${s.startDate}T00:00:00+08:00`,
      ...(s.endDate ? { activityEndDate: `${s.endDate}T00:00:00+08:00` } : {}),
      ...(hoursResult && s.hours !== null ? { result: [{ type: ['Result'], resultDescription: hoursResult, value: s.hours.toFixed(1) }] } : {}),
    },
    credentialStatus: {
      id: `${listUrl}#${certificate.statusListIndex}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(certificate.statusListIndex),
      statusListCredential: listUrl,
    },
  }

  const key = await issuerKey()
  const jwt = await new SignJWT(credential as unknown as Record<string, unknown>)
    .setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', kid: kidFor(base, key.thumbprint) })
    .setIssuer(credential.issuer.id)
    .setJti(credential.id)
    .setSubject(credential.credentialSubject.id)
    .setNotBefore(Math.floor(validFrom.getTime() / 1000))
    .setIssuedAt()
    .sign(key.privateKey)
  return { credential, jwt }
}

// ---------------------------------------------------------------- status list

/** GZIP + base64url (multibase "u") of a bitstring whose bit `i` (most significant bit first) is set for each index. */
export function encodeBitstring(indexes: number[], minBits = MIN_LIST_BITS): string {
  const maxIndex = indexes.reduce((m, i) => Math.max(m, i), -1)
  const bits = Math.max(minBits, Math.ceil((maxIndex + 1) / 8) * 8)
  const bytes = new Uint8Array(bits / 8)
  for (const i of indexes) bytes[i >> 3]! |= 0x80 >> (i & 7)
  return `u${gzipSync(bytes).toString('base64url')}`
}

/** The bit at `index` of an encodedList (what a verifier does); out of range reads as an error. */
export function readStatusBit(encodedList: string, index: number): 0 | 1 {
  const raw = encodedList.startsWith('u') ? encodedList.slice(1) : encodedList
  const bytes = gunzipSync(Buffer.from(raw, 'base64url'))
  if (index < 0 || index >= bytes.length * 8) throw new RangeError(`status index ${index} outside the list`)
  return (bytes[index >> 3]! & (0x80 >> (index & 7))) === 0 ? 0 : 1
}

/** The signed BitstringStatusListCredential (VC-JWT) with every revoked certificate's bit set, valid for 24 hours from `now`. */
export async function buildStatusListCredential(db: Db | Tx, opts: { now?: Date } = {}) {
  const base = publicBase()
  const revoked = await db.certificate.findMany({ where: { status: 'revoked' }, select: { statusListIndex: true } })
  const listUrl = statusListUrlFor(base)
  const now = opts.now ?? new Date()
  const credential = {
    '@context': [VC_CONTEXT_V2],
    id: listUrl,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: issuerIdFor(base),
    validFrom: iso(now),
    // A copy kept by a holder stops being valid a day later: a revocation cannot be hidden behind an old list.
    validUntil: iso(new Date(now.getTime() + STATUS_LIST_VALIDITY_SECONDS * 1000)),
    credentialSubject: {
      id: `${listUrl}#list`,
      type: 'BitstringStatusList',
      statusPurpose: 'revocation',
      encodedList: encodeBitstring(revoked.map((r) => r.statusListIndex)),
    },
  }
  const key = await issuerKey()
  const jwt = await new SignJWT(credential as unknown as Record<string, unknown>)
    .setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', kid: kidFor(base, key.thumbprint) })
    .setIssuer(issuerIdFor(base))
    .setJti(listUrl)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(now.getTime() / 1000) + STATUS_LIST_VALIDITY_SECONDS)
    .sign(key.privateKey)
  return { credential, jwt }
}
