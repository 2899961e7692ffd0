import type { LoaderFunctionArgs } from '@remix-run/node'
import { readLessonMedia } from '#app/models/catalog.server.ts'

/**
 * Lesson pictures, recordings and videos: content/media/, and the files
 * uploaded in the lesson editor (u-<hex>…, app/models/lessons.server.ts).
 * Public (lessons are open course material), cached for a week; an SVG can
 * never run script here. A single byte range is answered 206, which phones
 * want to seek in a recording or video.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const file = await readLessonMedia(params.file ?? '')
  if (!file) return new Response('not_found', { status: 404 })
  const headers: Record<string, string> = {
    'Content-Type': file.type,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'public, max-age=604800',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  }
  const size = file.bytes.byteLength
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get('range')?.trim() ?? '')
  if (range && (range[1] || range[2])) {
    // "a-b", "a-" (to the end) or "-n" (the last n bytes).
    let start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]))
    let end = range[1] ? (range[2] ? Math.min(Number(range[2]), size - 1) : size - 1) : size - 1
    if (!range[1] && Number(range[2]) === 0) start = size
    if (start >= size || start > end) return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` } })
    end = Math.min(end, size - 1)
    return new Response(new Uint8Array(file.bytes.subarray(start, end + 1)), {
      status: 206,
      headers: { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(end - start + 1) },
    })
  }
  return new Response(new Uint8Array(file.bytes), { headers: { ...headers, 'Content-Length': String(size) } })
}
