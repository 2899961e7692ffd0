/**
 * schema.prisma and the hand-written migrations (prisma/migrations/*) must
 * describe the same database: Prisma Client is generated from the one, the
 * database is built from the other, and nothing else ties them together
 * (DESIGN.md §6). This file reads schema.prisma with Prisma's own parser and
 * compares it with the catalogue of this file's freshly migrated database
 * (tests/integration/setup-env.ts): tables, columns, types, nullability,
 * defaults, enums, primary keys, unique and plain indexes, foreign keys, and
 * the `_prisma_migrations` bookkeeping.
 *
 * Every test collects all differences, so one run shows everything to fix.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import pg from 'pg'
import { beforeAll, describe, expect, test } from 'vitest'
import { readMigrations } from '#prisma/migrate-runner.ts'

const SCHEMA_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prisma/schema.prisma')

/**
 * Unique indexes the migrations create on purpose although schema.prisma does
 * not declare them, because Prisma's schema language cannot express them.
 * Index name → why. Anything else unique in the database must be declared with
 * @unique / @@unique; an entry here whose index no longer exists is reported
 * too, so the list cannot go stale.
 */
const UNDECLARED_UNIQUE_INDEXES: Record<string, string> = {
  // Partial: UNIQUE ("personId", "programId") WHERE "status" = 'active' AND "exclusive" (the program's
  // rule is one_active_per_program). Prisma has no partial indexes (see the comment on model Enrollment).
  Enrollment_one_active_if_exclusive: 'one active enrollment per person in a program whose rule says so',
  // Partial: one ledger credit per attendance, online day or self-study log (see model HourEntry).
  HourEntry_one_per_source_row: 'one credit per source row',
  // Partial: UNIQUE ("userId") WHERE "revokedAt" IS NULL (see model SignInCard).
  SignInCard_one_active_per_user: 'one sign-in card in force per account',
  // Partial: UNIQUE ("enrollmentId", "sourceRef") WHERE "source" = 'transfer' … (see model HourEntry).
  HourEntry_transfer_external_id: 'one synced day per enrollment and externalId (POST /api/v1/hours/batch)',
}

/** Same for non-unique indexes (e.g. a GIN or expression index Prisma cannot express). */
const UNDECLARED_PLAIN_INDEXES: Record<string, string> = {
  // Expression: (grain, periodStart, xx_path_common_depth(personRegionPath, groupRegionPath), groupRegionPath COLLATE "C")
  // (migration 20261202100000_rollup_cells): the rows a region's scope sees of people living elsewhere.
  HourRollup_outsiders_idx: "the rollup rows whose person's home lies outside their class or round's region",
}

// ---------------------------------------------------------------------------
// schema.prisma, read with Prisma's own parser
// ---------------------------------------------------------------------------

type DmmfDefault = { name: string; args: unknown[] } | string | number | boolean | unknown[]
type DmmfField = {
  name: string
  dbName?: string | null
  kind: 'scalar' | 'enum' | 'object' | 'unsupported'
  type: string
  isList: boolean
  isRequired: boolean
  isUnique: boolean
  isId: boolean
  isUpdatedAt: boolean
  hasDefaultValue: boolean
  default?: DmmfDefault
  nativeType?: [string, string[]] | null
  relationFromFields?: string[]
  relationToFields?: string[]
  relationOnDelete?: string
  relationOnUpdate?: string
}
type DmmfModel = {
  name: string
  dbName: string | null
  fields: DmmfField[]
  primaryKey: { name: string | null; fields: string[] } | null
  uniqueFields: string[][]
}
type DmmfEnum = { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }
type DmmfIndex = { model: string; type: 'id' | 'unique' | 'normal' | 'fulltext'; dbName?: string | null; fields: { name: string }[] }
type Datamodel = { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] }

/**
 * `getDMMF` without @prisma/internals (not installed, and no network to add
 * it): the prisma CLI package ships the same parser as
 * build/prisma_schema_build_bg.wasm (@prisma/prisma-schema-wasm, bundled into
 * its cli.js). This is the few lines of wasm-bindgen glue `get_dmmf` needs.
 */
