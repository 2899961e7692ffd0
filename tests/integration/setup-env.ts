/**
 * Per test file: its own database cloned from the migrated template, its own
 * keys; dropped when the file ends. Nothing depends on test order.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, inject } from 'vitest'
import { resetEnvCache } from '#app/utils/env.server.ts'
import { createDatabase, dropDatabase, withDatabase } from '#tests/services.ts'

const adminUrl = inject('pgAdminUrl')
const name = `xx_t_${randomBytes(6).toString('hex')}`
await createDatabase(adminUrl, name, inject('templateDb'))

process.env.DATABASE_URL = withDatabase(adminUrl, name)
process.env.XX_DATA_KEY = randomBytes(32).toString('hex')
process.env.XX_HMAC_KEY = randomBytes(32).toString('hex')
process.env.REDIS_URL ??= 'redis://127.0.0.1:6379'
resetEnvCache()

afterAll(async () => {
  const { getDb } = await import('#app/utils/db.server.ts')
  await getDb().$disconnect()
  await dropDatabase(adminUrl, name)
})
