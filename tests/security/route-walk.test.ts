/**
 * Issue 10, "Must show" 2: a walk over every route module (app/routes, as
 * Remix's own flat-routes reader sees them, API endpoints included) that
 * fails when
 *  - a module that reads a request body is not covered by the right entry of
 *    the shared ceiling table (app/utils/body-limit.server.ts, enforced in
 *    front of Remix by app/server/http.ts): a multipart upload needs the
 *    upload ceiling, a body read raw (text, json, arrayBuffer, the stream)
 *    needs an entry of its own, a form or the JSON API at least the default;
 *  - a redirect goes to a value taken from the request (form fields, query,
 *    params, headers) without passing through safeRedirect.
 * It reads the sources with the TypeScript parser (no regular expressions
 * over code): body reads are followed through the functions a route calls,
 * across modules; a redirect target is followed back through the variables
 * it is built from.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { expect, test } from 'vitest'
import { BODY_LIMITS, CEILINGS, bodyLimitFor, type BodyKind } from '#app/utils/body-limit.server.ts'
import remixOptions from '../../remix.config.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const appDir = path.join(root, 'app')

// ─── The sources ─────────────────────────────────────────────────────────────

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (name === 'generated' || name.startsWith('.')) return []
    if (statSync(full).isDirectory()) return walk(full)
    return /\.(ts|tsx)$/.test(name) && !/\.test\.(ts|tsx)$/.test(name) ? [full] : []
  })
}

const files = walk(appDir)
const parsed = new Map(
  files.map((f) => [f, ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true, f.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS)]),
)

/** `#app/x.ts`, `./x.ts`, `../x.ts` → the file, or null for packages. */
function resolveImport(from: string, spec: string): string | null {
  const base = spec.startsWith('#app/') ? path.join(appDir, spec.slice(5)) : spec.startsWith('.') ? path.resolve(path.dirname(from), spec) : null
  if (!base) return null
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) if (parsed.has(candidate)) return candidate
  return null
}

/** Local name → [file, exported name] for every import from app/. */
function importsOf(file: string): Map<string, [string, string]> {
  const map = new Map<string, [string, string]>()
  for (const st of parsed.get(file)!.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue
    const target = resolveImport(file, st.moduleSpecifier.text)
    const bindings = st.importClause?.namedBindings
    if (!target || !bindings || !ts.isNamedImports(bindings)) continue
    for (const el of bindings.elements) map.set(el.name.text, [target, (el.propertyName ?? el.name).text])
  }
  return map
}

/** Top-level functions and consts of a file, by name (`export const action = apiRoute(handler)` included). */
function topLevel(file: string): Map<string, ts.Node> {
  const map = new Map<string, ts.Node>()
  for (const st of parsed.get(file)!.statements) {
    if (ts.isFunctionDeclaration(st) && st.name) map.set(st.name.text, st)
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) map.set(d.name.text, d)
    if (ts.isClassDeclaration(st) && st.name) map.set(st.name.text, st)
  }
  return map
}

// ─── Body reads ──────────────────────────────────────────────────────────────

/**
 * The shared readers, by what they need: each is the one place its kind of
 * body is read, so its callers are classified by it and its own inside is not
 * walked (parseUploadForm reads through a counting stream of its own).
 */
const READERS: Record<string, BodyKind> = { parseUploadForm: 'upload', readUploadForm: 'upload', readJsonBody: 'api' }
type Read = BodyKind | 'raw'

/** Body reads written directly in `node`: request.formData() is a form; any other way of reading the request is raw. */
function directReads(node: ts.Node): Set<Read> {
  const found = new Set<Read>()
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n)) {
      const callee = n.expression
      if (ts.isIdentifier(callee) && callee.text === 'unstable_parseMultipartFormData') found.add('raw')
      if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && /^(request|req)$/.test(callee.expression.text)) {
        const method = callee.name.text
        if (method === 'formData') found.add('form')
        if (['text', 'json', 'arrayBuffer', 'blob', 'bytes', 'on', 'pipe', 'read'].includes(method)) found.add('raw')
      }
    }
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && /^(request|req)$/.test(n.expression.text) && n.name.text === 'body')
      found.add('raw')
    ts.forEachChild(n, visit)
  }
  visit(node)
  return found
}

/** Identifiers used inside `node` (candidate calls of other functions). */
function identifiersIn(node: ts.Node): Set<string> {
  const names = new Set<string>()
  const visit = (n: ts.Node) => {
    if (ts.isIdentifier(n)) names.add(n.text)
    ts.forEachChild(n, visit)
  }
  visit(node)
  return names
}

const readsMemo = new Map<string, Set<Read>>()

