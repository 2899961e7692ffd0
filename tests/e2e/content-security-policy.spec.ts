/**
 * Issue 10 "Must show" 3 (finding 13): every HTML page carries a
 * Content-Security-Policy with a per-request nonce, and in a real browser it
 * blocks nothing the app needs: each role's pages load, hydrate (Remix's
 * router is up) and navigate on the client, with no policy violation reported.
 */
import type { Page } from '@playwright/test'
import { expect, SEED_PASSWORD, signIn, test } from './fixtures.ts'

/** Records every CSP violation the page reports, from before its first script runs. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = []
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text())
  })
  await page.exposeFunction('__reportCsp', (line: string) => seen.push(line))
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      ;(window as unknown as { __reportCsp: (s: string) => void }).__reportCsp(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`)
    })
  })
  return seen
}

async function hydrated(page: Page) {
  await page.waitForFunction(() => Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter))
}

const accounts = [
  { username: 'coord.county', home: '/coordinator', visit: ['/coordinator/courses', '/coordinator/exemptions'] },
  { username: 'learner.demo', home: '/me', visit: ['/me/courses', '/me/records', '/me/self-study'] },
  { username: 'admin', home: '/admin', visit: ['/audit'] },
  { username: 'bureau.county', home: '/bureau', visit: ['/bureau/household-export'] },
]

test('the sign-in page has the policy, hydrates and reports no violation', async ({ page }) => {
  const violations = await watchViolations(page)
  const response = await page.goto('/login')
  const csp = response!.headers()['content-security-policy'] ?? ''
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/)
  expect(csp).toContain("object-src 'none'")
  await hydrated(page)
  expect(violations).toEqual([])
})

for (const account of accounts) {
  test(`${account.username}: pages load, hydrate and navigate with the policy on, no script blocked`, async ({ page }) => {
    const violations = await watchViolations(page)
    await signIn(page, account.username, SEED_PASSWORD)
    await expect(page).toHaveURL(account.home)
    await hydrated(page)
    for (const url of account.visit) {
      const response = await page.goto(url)
      expect(response!.status(), url).toBe(200)
      expect(response!.headers()['content-security-policy'], url).toContain("'nonce-")
      expect(response!.headers()['cache-control'], url).toBe('no-store')
      await hydrated(page)
    }
    // A client-side navigation: only a running, hydrated app does this without a document request.
    let documents = 0
    page.on('request', (r) => {
      if (r.resourceType() === 'document') documents++
    })
    await page.getByRole('link', { name: '乡学' }).click()
    await expect(page).toHaveURL(account.home)
    expect(documents).toBe(0)
    expect(violations).toEqual([])
  })
}
