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

test.each<[string, string, number, string | null, number]>([
  ['the first 10 bytes', 'bytes=0-9', 206, 'bytes 0-9/', 10],
  ['from byte 5 to the end', 'bytes=5-', 206, 'bytes 5-', -5],
  ['the last 4 bytes', 'bytes=-4', 206, null, 4],
  ['past the end', 'bytes=999999-', 416, 'bytes */', 0],
])('a range request (%s) is answered with that part', async (_name, range, status, contentRange, length) => {
  const whole = await (await get('public-signs.svg')).arrayBuffer()
  const res = await media.loader({
    request: new Request('http://localhost/lesson-media/public-signs.svg', { headers: { range } }),
    params: { file: 'public-signs.svg' },
    context: {},
  } as never)
  expect(res.status).toBe(status)
  if (contentRange) expect(res.headers.get('content-range')).toContain(contentRange)
  if (status === 206) {
    const body = new Uint8Array(await res.arrayBuffer())
    expect(body.byteLength).toBe(length > 0 ? length : whole.byteLength + length)
    expect(res.headers.get('content-range')).toMatch(new RegExp(`/${whole.byteLength}$`))
  }
})
