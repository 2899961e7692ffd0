import { createPrivateKey, type JsonWebKey } from 'node:crypto'
import { z } from 'zod'

/**
 * Environment, validated at boot (Epic Stack style). npm start fills in the
 * embedded defaults (DATABASE_URL, keys kept in .data/) before this runs.
 */
const key32 = z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters (32 bytes)')

const schema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  DATABASE_URL: z.string().url(),
  /** Redis for the queues, the workers and the rate limiter; one validated value with one default (an empty value is unset). */
  REDIS_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .url()
      .refine((v) => /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL')
      .default(() => DEFAULT_REDIS_URL),
  ),
  PORT: z.coerce.number().int().positive().default(3000),
  /** AES-256-GCM key for ID and phone numbers at rest. */
  XX_DATA_KEY: key32,
  /** HMAC-SHA-256 key for ID/phone look-up; separate from the data key. */
  XX_HMAC_KEY: key32,
  /** Set when served over plain http (local demo): cookies lose __Host-/Secure. */
  XX_INSECURE_COOKIES: z.enum(['0', '1']).default('0'),
  /**
   * The public origin (https://xx.example.gov.cn): every signed or printed URL (Open Badges, PDF and QR
   * verify links) is built on it (getPublicOrigin), never on the request's Host. Unset: http://localhost:PORT.
   */
  XX_PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .refine((v) => v === undefined || isPlainOrigin(v), 'must be an origin, http(s)://host[:port], without path, query or credentials'),
  /** SMS gateway (app/utils/sms.server.ts): its URL; unset → npm start runs a local stand-in that prints messages, elsewhere SMS is off. */
  XX_SMS_URL: z.string().url().optional(),
  /** Port of the local stand-in gateway npm start runs when XX_SMS_URL is unset (127.0.0.1 only); default PORT + 1. */
  XX_SMS_STANDIN_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** The gateway's access key (sent as a bearer token). */
  XX_SMS_KEY: z.string().optional(),
  /** The registered SMS signature (短信签名). */
  XX_SMS_SIGNATURE: z.string().min(2).max(12).default('乡学'),
  /** Provider template codes per template id, as JSON ({"sign_in_code":"SMS_123456"}); a missing one is XX_<ID>. */
  XX_SMS_TEMPLATE_CODES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined
      try {
        return z.record(z.string(), z.string().min(1)).parse(JSON.parse(v))
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of template id → provider code' })
        return z.NEVER
      }
    }),
  /** The gateway's look-up of a message by our outId (reminders ask it after a crash between sending and recording; unset: such a delivery is marked unknown for the admin). */
  XX_SMS_QUERY_URL: z.string().url().optional(),
  /** Email for reminders: an SMTP URL (smtp://user:pass@host:587, smtps://…); unset: no email is sent. */
  XX_SMTP_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || /^smtps?:\/\/[^\s]+$/.test(v), 'must be an smtp:// or smtps:// URL'),
  /** The From address of reminder emails. */
  XX_MAIL_FROM: z.string().min(3).default('乡学 <noreply@localhost>'),
  /** First retry delay (ms) of a failed SMS or email; each next one doubles. */
  XX_DELIVERY_RETRY_MS: z.coerce.number().int().min(10).default(30_000),
  /** How long (ms) a claimed delivery may stay unanswered before it is looked up at the gateway (a worker crash). */
  XX_DELIVERY_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
  /** Express "trust proxy": addresses or subnets of the reverse proxies (e.g. loopback, 10.0.0.0/8). */
  XX_TRUST_PROXY: z.string().optional(),
  /** Uploaded photos and scans, outside the web root; served only through routes that check access. */
  XX_UPLOAD_DIR: z.string().min(1).default('.data/uploads'),
  /** Open Badges issuer key: an Ed25519 private JWK (JSON) or PKCS#8 PEM. npm start keeps one in .data/keys.json. */
  XX_OB_SIGNING_KEY: z
    .string()
    .optional()
    .refine((v) => v === undefined || isEd25519PrivateKey(v), 'must be an Ed25519 private key (JWK with "d", or PKCS#8 PEM)'),
  /** Password given to the demo accounts when the seed runs. */
  XX_SEED_PASSWORD: z.string().min(1).default('XiangXue-demo-2026'),
  /** Where the BullMQ workers run: `inline` in the npm start process (when Redis answers), `separate` for `npm run workers` on its own. */
  XX_WORKERS: z.enum(['inline', 'separate']).default('inline'),
  /** Key prefix of every BullMQ queue in Redis; deployments (and test files) sharing a Redis keep apart by it. */
  XX_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only')
    .default('xx'),
  /** A worker's job lock (ms): a killed worker's job is taken over once it expires. */
  XX_WORKER_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  /** How often (ms) workers look for stalled jobs (whose lock expired). */
  XX_WORKER_STALLED_MS: z.coerce.number().int().min(500).default(30_000),
})

/** Redis when REDIS_URL is unset (queues, workers, the start-up check). */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

function isPlainOrigin(text: string): boolean {
  try {
    const url = new URL(text)
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash
  } catch {
    return false
  }
}

function isEd25519PrivateKey(text: string): boolean {
  try {
    const trimmed = text.trim()
    const key = trimmed.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(trimmed) as JsonWebKey, format: 'jwk' })
      : createPrivateKey({ key: trimmed, format: 'pem' })
    return key.asymmetricKeyType === 'ed25519'
  } catch {
    return false
  }
}

export type Env = z.infer<typeof schema>

let cached: Env | undefined

export function getEnv(): Env {
  if (cached) return cached
  const parsed = schema.safeParse(process.env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')
    throw new Error(`环境变量无效 / invalid environment:\n${problems}`)
  }
  cached = parsed.data
  return cached
}

/**
 * The origin of every signed or printed URL (DESIGN.md §11 "Public origin"): XX_PUBLIC_URL, else
 * http://localhost:PORT. Nothing about a request goes in, so no Host header can change it.
 */
export function getPublicOrigin(): string {
  const env = getEnv()
  return env.XX_PUBLIC_URL ? new URL(env.XX_PUBLIC_URL).origin : `http://localhost:${env.PORT}`
}

/** What npm start prints when XX_PUBLIC_URL is unset (null when it is set). */
export function publicOriginWarning(): string | null {
  const env = getEnv()
  if (env.XX_PUBLIC_URL) return null
  return (
    `未设置 XX_PUBLIC_URL：证书 PDF、二维码和开放徽章中的链接将使用 http://localhost:${env.PORT}，只能在本机打开。` +
    `正式部署请设置 XX_PUBLIC_URL（例如 https://xx.example.gov.cn）。`
  )
}

/** Tests change the environment between files. */
export function resetEnvCache() {
  cached = undefined
}
