import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto'
import { getEnv } from './env.server.ts'

/**
 * Personal numbers at rest: AES-256-GCM ("v1.<iv>.<tag>.<ciphertext>", base64url)
 * plus an HMAC-SHA-256 under a separate key for look-up and duplicate
 * detection. A plain or salted hash of an 18-digit ID number is brute-forceable;
 * an HMAC without the key is not.
 */
// The keys as KeyObjects, made once per key (the roster import seals and HMACs hundreds of thousands of fields).
const keyObjects = new Map<string, KeyObject>()
function keyObject(hex: string) {
  let key = keyObjects.get(hex)
  if (!key) {
    key = createSecretKey(Buffer.from(hex, 'hex'))
    keyObjects.set(hex, key)
  }
  return key
}
function dataKey() {
  return keyObject(getEnv().XX_DATA_KEY)
}
function hmacKey() {
  return keyObject(getEnv().XX_HMAC_KEY)
}

// Fresh random IVs, drawn 256 at a time (one call into the CSPRNG instead of one per field); each is used once.
let ivs = Buffer.alloc(0)
let ivAt = 0
function nextIv() {
  if (ivAt + 12 > ivs.length) {
    ivs = randomBytes(12 * 256)
    ivAt = 0
  }
  const iv = ivs.subarray(ivAt, ivAt + 12)
  ivAt += 12
  return iv
}

export function encryptField(plain: string): string {
  const iv = nextIv()
  const cipher = createCipheriv('aes-256-gcm', dataKey(), iv)
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.')
}

let decrypted = 0
/** How many fields decryptField has opened in this process: tests count them (a search must never decrypt rows to compare). */
export const decryptCount = () => decrypted

export function decryptField(sealed: string): string {
  decrypted++
  const [version, iv, tag, body] = sealed.split('.')
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unknown cipher format')
  const decipher = createDecipheriv('aes-256-gcm', dataKey(), Buffer.from(iv, 'base64url'))
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
}

/** Domain-separated so an ID number and a phone number never share a digest. */
export function lookupHmac(kind: 'id' | 'phone', value: string): string {
  return createHmac('sha256', hmacKey()).update(`${kind}:${value}`).digest('base64url')
}

/** A keyed HMAC for other secrets at rest (SMS codes): `domain` keeps each use's digests apart. */
export function keyedHmac(domain: string, value: string): string {
  return createHmac('sha256', hmacKey()).update(`${domain}:${value}`).digest('base64url')
}
