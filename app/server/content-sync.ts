/**
 * `npm run content:sync`: loads content/ into the database idempotently (a
 * second run changes nothing). For now: requirement policies, each version
 * stored once (app/models/policies.server.ts). npm start runs it on boot.
 */
import { syncPolicies } from '#app/models/policies.server.ts'
import type { Db } from '#app/utils/db.server.ts'

export async function syncContent(db: Db, { log = (_: string) => {} } = {}) {
  const policies = await syncPolicies(db)
  if (policies.added.length) log(`已载入新的学时规则版本：${policies.added.join('、')}`)
  return { policies }
}

if (process.argv[1]?.endsWith('content-sync.ts')) {
  const { getDb } = await import('#app/utils/db.server.ts')
  const db = getDb()
  try {
    const { policies } = await syncContent(db, { log: console.log })
    console.log(`学时规则：新增 ${policies.added.length} 个版本，未变 ${policies.unchanged.length} 个。`)
  } catch (error) {
    console.error((error as Error).message)
    process.exitCode = 1
  } finally {
    await db.$disconnect()
  }
}
