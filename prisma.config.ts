import { defineConfig } from 'prisma/config'

// Prisma 7 reads the connection here, not in schema.prisma. Migrations are SQL
// files applied by prisma/migrate.ts (DESIGN.md §6 "Prisma on these machines").
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
    seed: 'tsx prisma/seed.ts',
  },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/xiangxue',
  },
})
