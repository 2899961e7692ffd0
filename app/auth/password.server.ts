import { hash, verify } from '@node-rs/argon2'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { checkPassword, type PasswordProblem } from '#app/domain/password-policy.ts'

// argon2id (DESIGN.md §8): 19456 KiB, 2 iterations, parallelism 1.
// `algorithm: 2` is Algorithm.Argon2id (a const enum the package declares).
const ARGON2ID = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID as never)
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

// A real hash to verify against when the account does not exist, so a wrong
// username takes as long as a wrong password.
let dummyHash: Promise<string> | undefined
export function dummyPasswordHash() {
  dummyHash ??= hashPassword('xiangxue-no-such-user-placeholder')
  return dummyHash
}

let common: Set<string> | undefined
function isCommonPassword(p: string): boolean {
  if (!common) {
    const file = path.join(process.cwd(), 'content/security/common-passwords.txt')
    common = new Set(
      readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#')),
    )
  }
  return common.has(p)
}

export function passwordProblem(password: string): PasswordProblem | null {
  return checkPassword(password, isCommonPassword)
}

/** An initial password for an account created by someone else (must be changed at first sign-in). */
export function randomInitialPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  let out = ''
  for (const b of bytes) out += alphabet[b % alphabet.length]
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}`
}
