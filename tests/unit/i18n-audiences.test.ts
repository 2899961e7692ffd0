/**
 * A learner's page carries only learner messages (DESIGN.md §7; app/i18n/audiences.ts), so
 * every message a learner-facing page can show must be in the learner set: this walks the
 * learner routes and the modules they import, and checks every key they name (t('x.y')) and
 * every namespace they build keys in (t(`x.${…}`)). A key left out would show as its name.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { isLearnerKey, messagesFor, STAFF_ONLY_NAMESPACES } from '#app/i18n/audiences.ts'
import { zhCN } from '#app/i18n/zh-CN.ts'

const LEARNER_ROUTES = /^(_index|c\.|checkin|learn|login|logout|locale|me|password|v\.)/

function learnerModules() {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return
    seen.add(file)
    const src = readFileSync(file, 'utf8')
    for (const m of src.matchAll(/from '#app\/((?:components|utils|domain)\/[^']+)'/g)) {
      const p = `app/${m[1]}`
      visit(/\.tsx?$/.test(p) ? p : `${p}.tsx`)
    }
    for (const m of src.matchAll(/from '\.\/([^']+)'/g)) visit(path.join(path.dirname(file), m[1]!))
  }
  visit('app/root.tsx')
  for (const f of readdirSync('app/routes')) if (LEARNER_ROUTES.test(f) && f.endsWith('.tsx')) visit(`app/routes/${f}`)
  return [...seen].filter((f) => !f.endsWith('.server.ts'))
}

describe('the learner set of messages', () => {
  const modules = learnerModules()
  const named = new Map<string, string>()
  const built = new Map<string, string>()
  for (const file of modules) {
    const src = readFileSync(file, 'utf8')
    for (const m of src.matchAll(/\bt\(\s*'([A-Za-z0-9_.-]+)'/g)) named.set(m[1]!, file)
    for (const m of src.matchAll(/\bt\(\s*`([A-Za-z0-9_-]+)\./g)) built.set(m[1]!, file)
  }

  test('the walk finds the learner pages and the keys they name', () => {
    expect(modules).toContain('app/routes/me.tsx')
    expect(modules).toContain('app/routes/login.tsx')
    expect(named.size).toBeGreaterThan(100)
  })

  test('every key a learner page names is a message in the learner set', () => {
    const learner = messagesFor(zhCN, 'learner')
    const missing = [...named].filter(([key]) => key in zhCN && !(key in learner)).map(([key, file]) => `${key} (${file})`)
    expect(missing).toEqual([])
  })

  test('every namespace a learner page builds keys in is in the learner set', () => {
    const missing = [...built].filter(([ns]) => !isLearnerKey(`${ns}.x`)).map(([ns, file]) => `${ns} (${file})`)
    expect(missing).toEqual([])
  })

  test('staff namespaces stay out, and the set is well under the whole catalog', () => {
    const learner = messagesFor(zhCN, 'learner')
    expect(Object.keys(learner).some((k) => STAFF_ONLY_NAMESPACES.includes(k.split('.')[0]!))).toBe(false)
    expect('dashboard.quarterly' in learner).toBe(false)
    expect('nav.home' in learner && 'error.notFound.title' in learner).toBe(true)
    expect(JSON.stringify(learner).length).toBeLessThan(JSON.stringify(zhCN).length * 0.7)
    expect(messagesFor(zhCN, 'staff')).toBe(zhCN)
  })
})