function getDatamodel(prismaSchema: string): Datamodel {
  const prismaDir = path.dirname(createRequire(import.meta.url).resolve('prisma/package.json'))
  const wasmPath = path.join(prismaDir, 'build/prisma_schema_build_bg.wasm')
  const module = new WebAssembly.Module(readFileSync(wasmPath))

  type Exports = {
    memory: WebAssembly.Memory
    __wbindgen_externrefs: WebAssembly.Table
    __wbindgen_start: () => void
    __wbindgen_malloc: (size: number, align: number) => number
    __wbindgen_free: (ptr: number, size: number, align: number) => void
    __externref_table_dealloc: (index: number) => void
    get_dmmf: (ptr: number, len: number) => unknown
  }
  let panicMessage = ''
  const bytes = () => new Uint8Array(wasm.memory.buffer)
  const text = (ptr: number, len: number) => new TextDecoder().decode(bytes().subarray(ptr >>> 0, (ptr >>> 0) + len))
  const glue: [RegExp, (...args: number[]) => unknown][] = [
    [/^__wbg_set_message_/, (ptr, len) => void (panicMessage = text(ptr!, len!))],
    [/^__wbg_Error_/, (ptr, len) => new Error(text(ptr!, len!))],
    [
      /^__wbg___wbindgen_throw_/,
      (ptr, len) => {
        throw new Error(text(ptr!, len!))
      },
    ],
    [
      /^__wbindgen_init_externref_table$/,
      () => {
        const table = wasm.__wbindgen_externrefs
        const offset = table.grow(4)
        table.set(0, undefined)
        ;[undefined, null, true, false].forEach((value, i) => table.set(offset + i, value))
      },
    ],
  ]
  const imports: Record<string, Record<string, (...args: number[]) => unknown>> = {}
  for (const { module: from, name } of WebAssembly.Module.imports(module)) {
    const impl = glue.find(([pattern]) => pattern.test(name))?.[1]
    if (!impl) throw new Error(`${wasmPath} wants an import "${name}" this test does not provide: update getDatamodel() for the new prisma version`)
    ;(imports[from] ??= {})[name] = impl
  }
  // The glue above reads `wasm` only when called, after this line.
  const wasm = new WebAssembly.Instance(module, imports).exports as unknown as Exports
  wasm.__wbindgen_start()

  const input = new TextEncoder().encode(JSON.stringify({ prismaSchema }))
  const ptr = wasm.__wbindgen_malloc(input.length, 1) >>> 0
  bytes().set(input, ptr)
  let result: unknown
  try {
    result = wasm.get_dmmf(ptr, input.length)
  } catch (error) {
    throw new Error(`Prisma's schema parser panicked: ${panicMessage || (error as Error).message}`)
  }
  if (!Array.isArray(result) || result.length !== 4) {
    throw new Error('get_dmmf in prisma_schema_build_bg.wasm changed its calling convention: update getDatamodel()')
  }
  const [outPtr, outLen, errorRef, failed] = result as number[]
  if (failed) {
    const error = wasm.__wbindgen_externrefs.get(errorRef!) as Error
    wasm.__externref_table_dealloc(errorRef!)
    throw new Error(`schema.prisma does not parse: ${error.message}`)
  }
  const json = text(outPtr!, outLen!)
  wasm.__wbindgen_free(outPtr!, outLen!, 1)
  return (JSON.parse(json) as { datamodel: Datamodel }).datamodel
}

// ---------------------------------------------------------------------------
// The migrated database
// ---------------------------------------------------------------------------

