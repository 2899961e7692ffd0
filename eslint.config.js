// ESLint 9 flat config. Correctness rules (typescript-eslint's recommended set,
// not the type-checked one) plus the layering of docs/decisions/010-layering.md,
// written as import boundaries per folder. tests/unit/lint-boundaries.test.ts
// proves that each boundary fires, and that the allowed shapes do not.
//
// Layers are matched on the import specifier: the `#app/...` alias the code
// uses, and the relative form (`../models/x.ts`) as well, so a relative path
// is no way round a boundary.
import js from '@eslint/js'
import { defineConfig, globalIgnores } from 'eslint/config'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** `#app/<layer>/...` or `../<layer>/...` (any depth). */
const layer = (name) => `^(#app/|(\\.\\./)+)${name}(/|$)`

const PRISMA = {
  regex: '^(@prisma/|prisma(/|$)|(#app/|(\\.\\./)+)generated/)',
  message: 'Only app/models (and app/utils/db.server.ts) talk to Prisma: call a model function and use the types it exports (decision 010).',
}
const REMIX = {
  regex: '^@remix-run/',
  message: 'Remix belongs to the transports (routes, app/api, app/auth, app/utils): throw an AppError and let the route map it (decision 010).',
}
const ROUTES = {
  regex: layer('routes'),
  message: 'Nothing imports a route module except Remix: move what is shared into app/models, app/domain or app/components (decision 010).',
}
const API = {
  regex: layer('api'),
  message: 'app/api holds the JSON API adapters; only app/routes/api.v1.* import them. Pages call the same model function instead (decision 010).',
}

/**
 * A route importing another route module. What a route may import from beside it
 * are the modules Remix does not treat as routes (remix.config.js ignoredRouteFiles:
 * *.server.*, *.test.*) and, in a route folder, any colocated file but route.tsx.
 */
const NOT_A_COLOCATED_MODULE = '(?!.*\\.(server|test)\\.[jt]sx?$)'
const routeModule = (prefix) => [`^${prefix}${NOT_A_COLOCATED_MODULE}[^/]+$`, `^${prefix}[^/]+/route(\\.[jt]sx?)?$`]
const OTHER_ROUTE_FROM_FLAT = {
  regex: [...routeModule('(#app/routes/|\\./)'), '^(\\.\\./)+routes/'].map((r) => `(${r})`).join('|'),
  message: 'Routes never import other route modules: share through app/models, app/domain, app/components or a colocated *.server.ts (decision 010).',
}
const OTHER_ROUTE_FROM_FOLDER = {
  regex: [...routeModule('#app/routes/'), ...routeModule('\\.\\./'), '^\\./route(\\.[jt]sx?)?$', '^(\\.\\./){2,}routes/'].map((r) => `(${r})`).join('|'),
  message: OTHER_ROUTE_FROM_FLAT.message,
}

const DOMAIN_LAYERS = [
  ...['models', 'routes', 'api', 'auth', 'jobs', 'server'].map((name) => ({
    regex: layer(name),
    message: `app/domain is plain TypeScript: it imports nothing of app/${name}. Pass what a rule needs in as arguments (decision 010).`,
  })),
  {
    regex: `${layer('utils')}.*\\.server(\\.[jt]sx?)?$`,
    message: 'app/domain imports no server utilities (database, crypto keys, env): take their results as arguments (decision 010).',
  },
  { ...PRISMA, message: 'app/domain never sees Prisma: its rules take and return plain values (decision 010).' },
  { ...REMIX, message: 'app/domain never imports Remix: a rule returns a value or throws, and the transports answer (decision 010).' },
]
const I18N_VALUES = {
  regex: layer('i18n'),
  allowTypeImports: true,
  message: 'app/domain returns message keys, not texts: only `import type` from app/i18n (the routes translate) (decision 010).',
}

/** Prisma query methods on a model delegate (`db.person.findMany`, `getDb().x.upsert`, `tx.x.count`). */
const QUERY_METHODS =
  'findMany|findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow|createMany|createManyAndReturn|updateMany|updateManyAndReturn|deleteMany|upsert|aggregate|groupBy'
/** Also Map/Set/URLSearchParams methods, so only on a db handle: getDb(), db, tx, prisma. */
const AMBIGUOUS_METHODS = 'create|update|delete|count'
const DB_HANDLE = '/^(db|tx|trx|prisma|database|client)$/'
const NO_QUERY = 'Routes and app/api never query Prisma: pass getDb() to a model function in app/models that does (decision 010).'
const PRISMA_QUERIES = [
  { selector: `CallExpression[callee.property.name=/^(${QUERY_METHODS})$/][callee.object.type='MemberExpression']`, message: NO_QUERY },
  { selector: `CallExpression[callee.property.name=/^(${AMBIGUOUS_METHODS})$/][callee.object.object.name=${DB_HANDLE}]`, message: NO_QUERY },
  { selector: `CallExpression[callee.property.name=/^(${AMBIGUOUS_METHODS})$/][callee.object.object.callee.name='getDb']`, message: NO_QUERY },
  {
    selector: 'MemberExpression[property.name=/^\\$(transaction|queryRaw|queryRawUnsafe|queryRawTyped|executeRaw|executeRawUnsafe)$/]',
    message: 'Transactions and raw SQL belong in app/models: pass getDb() to a model function (decision 010).',
  },
]

