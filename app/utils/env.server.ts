import { z } from 'zod'

/**
 * Environment, validated at boot (Epic Stack style). npm start fills in the
 * embedded defaults (DATABASE_URL, keys kept in .data/) before this runs.
 */
const key32 = z
  .string()
  .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters (32 bytes)')

const schema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  DATABASE_URL: z.string().url(),
  REDIS_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().positive().default(3000),
  /** AES-256-GCM key for ID and phone numbers at rest. */
  XX_DATA_KEY: key32,
  /** HMAC-SHA-256 key for ID/phone look-up; separate from the data key. */
  XX_HMAC_KEY: key32,
  /** Set when served over plain http (local demo): cookies lose __Host-/Secure. */
  XX_INSECURE_COOKIES: z.enum(['0', '1']).default('0'),
  XX_PUBLIC_URL: z.string().url().optional(),
  /** Express "trust proxy": addresses or subnets of the reverse proxies (e.g. loopback, 10.0.0.0/8). */
  XX_TRUST_PROXY: z.string().optional(),
  /** Uploaded photos and scans, outside the web root; served only through routes that check access. */
  XX_UPLOAD_DIR: z.string().min(1).default('.data/uploads'),
})

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

/** Tests change the environment between files. */
export function resetEnvCache() {
  cached = undefined
}
