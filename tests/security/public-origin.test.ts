/**
 * Finding 2, the origin half, and DESIGN.md §11 "Public origin": signed and
 * printed URLs never come from the request's Host. getPublicOrigin() is the
 * one source: XX_PUBLIC_URL's origin, else http://localhost:PORT with a
 * start-up warning that links on certificates only work on this machine.
 * Nothing about a request goes in, so nothing a client sends can change it.
 */
import { afterEach, expect, test } from 'vitest'
import { getPublicOrigin, publicOriginWarning, resetEnvCache } from '#app/utils/env.server.ts'

const saved = { XX_PUBLIC_URL: process.env.XX_PUBLIC_URL, PORT: process.env.PORT }

afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  resetEnvCache()
})

function set(env: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  resetEnvCache()
}

test('XX_PUBLIC_URL sets the origin (a trailing slash or path-less form alike)', () => {
  set({ XX_PUBLIC_URL: 'https://xx.ceheng.gov.cn/' })
  expect(getPublicOrigin()).toBe('https://xx.ceheng.gov.cn')
  expect(publicOriginWarning()).toBeNull()
  set({ XX_PUBLIC_URL: 'https://xx.ceheng.gov.cn:8443' })
  expect(getPublicOrigin()).toBe('https://xx.ceheng.gov.cn:8443')
})

test('unset: http://localhost:PORT, and a warning in Chinese that certificate links only work on this machine', () => {
  set({ XX_PUBLIC_URL: undefined, PORT: '3111' })
  expect(getPublicOrigin()).toBe('http://localhost:3111')
  expect(publicOriginWarning()).toMatch(/XX_PUBLIC_URL/)
  expect(publicOriginWarning()).toMatch(/本机/)
})

test.each(['ftp://xx.example', 'https://xx.example/app', 'https://xx.example/?a=1', 'https://user:pw@xx.example', 'xx.example'])(
  'XX_PUBLIC_URL=%s is refused at boot (an origin over http or https, nothing more)',
  (value) => {
    set({ XX_PUBLIC_URL: value })
    expect(() => getPublicOrigin()).toThrow(/XX_PUBLIC_URL/)
  },
)
