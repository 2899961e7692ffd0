/**
 * The layering of docs/decisions/010-layering.md is enforced by eslint.config.js.
 * These tests lint small samples under virtual paths with the real config and check
 * that each wrong shape is reported by the rule meant to catch it, and that the
 * shapes the layering allows are not reported at all.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, test } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const IMPORTS = '@typescript-eslint/no-restricted-imports'
const SYNTAX = 'no-restricted-syntax'
const ENV = 'no-restricted-properties'

let eslint: ESLint
beforeAll(async () => {
  eslint = new ESLint({ cwd: root })
  // The first lint loads the config, its plugins and the TypeScript parser: seconds on a busy machine,
  // which would otherwise count against the first sample's 5 s.
  await eslint.lintText('export {}\n', { filePath: path.join(root, 'app/domain/warm-up.ts') })
}, 60_000)

/** The errors ESLint reports for `code` as if it were the file at `file` (relative to the repository). */
async function lint(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) })
  expect(result, file).toBeDefined()
  return result!.messages.filter((m) => m.severity === 2).map((m) => ({ rule: m.ruleId, line: m.line, message: m.message }))
}

async function rulesFor(file: string, code: string) {
  return (await lint(file, code)).map((m) => m.rule)
}

/** Only the rules that carry the layering (the query samples leave their free names undeclared). */
const BOUNDARY_RULES = new Set([IMPORTS, SYNTAX, ENV])
async function boundaryRulesFor(file: string, code: string) {
  return (await rulesFor(file, code)).filter((rule) => rule !== null && BOUNDARY_RULES.has(rule))
}

describe('wrong shapes are reported by the boundary rule', () => {
  test.each([
    // Routes and API handlers never touch Prisma, not even its types.
    ['app/routes/x.tsx', `import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()`],
    ['app/routes/x.tsx', `import type { Person } from '#app/generated/prisma/client.ts'\nexport type P = Person`],
    ['app/routes/api.v1.x.ts', `import { Role } from '#app/generated/prisma/enums.ts'\nexport const r = Role`],
    ['app/api/x.server.ts', `import type { Prisma } from '@prisma/client'\nexport type W = Prisma.PersonWhereInput`],
    // Domain imports nothing of the layers above it, by alias or by relative path.
    ['app/domain/x.ts', `import { createPerson } from '#app/models/people.server.ts'\nexport const f = createPerson`],
    ['app/domain/x.ts', `import { createPerson } from '../models/people.server.ts'\nexport const f = createPerson`],
    ['app/domain/x.ts', `import { data } from '@remix-run/node'\nexport const f = data`],
    ['app/domain/x.ts', `import { PrismaClient } from '@prisma/client'\nexport const f = PrismaClient`],
    ['app/domain/x.ts', `import { getDb } from '#app/utils/db.server.ts'\nexport const f = getDb`],
    ['app/domain/x.ts', `import { requireUser } from '#app/auth/permissions.server.ts'\nexport const f = requireUser`],
    ['app/domain/x.ts', `import { translate } from '#app/i18n/index.ts'\nexport const f = translate`],
    ['app/domain/x.ts', `import { zhCN } from '#app/i18n/zh-CN.ts'\nexport const f = zhCN`],
    // UI routes reach the use cases through models, not through the API's adapters.
    ['app/routes/x.tsx', `import { toErrorResponse } from '#app/api/http.server.ts'\nexport const f = toErrorResponse`],
    ['app/root.tsx', `import { json } from '#app/api/http.server.ts'\nexport const f = json`],
    // The API never imports the routes; routes never import each other.
    ['app/api/x.server.ts', `import { loader } from '#app/routes/me.tsx'\nexport const f = loader`],
    ['app/routes/x.tsx', `import { loader } from '#app/routes/me.tsx'\nexport const f = loader`],
    ['app/routes/x.tsx', `import { loader } from './me.tsx'\nexport const f = loader`],
    ['app/routes/x/route.tsx', `import { loader } from '../me.tsx'\nexport const f = loader`],
    ['app/routes/x/helpers.ts', `import { loader } from './route.tsx'\nexport const f = loader`],
    // Models never depend on a transport.
    ['app/models/x.server.ts', `import { redirect } from '@remix-run/node'\nexport const f = redirect`],
    ['app/models/x.server.ts', `import { loader } from '#app/routes/me.tsx'\nexport const f = loader`],
    ['app/models/x.server.ts', `import { toErrorResponse } from '#app/api/http.server.ts'\nexport const f = toErrorResponse`],
    ['app/models/x.server.ts', `import { requireUser } from '#app/auth/permissions.server.ts'\nexport const f = requireUser`],
  ])('%s: %s', async (file, code) => {
    expect(await rulesFor(file, code)).toEqual([IMPORTS])
  })

  test.each([
    ['app/routes/x.tsx', 'getDb().person.findMany({ where: {} })'],
    ['app/routes/x.tsx', 'db.enrollment.findFirst({ where: { id } })'],
    ['app/routes/x.tsx', 'db.user.findUniqueOrThrow({ where: { id } })'],
    ['app/routes/x.tsx', 'tx.hourEntry.create({ data })'],
    ['app/routes/x.tsx', 'getDb().user.update({ where: { id }, data })'],
    ['app/routes/x.tsx', 'db.person.count()'],
    ['app/routes/x.tsx', 'db.person.upsert({ where, create, update })'],
    ['app/routes/x.tsx', 'db.auditEvent.groupBy({ by: ["kind"] })'],
    ['app/routes/x.tsx', 'getDb().$transaction(async () => {})'],
    ['app/routes/x.tsx', 'db.$queryRaw`SELECT 1`'],
    ['app/routes/x.tsx', 'db.$executeRawUnsafe("DELETE FROM x")'],
    ['app/routes/api.v1.x.ts', 'db.person.deleteMany({ where })'],
    ['app/api/x.server.ts', 'getDb().enrollment.findFirst({ where: { id } })'],
    ['app/api/x.server.ts', 'tx.$queryRaw`SELECT pg_advisory_xact_lock(1)`'],
  ])('%s: a Prisma query (%s)', async (file, call) => {
    expect(await boundaryRulesFor(file, `export const run = () => ${call}`)).toEqual([SYNTAX])
  })

  test('each query in a route is reported on its own line', async () => {
    const code = ['export async function loader() {', '  await db.person.findMany()', '  await db.$transaction([])', '}'].join('\n')
    expect((await lint('app/routes/x.tsx', code)).map((m) => [m.rule, m.line])).toEqual([
      [SYNTAX, 2],
      [SYNTAX, 3],
    ])
  })

  test.each(['app/models/x.server.ts', 'app/routes/x.tsx', 'app/jobs/x.ts', 'workers/x.worker.ts'])('%s: reading process.env', async (file) => {
    expect(await rulesFor(file, 'export const url = process.env.REDIS_URL')).toEqual([ENV])
  })

  test('the messages point to the decision record', async () => {
    const [message] = await lint('app/routes/x.tsx', `import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()`)
    expect(message?.message).toMatch(/decision 010/)
  })
})