/** What the top-level function `name` of `file` reads, itself or through the functions it uses (in its file or imported from app/). */
function readsOf(file: string, name: string, seen = new Set<string>()): Set<Read> {
  const key = `${file}#${name}`
  if (readsMemo.has(key)) return readsMemo.get(key)!
  if (seen.has(key)) return new Set()
  seen.add(key)
  if (READERS[name] && !file.includes('/routes/')) return new Set([READERS[name]!])
  const node = topLevel(file).get(name)
  if (!node) return new Set()
  const result = directReads(node)
  const local = topLevel(file)
  const imports = importsOf(file)
  for (const id of identifiersIn(node)) {
    if (id === name) continue
    if (local.has(id)) for (const r of readsOf(file, id, seen)) result.add(r)
    const imported = imports.get(id)
    if (imported) for (const r of readsOf(imported[0], imported[1], seen)) result.add(r)
  }
  readsMemo.set(key, result)
  return result
}

// ─── Route modules, with their URL patterns ──────────────────────────────────

type RouteEntry = { id: string; file: string; path?: string; index?: boolean; parentId?: string }

async function routeModules(): Promise<{ file: string; url: string }[]> {
  const { flatRoutes } = (await import('@remix-run/dev/dist/config/flat-routes.js')) as unknown as {
    flatRoutes: (appDir: string, ignored: string[]) => Record<string, RouteEntry>
  }
  const manifest = flatRoutes(appDir, remixOptions.ignoredRouteFiles ?? [])
  const fullPath = (r: RouteEntry): string => {
    const parent = r.parentId && r.parentId !== 'root' ? manifest[r.parentId] : undefined
    const own = r.path ?? ''
    return [parent ? fullPath(parent) : '', own].filter(Boolean).join('/')
  }
  return Object.values(manifest).map((r) => ({ file: path.join(appDir, r.file), url: `/${fullPath(r)}` }))
}

/** A concrete path for a pattern: each :param becomes a sample segment, a splat a sample tail. */
const sample = (url: string) => url.replace(/:[A-Za-z0-9_]+/g, 'sample-id').replace(/\/\*$/, '/a/b')

/** The biggest body a route needs, by what it reads. */
function needed(reads: Set<Read>): { kinds: BodyKind[]; explicit: boolean } {
  if (reads.has('upload')) return { kinds: ['upload', 'roster'], explicit: true }
  if (reads.has('raw')) return { kinds: ['upload', 'roster', 'hours-batch', 'api', 'form'], explicit: true }
  if (reads.has('api')) return { kinds: ['api', 'hours-batch'], explicit: false }
  return { kinds: ['form', 'api'], explicit: false }
}

const CATCH_ALLS = new Set(BODY_LIMITS.filter((r) => r.pattern.endsWith('*') && r.pattern.split('/').length <= 3).map((r) => r.pattern))

test('the walk finds the routes it must judge (a walker that sees nothing proves nothing)', async () => {
  const routes = await routeModules()
  expect(routes.length).toBeGreaterThan(60)
  const readers = routes.filter((r) => readsOf(r.file, 'action').size > 0)
  const names = readers.map((r) => r.url)
  for (const known of ['/login', '/locale', '/logout', '/me/self-study', '/me/exemptions', '/coordinator/exemptions', '/api/v1/people', '/api/v1/auth/token']) {
    expect(names, known).toContain(known)
  }
  expect([...readsOf(routes.find((r) => r.url === '/me/self-study')!.file, 'action')]).toContain('upload')
  expect([...readsOf(routes.find((r) => r.url === '/api/v1/people')!.file, 'action')]).toContain('api')
})

test('every route module that reads a body is covered by the shared ceiling table, with a ceiling fit for what it reads', async () => {
  const problems: string[] = []
  for (const { file, url } of await routeModules()) {
    const reads = readsOf(file, 'action')
    if (reads.size === 0) continue
    const rule = bodyLimitFor(sample(url))
    const { kinds, explicit } = needed(reads)
    const rel = path.relative(root, file)
    if (!rule) problems.push(`${rel} (${url}) reads a body [${[...reads]}] and no entry of BODY_LIMITS covers it`)
    else if (!kinds.includes(rule.kind))
      problems.push(`${rel} (${url}) reads [${[...reads]}] but is covered by ${rule.pattern} (${rule.kind}); it needs one of ${kinds}`)
    else if (explicit && CATCH_ALLS.has(rule.pattern))
      problems.push(`${rel} (${url}) reads [${[...reads]}]: it needs an entry of its own in BODY_LIMITS, not the catch-all ${rule.pattern}`)
  }
  expect(problems).toEqual([])
})

