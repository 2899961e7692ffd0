import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/**
 * The data and HMAC keys. When the environment does not give them (the local
 * demo), they are generated once and kept in .data/keys.json (mode 600):
 * losing them makes stored ID numbers unreadable, so back the file up.
 */
export function ensureKeys(dataDir: string, log: (l: string) => void) {
  if (process.env.XX_DATA_KEY && process.env.XX_HMAC_KEY && process.env.XX_OB_SIGNING_KEY) return
  const file = path.join(dataDir, 'keys.json')
  let keys: { XX_DATA_KEY: string; XX_HMAC_KEY: string; XX_OB_SIGNING_KEY?: string }
  if (existsSync(file)) {
    keys = JSON.parse(readFileSync(file, 'utf8'))
  } else {
    mkdirSync(dataDir, { recursive: true })
    keys = { XX_DATA_KEY: randomBytes(32).toString('hex'), XX_HMAC_KEY: randomBytes(32).toString('hex') }
    writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 })
    log(`生成了数据加密密钥：${file}（请妥善备份）`)
  }
  // The Open Badges issuer key (Ed25519, private JWK), added to older key files on first start.
  if (!keys.XX_OB_SIGNING_KEY && !process.env.XX_OB_SIGNING_KEY) {
    keys.XX_OB_SIGNING_KEY = generateObSigningKey()
    writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 })
    log(`生成了电子徽章签名密钥：${file}（请妥善备份）`)
  }
  process.env.XX_DATA_KEY ??= keys.XX_DATA_KEY
  process.env.XX_HMAC_KEY ??= keys.XX_HMAC_KEY
  if (keys.XX_OB_SIGNING_KEY) process.env.XX_OB_SIGNING_KEY ??= keys.XX_OB_SIGNING_KEY
}

/** A new Ed25519 key pair as a private JWK (JSON text): the value of XX_OB_SIGNING_KEY. */
export function generateObSigningKey(): string {
  const { privateKey } = generateKeyPairSync('ed25519')
  return JSON.stringify(privateKey.export({ format: 'jwk' }))
}
