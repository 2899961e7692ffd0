/** Lesson pictures are served from content/media/ by name only, cached, and can never run script. */
import { expect, test } from 'vitest'
import * as media from '#app/routes/lesson-media.$file.ts'

const get = (file: string) => media.loader({ request: new Request(`http://localhost/lesson-media/${file}`), params: { file }, context: {} } as never)

test('a lesson picture is served with its type, a week of caching and a sandbox', async () => {
  const res = await get('public-signs.svg')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('image/svg+xml')
  expect(res.headers.get('cache-control')).toBe('public, max-age=604800')
  expect(res.headers.get('content-security-policy')).toContain('sandbox')
  expect(await res.text()).toContain('<svg')
})

test.each(['../README.md', '..%2FREADME.md', 'catalog', 'missing.svg', 'x.exe', '.hidden.svg'])('%s is not found', async (file) => {
  expect((await get(file)).status).toBe(404)
})
