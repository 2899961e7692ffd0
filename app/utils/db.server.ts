import { PrismaPg } from '@prisma/adapter-pg'
import { Prisma, PrismaClient } from '#app/generated/prisma/client.ts'
import { getEnv } from './env.server.ts'

export type Db = InstanceType<typeof PrismaClient>

function connect(connectionString: string): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: 10 }) })
}

const globalForDb = globalThis as unknown as { __xxDb?: Db; __xxDbUrl?: string }

/** One client per process (and per DATABASE_URL, which tests change). */
export function getDb(): Db {
  const url = getEnv().DATABASE_URL
  if (!globalForDb.__xxDb || globalForDb.__xxDbUrl !== url) {
    globalForDb.__xxDb = connect(url)
    globalForDb.__xxDbUrl = url
  }
  return globalForDb.__xxDb
}

export function createDb(connectionString: string): Db {
  return connect(connectionString)
}

/** The transaction client type passed to model functions. */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0]

/** A unique constraint refused the write (Prisma's P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002'
}
