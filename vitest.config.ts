import { defineConfig } from 'vitest/config'

// Two projects: unit tests beside the code (no services), integration tests
// against real PostgreSQL and Redis (tests/integration/global-setup.ts
// prepares a migrated template database; each file clones its own).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['app/**/*.test.{ts,tsx}', 'prisma/**/*.test.ts', 'workers/**/*.test.ts', 'tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          // tests/security and tests/reliability need the same services (DESIGN.md §11 "Tests").
          include: ['**/*.integration-test.ts', 'tests/security/**/*.test.ts', 'tests/reliability/**/*.test.ts'],
          exclude: ['node_modules/**', 'build/**', '.data/**'],
          environment: 'node',
          globalSetup: ['tests/integration/global-setup.ts'],
          setupFiles: ['tests/integration/setup-env.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
    ],
  },
})
