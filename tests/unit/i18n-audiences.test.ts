/**
 * A learner's page carries only the messages it can show (DESIGN.md §7; app/i18n/audiences.ts):
 * the root's core namespaces, and the namespaces its route names in `withMessages([...])`
 * (app/i18n/page-messages.server.ts). This walks each learner route and the modules it imports
 * (components, utils, domain, and the models its loader reads, whose answers carry keys) and
 * checks that every catalog key they name — in t('x.y'), as a literal such as
 * `{ key: 'x.y' }`, or as a namespace keys are built in (t(`x.${…}`)) — is in what the page
 * gets. A key left out would show as its name.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { CORE_NAMESPACES, messagesFor, namespaceMessages, STAFF_ONLY_NAMESPACES } from '#app/i18n/audiences.ts'
import { zhCN } from '#app/i18n/zh-CN.ts'

const LEARNER_ROUTES = /^(_index|c\.|checkin|learn|login|logout|locale|me|password|v\.)/

function walk(start: string) {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return
    seen.add(file)
    const src = readFileSync(file, 'utf8')
    for (const m of src.matchAll(/from '#app\/((?:components|utils|domain|models)\/[^']+)'/g)) {
      const p = `app/${m[1]}`
      visit(/\.tsx?$/.test(p) ? p : `${p}.tsx`)
    }
    for (const m of src.matchAll(/from '\.\/([^']+)'/g)) visit(path.join(path.dirname(file), m[1]!))
  }
  visit(start)
  return [...seen]
}

const namespaceOf = (key: string) => key.split('.', 1)[0]!

/**
 * The namespaces whose keys the files can show, each with a file that names one: in a module the
 * browser runs, every key it names; in a server module (a model the loader reads), the keys it
 * hands on as data (`{ key: 'x.y' }`), not those it translates itself (t('x.y'): a text by then).
 */
function namespacesNamed(files: string[]) {
  const found = new Map<string, string>()
  for (const file of files) {
    const server = file.endsWith('.server.ts')
    const src = readFileSync(file, 'utf8')
    for (const m of src.matchAll(/(\bt\(\s*)?'([A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+)'/g)) {
      if (m[2]! in zhCN && !(server && m[1])) found.set(namespaceOf(m[2]!), `${m[2]} (${file})`)
    }
    for (const m of src.matchAll(/(\bt\(\s*)?`([A-Za-z0-9_-]+)\.\$\{/g)) if (!(server && m[1])) found.set(m[2]!, `${m[2]}.… (${file})`)
  }
  return found
}

/** What a route file passes to withMessages, or [] when its loader is not wrapped. */
function declared(file: string): string[] {
  const m = /withMessages\(\s*\[([^\]]*)\]/.exec(readFileSync(file, 'utf8'))
  return m ? [...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]!) : []
}

/** The root's own words: the keys its modules translate (not the domain modules' data it never shows). */
const rootNamespaces = new Map<string, string>()
for (const file of walk('app/root.tsx').filter((f) => !f.endsWith('.server.ts'))) {
  for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*['`]([A-Za-z0-9_-]+)\./g)) rootNamespaces.set(m[1]!, `${m[1]}.… (${file})`)
}
const routes = readdirSync('app/routes')
  .filter((f) => LEARNER_ROUTES.test(f) && f.endsWith('.tsx'))
  .map((f) => `app/routes/${f}`)
  // Pages (a resource route or a bare action renders nothing).
  .filter((f) => /^export default/m.test(readFileSync(f, 'utf8')))

describe('the messages a learner page gets', () => {
  test('the root shows only core namespaces', () => {
    const outside = [...rootNamespaces].filter(([ns]) => !CORE_NAMESPACES.includes(ns)).map(([, where]) => where)
    expect(outside).toEqual([])
  })

  test('the walk finds the learner pages and the keys they name', () => {
    expect(routes).toContain('app/routes/me.tsx')
    expect(routes).toContain('app/routes/login.tsx')
    expect(namespacesNamed(walk('app/routes/me.tsx')).size).toBeGreaterThan(5)
  })

  test.each(routes)('%s gets every namespace it can show, and no staff-only one', (file) => {
    const gets = new Set([...CORE_NAMESPACES, ...declared(file)])
    const missing = [...namespacesNamed(walk(file))].filter(([ns]) => !gets.has(ns) && !STAFF_ONLY_NAMESPACES.includes(ns)).map(([, where]) => where)
    expect(missing).toEqual([])
    expect(declared(file).filter((ns) => STAFF_ONLY_NAMESPACES.includes(ns))).toEqual([])
  })

  test("a route's error boundary shows only core namespaces (it renders without its loader's data)", () => {
    const outside: string[] = []
    for (const file of readdirSync('app/routes').map((f) => `app/routes/${f}`)) {
      const src = readFileSync(file, 'utf8')
      const start = src.indexOf('export function ErrorBoundary')
      if (start < 0) continue
      const body = src.slice(start, src.indexOf('\n}\n', start))
      for (const m of body.matchAll(/\bt\(\s*['`]([A-Za-z0-9_-]+)\./g)) if (!CORE_NAMESPACES.includes(m[1]!)) outside.push(`${m[1]} (${file})`)
    }
    expect(outside).toEqual([])
  })

  test('staff get the whole catalog; the others the core namespaces, and a page far less than the catalog', () => {
    expect(messagesFor(zhCN, 'staff')).toBe(zhCN)
    const learner = messagesFor(zhCN, 'learner')
    expect(Object.keys(learner).every((k) => CORE_NAMESPACES.includes(namespaceOf(k)))).toBe(true)
    expect('nav.home' in learner && 'error.notFound.title' in learner).toBe(true)
    const records = namespaceMessages(zhCN, declared('app/routes/me_.records.tsx'))
    expect('records.title' in records && !('home.readAloud.start' in records)).toBe(true)
    expect(JSON.stringify({ ...learner, ...records }).length).toBeLessThan(JSON.stringify(zhCN).length * 0.1)
    // A staff namespace asked for by mistake is still not sent.
    expect(Object.keys(namespaceMessages(zhCN, ['dashboard', 'records'])).some((k) => namespaceOf(k) === 'dashboard')).toBe(false)
  })
})