type DbColumn = {
  table: string
  column: string
  type: string // format_type(): "text", "timestamp(3) with time zone", "\"Role\"", "text[]", …
  typtype: string // 'e' for an enum
  typname: string
  elem_typtype: string | null // for arrays: the element type's
  elem_typname: string | null
  not_null: boolean
  default: string | null
  identity: string // '' | 'a' | 'd'
  generated: string // '' | 's'
}
type DbIndex = { table: string; name: string; unique: boolean; primary: boolean; partial: boolean; expressions: boolean; columns: string[]; definition: string }
type DbForeignKey = { name: string; table: string; columns: string[]; ref_table: string; ref_columns: string[]; on_delete: string; on_update: string }
type DbMigrationRow = { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }
type DbSnapshot = {
  tables: string[]
  columns: DbColumn[]
  enums: { name: string; labels: string[] }[]
  indexes: DbIndex[]
  foreignKeys: DbForeignKey[]
  migrations: DbMigrationRow[]
}

const MIGRATIONS_TABLE = '_prisma_migrations'

async function readDatabase(connectionString: string): Promise<DbSnapshot> {
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    const tables = await client.query<{ name: string }>(`
      SELECT c.relname AS name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY 1`)
    const columns = await client.query<DbColumn>(`
      SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
             t.typtype, t.typname, et.typtype AS elem_typtype, et.typname AS elem_typname,
             a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default,
             a.attidentity AS identity, a.attgenerated AS generated
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`)
    const enums = await client.query<{ name: string; labels: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
      FROM pg_type t
      JOIN pg_namespace n ON n.oid = t.typnamespace
      JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE n.nspname = 'public'
      GROUP BY t.typname
      ORDER BY 1`)
    const indexes = await client.query<DbIndex>(
      `
      SELECT c.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
             x.indpred IS NOT NULL AS partial, x.indexprs IS NOT NULL AS expressions,
             ARRAY(
               SELECT a.attname::text
               FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
               WHERE k.ord <= x.indnkeyatts
               ORDER BY k.ord
             ) AS columns,
             pg_get_indexdef(x.indexrelid) AS definition
      FROM pg_index x
      JOIN pg_class c ON c.oid = x.indrelid
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relname <> $1
      ORDER BY 1, 2`,
      [MIGRATIONS_TABLE],
    )
    const foreignKeys = await client.query<DbForeignKey>(`
      SELECT con.conname AS name, c.relname AS table, r.relname AS ref_table,
             ARRAY(
               SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord
             ) AS columns,
             ARRAY(
               SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord
             ) AS ref_columns,
             con.confdeltype AS on_delete, con.confupdtype AS on_update
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid
      JOIN pg_class r ON r.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public'
      ORDER BY 2, 1`)
    const migrations = await client.query<DbMigrationRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "${MIGRATIONS_TABLE}" ORDER BY started_at, migration_name`,
    )
    return {
      tables: tables.rows.map((r) => r.name),
      columns: columns.rows,
      enums: enums.rows,
      indexes: indexes.rows,
      foreignKeys: foreignKeys.rows,
      migrations: migrations.rows,
    }
  } finally {
    await client.end()
  }
}

// ---------------------------------------------------------------------------
// Expectations derived from the datamodel
// ---------------------------------------------------------------------------

const tableOf = (model: DmmfModel) => model.dbName ?? model.name
const columnOf = (field: DmmfField) => field.dbName ?? field.name
const columnsOf = (model: DmmfModel, fieldNames: string[]) =>
  fieldNames.map((name) => {
    const field = model.fields.find((f) => f.name === name)
    return field ? columnOf(field) : `<no field ${name}>`
  })
const show = (columns: string[]) => `(${columns.join(', ')})`
const sameColumns = (a: string[], b: string[]) => a.length === b.length && a.every((c, i) => c === b[i])

// Prisma's PostgreSQL type for each scalar without @db.*.
const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
}

// @db.* native types, as format_type() prints them.
const withPrecision =
  (base: string, suffix = '') =>
  (args: string[]) =>
    args[0] ? `${base}(${args[0]})${suffix}` : `${base}${suffix}`
