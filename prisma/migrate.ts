// `npm run db:migrate`: the project's stand-in for `prisma migrate deploy`.
import { migrate } from './migrate-runner.ts'

const url = process.env.DATABASE_URL
if (!url) {
  console.error('DATABASE_URL 未设置。请设置后再运行（npm start 会在未设置时使用内置 PostgreSQL）。')
  process.exit(1)
}
const { applied } = await migrate({ connectionString: url, log: (l) => console.log(l) })
console.log(applied.length ? `${applied.length} migration(s) applied.` : 'Database is up to date.')
