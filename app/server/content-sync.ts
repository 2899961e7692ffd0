/**
 * `npm run content:sync`: loads content/ into the database idempotently (a
 * second run changes nothing): the catalog (content/catalog: programs,
 * majors and teaching plans, courses with tasks, and the lessons, Markdown
 * files in content/catalog/lessons/ turned into Tiptap JSON by
 * app/domain/lesson-markdown.ts, their pictures in content/media/; see
 * app/models/catalog.server.ts) and the requirement policies, each version
 * stored once (app/models/policies.server.ts). Every file is read and
 * validated before anything is written (a lesson's errors name its file and
 * line), and the writes are one transaction: a bad file changes nothing.
 * npm start and the seed run it.
 */
import { CatalogError, type Catalog } from '#app/domain/catalog.ts'
import { CATALOG_DIR, describeSync, loadCatalog, syncCatalog } from '#app/models/catalog.server.ts'
import { POLICY_DIR, readPolicyFiles, syncPolicies, type PolicyFile } from '#app/models/policies.server.ts'
import { readTargetSeeds, syncTargets, TARGETS_FILE } from '#app/models/targets.server.ts'
import type { Db } from '#app/utils/db.server.ts'

/** A program's minutes per 学时 in programs.yaml must agree with its policy file. */
function checkMinutesPerHour(catalog: Catalog, policies: PolicyFile[]) {
  const issues = catalog.programs.flatMap((p, i) => {
    const policy = policies.find((f) => f.policy.program === p.code)
    return policy && policy.policy.minutesPerHour !== p.minutesPerHour
      ? [
          {
            file: 'programs.yaml',
            path: `programs[${i}].minutesPerHour`,
            message: `must equal minutesPerHour of content/policies/${policy.file} (${policy.policy.minutesPerHour})`,
          },
        ]
      : []
  })
  if (issues.length) throw new CatalogError(issues)
}

export async function syncContent(
  db: Db,
  { log = (_: string) => {}, catalogDir = CATALOG_DIR, policyDir = POLICY_DIR, targetsFile = TARGETS_FILE, now = new Date() } = {},
) {
  const catalog = await loadCatalog(catalogDir)
  const policyFiles = await readPolicyFiles(policyDir)
  const targetSeeds = await readTargetSeeds(targetsFile)
  checkMinutesPerHour(catalog, policyFiles)
  const {
    policies,
    catalog: result,
    targets,
  } = await db.$transaction(
    async (tx) => {
      // Two servers booting at once would both insert the same codes: one sync at a time.
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(522327, 1)')
      const catalogResult = await syncCatalog(tx, catalog, now)
      const policiesResult = await syncPolicies(tx, policyFiles)
      // Targets only where absent: the bureau's edits stay (content/targets.yaml).
      return { catalog: catalogResult, policies: policiesResult, targets: await syncTargets(tx, targetSeeds) }
    },
    { maxWait: 30_000, timeout: 120_000 },
  )
  const changed = Object.values(result).some((c) => c.added + c.updated + c.retired > 0)
  if (changed) for (const line of describeSync(result)) log(line)
  if (policies.added.length) log(`已载入新的学时规则版本：${policies.added.join('、')}`)
  if (targets.added) log(`已载入目标任务 ${targets.added} 项（content/targets.yaml）`)
  return { policies, catalog: result, targets }
}

if (process.argv[1]?.endsWith('content-sync.ts')) {
  const { getDb } = await import('#app/utils/db.server.ts')
  const db = getDb()
  try {
    const { policies, catalog } = await syncContent(db)
    for (const line of describeSync(catalog)) console.log(line)
    console.log(`学时规则：新增 ${policies.added.length} 个版本，未变 ${policies.unchanged.length} 个。`)
  } catch (error) {
    console.error((error as Error).message)
    process.exitCode = 1
  } finally {
    await db.$disconnect()
  }
}