const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Text: () => 'text',
  VarChar: withPrecision('character varying'),
  Char: (args) => `character(${args[0] ?? 1})`,
  Uuid: () => 'uuid',
  Citext: () => 'citext',
  Inet: () => 'inet',
  Xml: () => 'xml',
  Integer: () => 'integer',
  SmallInt: () => 'smallint',
  BigInt: () => 'bigint',
  Oid: () => 'oid',
  DoublePrecision: () => 'double precision',
  Real: () => 'real',
  Decimal: (args) => (args.length ? `numeric(${args.join(',')})` : 'numeric'),
  Money: () => 'money',
  Boolean: () => 'boolean',
  Timestamp: withPrecision('timestamp', ' without time zone'),
  Timestamptz: withPrecision('timestamp', ' with time zone'),
  Date: () => 'date',
  Time: withPrecision('time', ' without time zone'),
  Timetz: withPrecision('time', ' with time zone'),
  Json: () => 'json',
  JsonB: () => 'jsonb',
  ByteA: () => 'bytea',
}

/** Differences between a field's declared type and its column's, or none. */
function typeDifference(field: DmmfField, column: DbColumn, enums: Map<string, DmmfEnum>): string | null {
  if (field.kind === 'enum') {
    const enumName = enums.get(field.type)?.dbName ?? field.type
    const [typtype, typname] = field.isList ? [column.elem_typtype, column.elem_typname] : [column.typtype, column.typname]
    if (typtype === 'e' && typname === enumName) return null
    return `type is ${column.type}, schema.prisma says enum "${enumName}"${field.isList ? '[]' : ''} (USER-DEFINED)`
  }
  let expected: string | undefined
  if (field.nativeType) {
    const [name, args] = field.nativeType
    expected = NATIVE_TYPES[name]?.(args)
    if (!expected) return `@db.${name} is not known to this test: add it to NATIVE_TYPES`
  } else {
    expected = SCALAR_TYPES[field.type]
    if (!expected) return `Prisma type ${field.type} is not known to this test: add it to SCALAR_TYPES`
  }
  if (field.isList) expected += '[]'
  return column.type === expected ? null : `type is ${column.type}, schema.prisma says ${expected}`
}

// Defaults Prisma Client fills in itself: the column has no DEFAULT.
const CLIENT_SIDE_DEFAULTS = new Set(['cuid', 'uuid', 'nanoid', 'ulid'])

const describeDefault = (d: DmmfDefault | undefined) =>
  d !== null && typeof d === 'object' && !Array.isArray(d)
    ? `@default(${d.name}(${d.args.map((a) => JSON.stringify(a)).join(', ')}))`
    : `@default(${JSON.stringify(d)})`

