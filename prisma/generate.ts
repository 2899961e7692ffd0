/**
 * Runs `prisma generate` when the generated client is missing or older than
 * the schema. Generation runs on WASM; the CLI still insists on a schema-engine
 * binary it never executes, which these machines cannot download, so point
 * PRISMA_SCHEMA_ENGINE_BINARY at any existing file when the real one is absent
 * (DESIGN.md §6).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export function generatePrismaClient({ force = false } = {}) {
  const schema = path.join(root, 'prisma/schema.prisma')
  const marker = path.join(root, 'app/generated/prisma/client.ts')
  if (!force && existsSync(marker) && statSync(marker).mtimeMs >= statSync(schema).mtimeMs) return
  const env = { ...process.env }
  if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules/prisma/build/index.js'), 'generate'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  if (result.status !== 0) throw new Error('prisma generate failed')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  generatePrismaClient({ force: true })
  console.log('Prisma Client generated in app/generated/prisma')
}