test('the ceilings are the ones DESIGN.md §11 settles, and every API path falls under an API entry', () => {
  expect(CEILINGS.form).toBe(64 * 1024)
  expect(CEILINGS.api).toBe(64 * 1024)
  expect(CEILINGS['hours-batch']).toBe(512 * 1024)
  // A 10 MB file (20 MB roster) plus the form fields and multipart framing beside it.
  expect(CEILINGS.upload).toBeGreaterThanOrEqual(10 * 1024 * 1024)
  expect(CEILINGS.upload).toBeLessThanOrEqual(10.5 * 1024 * 1024)
  expect(CEILINGS.roster).toBeGreaterThanOrEqual(20 * 1024 * 1024)
  expect(CEILINGS.roster).toBeLessThanOrEqual(20.5 * 1024 * 1024)
  expect(bodyLimitFor('/api/v1/hours/batch')?.kind).toBe('hours-batch')
  expect(bodyLimitFor('/api/v1/anything/else')?.kind).toBe('api')
  expect(bodyLimitFor('/anything/else')?.kind).toBe('form')
  for (const rule of BODY_LIMITS) expect(rule.maxBytes, rule.pattern).toBe(CEILINGS[rule.kind])
})

// ─── Redirects ───────────────────────────────────────────────────────────────

/** Where a request's own values enter: form data, the query, route params, headers, cookies. */
const SOURCE_PROPERTIES = new Set(['searchParams', 'headers', 'cookies'])
const SOURCE_CALLS = new Set(['formData', 'json', 'text'])
const SOURCE_IDENTIFIERS = new Set(['params'])
const REDIRECTS = new Set(['redirect', 'redirectDocument', 'replace'])

/** A literal that starts with "/" and a character that cannot begin a second slash or a scheme: "/login…", "/me/…". */
function anchored(node: ts.Expression): boolean {
  const text = ts.isStringLiteralLike(node) ? node.text : ts.isTemplateExpression(node) ? node.head.text : null
  return text !== null && /^\/[A-Za-z0-9_~.-]/.test(text) && !/^\/\.\.?(\/|$)/.test(text)
}

/**
 * Whether the value of `node` may be a caller-chosen URL: it comes from a
 * source or a tainted variable and did not pass through safeRedirect. A call
 * to any other function returns its own value (signIn(…) is not the form),
 * except methods called on a tainted value and the pass-through helpers.
 */
function tainted(node: ts.Expression, vars: Set<string>): boolean {
  const t = (n: ts.Expression) => tainted(n, vars)
  if (ts.isStringLiteralLike(node) || ts.isNumericLiteral(node)) return false
  if (ts.isTemplateExpression(node)) return !anchored(node) && node.templateSpans.some((s) => t(s.expression))
  if (ts.isIdentifier(node)) return vars.has(node.text) || SOURCE_IDENTIFIERS.has(node.text)
  if (
    ts.isParenthesizedExpression(node) ||
    ts.isAwaitExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node)
  )
    return t(node.expression)
  if (ts.isConditionalExpression(node)) return t(node.whenTrue) || t(node.whenFalse)
  if (ts.isBinaryExpression(node)) {
    if (node.operatorToken.kind === ts.SyntaxKind.PlusToken) return !anchored(node.left) && (t(node.left) || t(node.right))
    if ([ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.AmpersandAmpersandToken].includes(node.operatorToken.kind))
      return t(node.left) || t(node.right)
    return false
  }
  if (ts.isPropertyAccessExpression(node)) return SOURCE_PROPERTIES.has(node.name.text) || t(node.expression)
  if (ts.isElementAccessExpression(node)) return t(node.expression)
  if (ts.isObjectLiteralExpression(node))
    return node.properties.some((p) =>
      ts.isPropertyAssignment(p)
        ? t(p.initializer)
        : ts.isShorthandPropertyAssignment(p)
          ? vars.has(p.name.text)
          : ts.isSpreadAssignment(p)
            ? t(p.expression)
            : false,
    )
  if (ts.isArrayLiteralExpression(node)) return node.elements.some((e) => t(e))
  if (ts.isNewExpression(node)) {
    const first = node.arguments?.[0]
    return !!first && !anchored(first) && t(first)
  }
  if (ts.isCallExpression(node)) {
    const callee = node.expression
    if (ts.isIdentifier(callee) && callee.text === 'safeRedirect') return false
    if (ts.isPropertyAccessExpression(callee)) {
      if (SOURCE_CALLS.has(callee.name.text)) return true
      // tainted.get('x'), tainted.trim(), url.toString(), schema.safeParse(tainted), Object.fromEntries(tainted)…
      if (t(callee.expression)) return true
      if (['safeParse', 'parse', 'fromEntries', 'parseAsync', 'safeParseAsync'].includes(callee.name.text)) return node.arguments.some((a) => t(a))
      return false
    }
    if (ts.isIdentifier(callee) && ['String', 'decodeURIComponent', 'decodeURI', 'encodeURI', 'parseWithZod', 'parseWith'].includes(callee.text))
      return node.arguments.some((a) => t(a))
    return false
  }
  return false
}

