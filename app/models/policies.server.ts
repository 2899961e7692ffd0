/**
 * Requirement policies in the database: each version of each program's
 * content/policies/*.yaml is stored once (Policy) so an enrollment keeps the
 * version it started under even after the file moves on.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { parsePolicy, PolicyError, type Policy } from '#app/domain/policy.ts'
import type { Db, Tx } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/ids.server.ts'

export const POLICY_DIR = path.resolve(import.meta.dirname, '../../content/policies')

export type PolicyFile = { file: string; text: string; policy: Policy; checksum: string }

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** Reads and validates every policy file; the first invalid one throws a PolicyError naming the file and field. */
export async function readPolicyFiles(dir = POLICY_DIR): Promise<PolicyFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort()
  return Promise.all(
    names.map(async (file) => {
      const text = await readFile(path.join(dir, file), 'utf8')
      return { file, text, policy: parsePolicy(text, file), checksum: sha256(text) }
    }),
  )
}

export type PolicySyncResult = { added: string[]; unchanged: string[] }

/**
 * Stores each file's version if it is new. A stored version whose file text
 * changed without a new version number is refused: enrollments under it
 * would silently change rules.
 */
export async function syncPolicies(db: Db | Tx, files?: PolicyFile[]): Promise<PolicySyncResult> {
  const result: PolicySyncResult = { added: [], unchanged: [] }
  for (const f of files ?? (await readPolicyFiles())) {
    const label = `${f.policy.program}@${f.policy.version}`
    const program = await db.program.findUnique({ where: { code: f.policy.program }, select: { id: true } })
    if (!program) throw new PolicyError([{ path: 'program', message: `unknown program "${f.policy.program}"` }], f.file)
    const stored = await db.policy.findUnique({ where: { programId_version: { programId: program.id, version: f.policy.version } } })
    if (stored) {
      if (stored.checksum !== f.checksum) {
        throw new PolicyError(
          [{ path: 'version', message: `version ${f.policy.version} is already stored with other rules; raise the version to change them` }],
          f.file,
        )
      }
      result.unchanged.push(label)
      continue
    }
    await db.policy.create({ data: { id: newId(), programId: program.id, version: f.policy.version, yaml: f.text, checksum: f.checksum } })
    result.added.push(label)
    // The program's minutes per 学时 (shown by the API and screens) follow its newest policy.
    if ((await currentPolicyVersion(db, program.id)) === f.policy.version) {
      await db.program.update({ where: { id: program.id }, data: { minutesPerHour: f.policy.minutesPerHour } })
    }
  }
  return result
}

const parsed = new Map<string, Policy>()

/**
 * The policy an enrollment is evaluated under: its own version, or (for an
 * enrollment without one) the program's newest stored version.
 */
export async function getPolicy(db: Db | Tx, programId: string, version: string | null): Promise<Policy> {
  const row = await db.policy.findUnique({
    where: { programId_version: { programId, version: version ?? (await currentPolicyVersion(db, programId)) ?? '' } },
    select: { yaml: true, checksum: true },
  })
  if (!row) throw new Error(`No stored policy for program ${programId}${version ? ` version ${version}` : ''}: run npm run content:sync`)
  let policy = parsed.get(row.checksum)
  if (!policy) {
    policy = parsePolicy(row.yaml)
    parsed.set(row.checksum, policy)
  }
  return policy
}

/** The newest stored version of a program's policy (set on new enrollments). */
export async function currentPolicyVersion(db: Db | Tx, programId: string): Promise<string | null> {
  const rows = await db.policy.findMany({ where: { programId }, select: { version: true } })
  const key = (v: string) => v.split('.').map(Number) as [number, number]
  rows.sort((a, b) => key(b.version)[0] - key(a.version)[0] || key(b.version)[1] - key(a.version)[1])
  return rows[0]?.version ?? null
}
