import type { LoaderFunctionArgs } from '@remix-run/node'
import { readLessonMedia } from '#app/models/catalog.server.ts'

/**
 * Lesson pictures and recordings from content/media/ (public: lessons are
 * open course material). Cached for a week; an SVG can never run script here.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const file = await readLessonMedia(params.file ?? '')
  if (!file) return new Response('not_found', { status: 404 })
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      'Content-Type': file.type,
      'Content-Length': String(file.bytes.byteLength),
      'Cache-Control': 'public, max-age=604800',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  })
}