/** Variables (anywhere in the file) whose value may be caller-chosen, to a fixed point. */
function taintedVariables(sf: ts.SourceFile): Set<string> {
  const vars = new Set<string>()
  const decls: ts.VariableDeclaration[] = []
  const visit = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) && n.initializer) decls.push(n)
    ts.forEachChild(n, visit)
  }
  visit(sf)
  const names = (b: ts.BindingName): string[] => (ts.isIdentifier(b) ? [b.text] : b.elements.flatMap((e) => (ts.isBindingElement(e) ? names(e.name) : [])))
  for (let changed = true; changed;) {
    changed = false
    for (const d of decls) {
      if (!tainted(d.initializer!, vars)) continue
      for (const n of names(d.name)) {
        if (vars.has(n)) continue
        vars.add(n)
        changed = true
      }
    }
  }
  return vars
}

/** Redirects in `file` whose target may be caller-chosen, as "file:line: code". */
function unsafeRedirects(file: string): string[] {
  const sf = parsed.get(file)!
  const vars = taintedVariables(sf)
  const found: string[] = []
  const visit = (n: ts.Node) => {
    let target: ts.Expression | undefined
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && REDIRECTS.has(n.expression.text)) target = n.arguments[0]
    // new Response(…, { headers: { Location: x } }) and headers.set('Location', x)
    if (ts.isPropertyAssignment(n) && /^["']?location["']?$/i.test(n.name.getText(sf))) target = n.initializer
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ['set', 'append'].includes(n.expression.name.text)) {
      const [name, value] = n.arguments
      if (name && ts.isStringLiteralLike(name) && name.text.toLowerCase() === 'location') target = value
    }
    if (target && tainted(target, vars)) {
      const { line } = sf.getLineAndCharacterOfPosition(n.getStart(sf))
      found.push(`${path.relative(root, file)}:${line + 1}: ${n.getText(sf).replace(/\s+/g, ' ').slice(0, 120)}`)
    }
    ts.forEachChild(n, visit)
  }
  visit(sf)
  return found
}

test('the redirect check catches what it is for (so that a clean result means something)', () => {
  const probe = (code: string) => {
    const file = path.join(appDir, 'routes', `__probe_${Math.random()}.ts`)
    parsed.set(file, ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS))
    try {
      return unsafeRedirects(file).length
    } finally {
      parsed.delete(file)
    }
  }
  const action = (body: string) =>
    `export async function action({ request, params }) { const form = await request.formData(); const url = new URL(request.url); ${body} }`
  expect(probe(action(`return redirect(String(form.get('redirectTo') ?? '/'))`))).toBe(1)
  expect(probe(action(`const to = url.searchParams.get('next'); return redirect(to ?? '/')`))).toBe(1)
  expect(
    probe(
      action(
        `const to = String(form.get('redirectTo')); const target = /^\\/me/.test(to) ? to : '/me'; const u = new URL(target, 'http://x'); return redirect(\`\${u.pathname}\${u.search}\`)`,
      ),
    ),
  ).toBe(1)
  expect(probe(action(`const p = Schema.safeParse(Object.fromEntries(form)); return redirect(p.data.redirectTo)`))).toBe(1)
  expect(probe(action(`return new Response(null, { status: 302, headers: { Location: form.get('x') } })`))).toBe(1)
  expect(probe(action(`return redirect('/' + form.get('x'))`))).toBe(1)
  // Clean: through safeRedirect, or a fixed path with caller values only after it.
  expect(probe(action(`return redirect(safeRedirect(form.get('redirectTo'), '/'))`))).toBe(0)
  expect(
    probe(
      action(
        `const to = safeRedirect(form.get('redirectTo'), '/me', { within: '/me' }); const u = new URL(to, 'http://x'); u.searchParams.set('a', '1'); return redirect(\`\${u.pathname}\${u.search}\`)`,
      ),
    ),
  ).toBe(0)
  expect(probe(action(`return redirect(\`/coordinator/groups/\${params.groupId}\`)`))).toBe(0)
  expect(probe(action(`const r = await signIn(db, { id: form.get('id') }); return redirect(r.ok ? '/a' : safeRedirect(form.get('to')))`))).toBe(0)
})

test('no module redirects to a caller-given URL without safeRedirect', () => {
  const found = files.flatMap((f) => unsafeRedirects(f))
  expect(found).toEqual([])
})
