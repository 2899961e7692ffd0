/**
 * Runs before every `npm run bench:*` (package.json's prebench:* scripts, after
 * app/server/ensure-install.mjs has installed the dependencies): generates the
 * Prisma Client when it is missing or older than the schema, as `npm test`
 * does, so the benchmarks run from a fresh clone.
 */
import { generatePrismaClient } from '#prisma/generate.ts'

generatePrismaClient()
