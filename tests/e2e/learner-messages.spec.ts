import type { Page } from '@playwright/test'
import { en } from '#app/i18n/en.ts'
import { zhCN } from '#app/i18n/zh-CN.ts'
import { expect, SEED_PASSWORD, signIn, test } from './fixtures.ts'

/**
 * A learner's page brings its own messages (its loader's, app/i18n/page-messages.server.ts):
 * the root sends only the top bar's and the error page's. Walked the way a learner does — a
 * page loaded, then the others reached inside the app, where only the new page's loader runs —
 * every page shows words, never a message's name.
 */
const PAGES = ['/me/records', '/learn', '/me/self-study', '/me/certificates', '/me/notifications', '/me/courses', '/me/exemptions', '/checkin', '/me']
const KEYS = new Set(Object.keys(zhCN))

async function shownKeys(page: Page) {
  const text = await page.locator('body').innerText()
  return [...text.matchAll(/[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+/g)].map((m) => m[0]).filter((k) => KEYS.has(k))
}

/** Navigates inside the app (Remix's router), as a tap on a link does: only the new page's loader runs. */
async function goInside(page: Page, path: string) {
  await page.evaluate((to) => (window as unknown as { __remixRouter: { navigate: (to: string) => Promise<void> } }).__remixRouter.navigate(to), path)
  await expect(page).toHaveURL(path)
  await expect(page.locator('main h1').first()).toBeVisible()
}

test('@phone every learner page reached inside the app shows its words, not message names', async ({ page }) => {
  await signIn(page, 'learner.demo', SEED_PASSWORD)
  await expect(page).toHaveURL('/me')
  expect(await shownKeys(page)).toEqual([])
  for (const path of PAGES) {
    await goInside(page, path)
    expect(await shownKeys(page), path).toEqual([])
  }
  await goInside(page, '/me/records')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(zhCN['records.title'])
})

test('@phone in English too: a learner page loaded and one reached inside the app', async ({ page, context, makeUser }) => {
  const user = await makeUser({ role: 'learner' })
  await signIn(page, user.username, user.password)
  await context.addCookies([{ name: 'xx_locale', value: 'en', url: page.url() }])
  await page.goto('/me/records')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en['records.title'])
  // The longer English top bar still fits the phone: Sign out is wholly on screen, the bell keeps its name.
  const signOut = await page.getByRole('button', { name: en['nav.signOut'] }).boundingBox()
  expect(signOut!.x + signOut!.width).toBeLessThanOrEqual(360)
  await expect(page.getByTestId('notifications-link')).toHaveAccessibleName(en['notifications.nav'])
  expect(await shownKeys(page)).toEqual([])
  await goInside(page, '/learn')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en['learn.title'])
  expect(await shownKeys(page)).toEqual([])
})