/** '45', '\'active\'::"EnrollmentStatus"', '\'it\'\'s\'::text' → 45, active, it's (as text). */
function literalOf(dbDefault: string): string {
  let value = dbDefault.trim()
  for (let previous = ''; previous !== value;) {
    previous = value
    value = value.replace(/^\((.*)\)$/s, '$1').replace(/::[\w\s."[\]()]+$/, '')
  }
  const quoted = /^'(.*)'$/s.exec(value)
  return quoted ? quoted[1]!.replace(/''/g, "'") : value
}

function defaultDifference(field: DmmfField, column: DbColumn, enums: Map<string, DmmfEnum>): string | null {
  const actual = column.default
  const actualText = actual === null ? (column.identity ? `identity (${column.identity})` : 'none') : actual
  if (column.generated) return `is a generated column (${actual}), which schema.prisma cannot declare`
  const d = field.hasDefaultValue ? field.default : undefined
  if (d === undefined || (typeof d === 'object' && !Array.isArray(d) && d !== null && CLIENT_SIDE_DEFAULTS.has(d.name))) {
    return actual === null && !column.identity
      ? null
      : `has default ${actualText}, schema.prisma declares no database default (${field.hasDefaultValue ? describeDefault(d) : 'no @default'})`
  }
  const mismatch = `has default ${actualText}, schema.prisma says ${describeDefault(d)}`
  if (typeof d === 'object' && !Array.isArray(d) && d !== null) {
    switch (d.name) {
      case 'now':
        return actual !== null && /CURRENT_TIMESTAMP|now\(\)/i.test(actual) ? null : mismatch
      case 'autoincrement':
        return (actual !== null && /nextval\(/i.test(actual)) || column.identity ? null : mismatch
      case 'dbgenerated':
        // dbgenerated("expr"): PostgreSQL normalises the expression, so only require one.
        // dbgenerated() without an argument means "whatever the database does".
        return d.args.length === 0 || actual !== null ? null : mismatch
      default:
        return `${describeDefault(d)} is not known to this test: teach defaultDifference() about it`
    }
  }
  if (actual === null) return mismatch
  if (Array.isArray(d)) return null // a list literal: PostgreSQL prints ARRAY[...]; its presence is enough
  const literal = literalOf(actual)
  if (field.kind === 'enum') {
    const value = enums.get(field.type)?.values.find((v) => v.name === d)
    return literal === (value?.dbName ?? d) ? null : mismatch
  }
  switch (field.type) {
    case 'Boolean':
      return literal === String(d) ? null : mismatch
    case 'Int':
    case 'BigInt':
    case 'Float':
    case 'Decimal':
      return Number(literal) === Number(d) ? null : mismatch
    case 'Json':
      try {
        return isDeepStrictEqual(JSON.parse(literal), JSON.parse(String(d))) ? null : mismatch
      } catch {
        return mismatch
      }
    case 'DateTime':
      return Date.parse(literal) === Date.parse(String(d)) ? null : mismatch
    default:
      return literal === String(d) ? null : mismatch
  }
}

const ACTIONS: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' }

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

let datamodel: Datamodel
let db: DbSnapshot
let enumsByName: Map<string, DmmfEnum>

beforeAll(async () => {
  datamodel = getDatamodel(readFileSync(SCHEMA_PATH, 'utf8'))
  enumsByName = new Map(datamodel.enums.map((e) => [e.name, e]))
  db = await readDatabase(process.env.DATABASE_URL!)
})

describe('the migrated database matches prisma/schema.prisma', () => {
  test('tables and columns: types, nullability, defaults', () => {
    expect(datamodel.models.length).toBeGreaterThan(0)
    const differences: string[] = []
    const declared = new Set(datamodel.models.map(tableOf))
    for (const table of db.tables) {
      if (table !== MIGRATIONS_TABLE && !declared.has(table)) differences.push(`table "${table}" exists in the database, but no model declares it`)
    }
    for (const model of datamodel.models) {
      const table = tableOf(model)
      if (!db.tables.includes(table)) {
        differences.push(`model ${model.name}: table "${table}" is missing`)
        continue
      }
      const columns = new Map(db.columns.filter((c) => c.table === table).map((c) => [c.column, c]))
      const scalars = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum')
      for (const field of scalars) {
        const where = `${model.name}.${field.name}`
        const column = columns.get(columnOf(field))
        if (!column) {
          differences.push(`${where}: column "${table}"."${columnOf(field)}" is missing`)
          continue
        }
        const type = typeDifference(field, column, enumsByName)
        if (type) differences.push(`${where}: ${type}`)
        // Prisma creates scalar lists without NOT NULL although the field is "required"; accept either.
        if (!field.isList && column.not_null !== field.isRequired) {
          differences.push(
            `${where}: column is ${column.not_null ? 'NOT NULL' : 'nullable'}, schema.prisma says ${field.isRequired ? 'required' : 'optional (?)'}`,
          )
        }
        const dflt = defaultDifference(field, column, enumsByName)
        if (dflt) differences.push(`${where}: ${dflt}`)
      }
      const declaredColumns = new Set(scalars.map(columnOf))
      for (const column of columns.keys()) {
        if (!declaredColumns.has(column)) differences.push(`${model.name}: column "${table}"."${column}" exists, but schema.prisma declares no such field`)
      }
    }
    expect(differences).toEqual([])
  })

  test('enums: same types, same labels in the same order', () => {
    const differences: string[] = []
    const declared = new Set(datamodel.enums.map((e) => e.dbName ?? e.name))
    for (const e of db.enums) {
      if (!declared.has(e.name)) differences.push(`enum type "${e.name}" exists in the database, but schema.prisma declares no such enum`)
    }
    for (const e of datamodel.enums) {
      const name = e.dbName ?? e.name
      const expected = e.values.map((v) => v.dbName ?? v.name)
      const actual = db.enums.find((x) => x.name === name)
      if (!actual) differences.push(`enum ${e.name}: type "${name}" is missing`)
      else if (!isDeepStrictEqual(actual.labels, expected)) {
        differences.push(`enum ${e.name}: labels are [${actual.labels.join(', ')}], schema.prisma says [${expected.join(', ')}]`)
      }
    }
    expect(differences).toEqual([])
  })

  test('primary keys and unique indexes', () => {
    const differences: string[] = []
    const declaredUniques: { table: string; columns: string[] }[] = []
    for (const model of datamodel.models) {
      const table = tableOf(model)
      const idFields = model.primaryKey?.fields ?? model.fields.filter((f) => f.isId).map((f) => f.name)
      const expectedPk = columnsOf(model, idFields)
      const pk = db.indexes.find((i) => i.table === table && i.primary)
      if (!pk) differences.push(`model ${model.name}: "${table}" has no primary key, schema.prisma says ${show(expectedPk)}`)
      else if (!sameColumns(pk.columns, expectedPk))
        differences.push(`model ${model.name}: primary key is ${show(pk.columns)}, schema.prisma says ${show(expectedPk)}`)

      const uniques = [
        ...model.fields.filter((f) => f.isUnique).map((f) => ({ columns: [columnOf(f)], source: `${f.name} @unique` })),
        ...model.uniqueFields.map((fields) => ({ columns: columnsOf(model, fields), source: `@@unique([${fields.join(', ')}])` })),
      ]
      for (const { columns, source } of uniques) {
        declaredUniques.push({ table, columns })
        const index = db.indexes.find((i) => i.table === table && i.unique && !i.primary && !i.partial && !i.expressions && sameColumns(i.columns, columns))
        if (!index) differences.push(`model ${model.name}: ${source} has no unique index on "${table}"${show(columns)}`)
      }
    }
    for (const index of db.indexes.filter((i) => i.unique && !i.primary)) {
      if (index.name in UNDECLARED_UNIQUE_INDEXES) continue
      const declared = !index.partial && !index.expressions && declaredUniques.some((u) => u.table === index.table && sameColumns(u.columns, index.columns))
      if (!declared) differences.push(`unique index "${index.name}" is not declared in schema.prisma (nor in UNDECLARED_UNIQUE_INDEXES): ${index.definition}`)
    }
    for (const name of Object.keys(UNDECLARED_UNIQUE_INDEXES)) {
      if (!db.indexes.some((i) => i.name === name && i.unique))
        differences.push(`UNDECLARED_UNIQUE_INDEXES lists "${name}", but the database has no such unique index`)
    }
    expect(differences).toEqual([])
  })

  test('plain indexes (@@index)', () => {
    const differences: string[] = []
    const declared = datamodel.indexes
      .filter((i) => i.type === 'normal')
      .map((i) => {
        const model = datamodel.models.find((m) => m.name === i.model)!
        return {
          model: model.name,
          table: tableOf(model),
          columns: columnsOf(
            model,
            i.fields.map((f) => f.name),
          ),
        }
      })
    for (const { model, table, columns } of declared) {
      if (!db.indexes.some((i) => i.table === table && !i.unique && !i.partial && !i.expressions && sameColumns(i.columns, columns))) {
        differences.push(`model ${model}: @@index([${columns.join(', ')}]) has no index on "${table}"${show(columns)}`)
      }
    }
    for (const index of db.indexes.filter((i) => !i.unique && !i.primary)) {
      if (index.name in UNDECLARED_PLAIN_INDEXES) continue
      const isDeclared = !index.partial && !index.expressions && declared.some((d) => d.table === index.table && sameColumns(d.columns, index.columns))
      if (!isDeclared) differences.push(`index "${index.name}" is not declared in schema.prisma (nor in UNDECLARED_PLAIN_INDEXES): ${index.definition}`)
    }
    for (const name of Object.keys(UNDECLARED_PLAIN_INDEXES)) {
      if (!db.indexes.some((i) => i.name === name && !i.unique))
        differences.push(`UNDECLARED_PLAIN_INDEXES lists "${name}", but the database has no such index`)
    }
    expect(differences).toEqual([])
  })

  test('foreign keys: columns, referenced columns, ON DELETE / ON UPDATE', () => {
    const differences: string[] = []
    const signature = (table: string, columns: string[], refTable: string, refColumns: string[]) =>
      `"${table}"${show(columns)} → "${refTable}"${show(refColumns)}`
    const declared = new Set<string>()
    for (const model of datamodel.models) {
      for (const field of model.fields) {
        if (field.kind !== 'object' || !field.relationFromFields?.length) continue
        const target = datamodel.models.find((m) => m.name === field.type)!
        const columns = columnsOf(model, field.relationFromFields)
        const refColumns = columnsOf(target, field.relationToFields ?? [])
        const sig = signature(tableOf(model), columns, tableOf(target), refColumns)
        declared.add(sig)
        const fk = db.foreignKeys.find((k) => signature(k.table, k.columns, k.ref_table, k.ref_columns) === sig)
        const where = `${model.name}.${field.name}`
        if (!fk) {
          differences.push(`${where}: no foreign key ${sig}`)
          continue
        }
        // Prisma's referential-action defaults: Restrict when the relation is required, SetNull when optional; Cascade on update.
        const optional = field.relationFromFields.some((name) => !model.fields.find((f) => f.name === name)?.isRequired)
        const onDelete = field.relationOnDelete ?? (optional ? 'SetNull' : 'Restrict')
        const onUpdate = field.relationOnUpdate ?? 'Cascade'
        if (ACTIONS[fk.on_delete] !== onDelete)
          differences.push(`${where}: foreign key "${fk.name}" is ON DELETE ${ACTIONS[fk.on_delete]}, schema.prisma says ${onDelete}`)
        if (ACTIONS[fk.on_update] !== onUpdate)
          differences.push(`${where}: foreign key "${fk.name}" is ON UPDATE ${ACTIONS[fk.on_update]}, schema.prisma says ${onUpdate}`)
      }
    }
    for (const fk of db.foreignKeys) {
      const sig = signature(fk.table, fk.columns, fk.ref_table, fk.ref_columns)
      if (!declared.has(sig)) differences.push(`foreign key "${fk.name}" ${sig} is not declared by any relation in schema.prisma`)
    }
    expect(differences).toEqual([])
  })

  test('_prisma_migrations has one finished row per migration, with its checksum', async () => {
    const migrations = await readMigrations()
    expect(migrations.length).toBeGreaterThan(0)
    const differences: string[] = []
    for (const m of migrations) {
      const rows = db.migrations.filter((r) => r.migration_name === m.name)
      if (rows.length !== 1) {
        differences.push(`${m.name}: ${rows.length} rows in ${MIGRATIONS_TABLE}, expected 1`)
        continue
      }
      const row = rows[0]!
      if (row.checksum !== m.checksum) differences.push(`${m.name}: checksum ${row.checksum}, but SHA-256 of migration.sql is ${m.checksum}`)
      if (row.finished_at === null) differences.push(`${m.name}: not finished (finished_at is null)`)
      if (row.rolled_back_at !== null) differences.push(`${m.name}: rolled back at ${row.rolled_back_at.toISOString()}`)
    }
    const names = new Set(migrations.map((m) => m.name))
    for (const row of db.migrations) {
      if (!names.has(row.migration_name)) differences.push(`${MIGRATIONS_TABLE} records "${row.migration_name}", which has no directory in prisma/migrations`)
    }
    expect(differences).toEqual([])
  })
})
