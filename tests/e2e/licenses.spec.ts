import { expect, test } from './fixtures.ts'

/**
 * The browser's scripts carry no license comments (vite.config.ts: they cost
 * 0.6 KB on every learner page); the licenses are served beside them instead,
 * each bundled package with its own license text.
 */
test('@desktop the scripts a page loads carry no license comments, and /third-party-licenses.txt has each package and its text', async ({ page, request }) => {
  const scripts: string[] = []
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script') scripts.push(r.url())
  })
  await page.goto('/login', { waitUntil: 'networkidle' })
  expect(scripts.length).toBeGreaterThan(1)
  for (const url of scripts) expect(await (await request.get(url)).text(), url).not.toMatch(/@license|Copyright \(c\)/)

  const licenses = await request.get('/third-party-licenses.txt')
  expect(licenses.status()).toBe(200)
  const text = await licenses.text()
  for (const name of ['react', 'react-dom', '@remix-run/react', '@remix-run/router', 'scheduler'])
    expect(text).toMatch(new RegExp(`^${name} \\d+\\.\\d+\\.\\d+ \\(MIT\\)$`, 'm'))
  expect(text).toContain('Copyright (c) Meta Platforms, Inc. and affiliates.')
  expect(text).toContain('Permission is hereby granted, free of charge')
})
