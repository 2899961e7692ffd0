/**
 * Once per vitest run: a migrated template database, named after the
 * migrations' checksums so a changed migration gets a fresh template. Each
 * integration test file clones it (tests/integration/setup-env.ts).
 */
import { createHash } from 'node:crypto'
import type { TestProject } from 'vitest/node'
import pg from 'pg'
import { migrate, readMigrations } from '#prisma/migrate-runner.ts'
import { createDatabase, withDatabase } from '#tests/services.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string
    templateDb: string
  }
}

export default async function setup(project: TestProject) {
  const adminUrl = process.env.XX_TEST_PG_ADMIN_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'
  const migrations = await readMigrations()
  const hash = createHash('sha256')
    .update(migrations.map((m) => m.checksum).join())
    .digest('hex')
    .slice(0, 12)
  const templateDb = `xx_tpl_${hash}`
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  const exists = (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [templateDb])).rowCount
  await client.end()
  if (!exists) {
    const building = `${templateDb}_building_${process.pid}`
    await createDatabase(adminUrl, building)
    await migrate({ connectionString: withDatabase(adminUrl, building) })
    const c = new pg.Client({ connectionString: adminUrl })
    await c.connect()
    await c.query(`ALTER DATABASE "${building}" RENAME TO "${templateDb}"`).catch(async () => {
      await c.query(`DROP DATABASE IF EXISTS "${building}"`)
    })
    await c.end()
  }
  project.provide('pgAdminUrl', adminUrl)
  project.provide('templateDb', templateDb)
}