const restrict = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] })
const SOURCE = '{ts,tsx,js,jsx}'

export default defineConfig([
  globalIgnores(['app/generated/**', 'build/**', '.data/**', 'node_modules/**', 'tests/.tmp/**', 'test-results/**', 'playwright-report/**', '.cache/**']),

  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Chinese text uses the ideographic space (U+3000); it is still an error between tokens.
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true, skipJSXText: true, skipComments: true }],
      // `_`-prefixed names are deliberately unused (a destructured-away field, an ignored argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // The base rule cannot tell type imports; the boundaries below use the typescript-eslint one.
      'no-restricted-imports': 'off',
    },
  },

  {
    // The two classic hook rules, for the React code only (Playwright fixtures call a `use` that is no hook).
    // The React Compiler rules of the plugin's v7 preset are for code written for the compiler, which this app is not.
    files: [`app/**/*.${SOURCE}`],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // Tests read loosely typed JSON and poke at internals; Playwright fixtures must destructure `{}`.
    files: ['tests/**', `**/*.test.${SOURCE}`, '**/*.integration-test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  { files: ['tests/e2e/**'], rules: { 'no-empty-pattern': 'off' } },

  // ── Import boundaries (decision 010). The areas are disjoint, so no block overrides another's list.
  {
    name: 'layers/domain',
    files: [`app/domain/**/*.${SOURCE}`],
    ignores: [`app/domain/**/*.test.${SOURCE}`],
    rules: restrict(...DOMAIN_LAYERS, I18N_VALUES),
  },
  {
    // Domain tests may read the real catalogues to check that a rule's message keys exist.
    name: 'layers/domain-tests',
    files: [`app/domain/**/*.test.${SOURCE}`],
    rules: restrict(...DOMAIN_LAYERS),
  },
  {
    name: 'layers/ui-routes',
    files: [`app/routes/*.${SOURCE}`, 'app/root.tsx'],
    // api.docs: the API reference page (/api/docs) renders app/api's OpenAPI document, an API adapter too.
    ignores: ['app/routes/api.v1.*', 'app/routes/api.docs.*'],
    rules: { ...restrict(PRISMA, API, OTHER_ROUTE_FROM_FLAT), 'no-restricted-syntax': ['error', ...PRISMA_QUERIES] },
  },
  {
    name: 'layers/ui-route-folders',
    files: [`app/routes/*/**/*.${SOURCE}`],
    ignores: ['app/routes/api.v1.*/**'],
    rules: { ...restrict(PRISMA, API, OTHER_ROUTE_FROM_FOLDER), 'no-restricted-syntax': ['error', ...PRISMA_QUERIES] },
  },
  {
    name: 'layers/api-routes',
    files: [`app/routes/api.v1.*.${SOURCE}`, `app/routes/api.docs.${SOURCE}`],
    rules: { ...restrict(PRISMA, OTHER_ROUTE_FROM_FLAT), 'no-restricted-syntax': ['error', ...PRISMA_QUERIES] },
  },
  {
    name: 'layers/api-route-folders',
    files: [`app/routes/api.v1.*/**/*.${SOURCE}`],
    rules: { ...restrict(PRISMA, OTHER_ROUTE_FROM_FOLDER), 'no-restricted-syntax': ['error', ...PRISMA_QUERIES] },
  },
  {
    name: 'layers/api',
    files: [`app/api/**/*.${SOURCE}`],
    rules: {
      ...restrict(PRISMA, {
        ...ROUTES,
        message: 'app/api never imports app/routes: the api.v1 routes import the handlers, not the other way round (decision 010).',
      }),
      'no-restricted-syntax': ['error', ...PRISMA_QUERIES],
    },
  },
  {
    name: 'layers/models',
    files: [`app/models/**/*.${SOURCE}`],
    rules: restrict(
      { ...ROUTES, message: 'app/models never imports app/routes: the routes call the models (decision 010).' },
      { ...API, message: 'app/models never imports app/api: the API handlers call the models (decision 010).' },
      REMIX,
      {
        regex: `${layer('auth')}permissions\\.server(\\.ts)?$`,
        message: 'app/auth/permissions.server.ts reads the Remix request; models take a CurrentUser and use app/models/access.server.ts (decision 010).',
      },
      {
        regex: `${layer('utils')}page-errors\\.server(\\.ts)?$`,
        message: 'Mapping errors to pages is the routes’ job: models throw AppError (decision 010).',
      },
    ),
  },

  // ── Configuration is read once, validated, in app/utils/env.server.ts.
  {
    name: 'env/validated',
    files: [`app/**/*.${SOURCE}`, `workers/**/*.${SOURCE}`],
    ignores: ['app/utils/env.server.ts', 'app/server/**', 'workers/index.ts', `**/*.test.${SOURCE}`],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through app/utils/env.server.ts (validated at boot), not process.env.' },
      ],
    },
  },
])
