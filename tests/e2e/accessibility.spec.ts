/**
 * Issue 13, Must show 4: axe-core on the learner's pages at 360×740 (and on the desktop):
 * sign-in, home, a lesson, self-study, certificates, check-in. No serious or critical violations.
 */
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect, SEED_PASSWORD, signIn, test } from './fixtures.ts'

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }))
}

test('the learner’s pages have no serious or critical accessibility violations', async ({ page }) => {
  test.setTimeout(90_000)
  await page.goto('/login')
  expect(await seriousViolations(page), '/login').toEqual([])

  await signIn(page, 'learner.demo', SEED_PASSWORD)
  await expect(page).toHaveURL('/me')
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
  expect(await seriousViolations(page), '/me').toEqual([])

  await page.goto('/learn')
  expect(await seriousViolations(page), '/learn').toEqual([])
  const href = await page.getByTestId('lesson-item').first().getByRole('link').getAttribute('href')
  await page.goto(href!)
  await expect(page.getByRole('button', { name: '学完了' })).toBeVisible()
  expect(await seriousViolations(page), href!).toEqual([])

  for (const path of ['/me/self-study', '/me/certificates', '/checkin']) {
    await page.goto(path)
    expect(await seriousViolations(page), path).toEqual([])
  }
})