describe('the shapes the layering allows are not reported', () => {
  test.each([
    // A route obtains the db handle and passes it to a model.
    [
      'app/routes/x.tsx',
      `import { getDb } from '#app/utils/db.server.ts'\nimport { createPerson } from '#app/models/people.server.ts'\nexport const action = (input: Parameters<typeof createPerson>[1]) => createPerson(getDb(), input)`,
    ],
    // Domain imports other domain files, libraries, and i18n types.
    ['app/domain/x.ts', `import { dateOnly } from './time.ts'\nimport { z } from 'zod'\nexport const f = [dateOnly, z]`],
    ['app/domain/x.ts', `import { dateOnly } from '#app/domain/time.ts'\nexport const f = dateOnly`],
    ['app/domain/x.ts', `import type { T } from '#app/i18n/index.ts'\nexport type Tr = T`],
    ['app/domain/x.ts', `import { type T } from '#app/i18n/index.ts'\nexport type Tr = T`],
    // Domain tests may read the message catalogues.
    ['app/domain/x.test.ts', `import { zhCN } from '#app/i18n/zh-CN.ts'\nexport const f = zhCN`],
    // The api.v1 routes are the API's entry points and import its handlers.
    ['app/routes/api.v1.x.ts', `import { apiRoute } from '#app/api/http.server.ts'\nexport const action = apiRoute`],
    // The API reference page renders app/api's OpenAPI document.
    ['app/routes/api.docs.tsx', `import { apiReference } from '#app/api/docs.server.ts'\nexport const loader = apiReference`],
    // A route imports the non-route modules beside it, and its own folder's files.
    ['app/routes/x.tsx', `import { load } from './x.server.ts'\nexport const loader = load`],
    ['app/routes/x/route.tsx', `import { load } from './load.server.ts'\nimport { View } from './view.tsx'\nexport const f = [load, View]`],
    // Models use Prisma and the other models.
    [
      'app/models/x.server.ts',
      `import type { Prisma } from '#app/generated/prisma/client.ts'\nimport { scopesFor } from '#app/models/access.server.ts'\nexport type W = Prisma.PersonWhereInput\nexport const f = scopesFor`,
    ],
    // Map, Set and URLSearchParams have delete/count-like methods too.
    [
      'app/routes/x.tsx',
      `export function f(url: URL, seen: { ids: Set<string> }) {\n  url.searchParams.delete('page')\n  seen.ids.delete('x')\n  return [1, 2].find((n) => n > 1)\n}`,
    ],
    // Configuration is read where it is validated.
    ['app/utils/env.server.ts', 'export const raw = process.env.DATABASE_URL'],
    ['app/server/start.ts', 'export const port = process.env.PORT'],
    ['tests/x.ts', 'export const url = process.env.XX_TEST_PG_ADMIN_URL'],
    ['workers/index.ts', 'export const mode = process.env.XX_WORKERS'],
  ])('%s: %s', async (file, code) => {
    expect(await lint(file, code)).toEqual([])
  })
})
