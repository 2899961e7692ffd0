/*
 * 乡学's service worker (issue 13, DESIGN.md §11 "Service worker"). Plain JS, served as is from public/ (no build
 * step); app/server/http.ts sends it with `Cache-Control: no-cache` and `Service-Worker-Allowed: /`, and app/root.tsx
 * registers it after `load`.
 *
 * What it keeps, and nothing else:
 * - the app shell: the built /assets/* files (JS, CSS), cache-first — their names carry a content hash, so a cached
 *   file is never stale;
 * - the lessons the learner opened: GET documents under /learn/lessons/ and their pictures under /lesson-media/,
 *   network-first with the cache as fallback, so an opened lesson reads offline. When a lesson is stored, the
 *   /assets/ and /lesson-media/ files its HTML names are stored with it, so it also hydrates offline.
 * A response marked `Cache-Control: no-store` (the home and every other personal page, loader data, sign-in cards) is
 * never stored. Other documents go to the network; offline they get a small page with links to the stored lessons.
 * Signing in or out (a POST to /login or /logout) empties the lesson cache: a shared phone does not show one
 * learner's lessons to the next.
 *
 * Cache names carry VERSION, bumped by hand when this file changes what it stores or how. Hand-bumped rather than
 * derived from the build on purpose: the shell entries are content-hashed (a new build adds new names, it never
 * changes what an old name means), so a forgotten bump can only leave unused files behind, never serve a wrong one;
 * and any edit to this file makes the browser install the new worker, whose `activate` drops caches of other
 * versions. The shell cache is also trimmed to its newest SHELL_LIMIT entries, so old builds' files do not pile up.
 */
const VERSION = 'v1'
const SHELL = `xx-shell-${VERSION}`
const LESSONS = `xx-lessons-${VERSION}`
const SHELL_LIMIT = 120

const LESSON_PAGE = /^\/learn\/lessons\/[^/.]+\/?$/

self.addEventListener('install', () => {
  self.skipWaiting()
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('xx-') && name !== SHELL && name !== LESSONS) await caches.delete(name)
      }
      await self.clients.claim()
    })(),
  )
})

/** Stored only when whole, from this origin, and not marked no-store. */
function storable(response) {
  return response.ok && response.type === 'basic' && !/no-store/i.test(response.headers.get('Cache-Control') || '')
}

async function trim(cacheName, limit) {
  const cache = await caches.open(cacheName)
  const keys = await cache.keys()
  for (const key of keys.slice(0, Math.max(0, keys.length - limit))) await cache.delete(key)
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL)
  const hit = await cache.match(request)
  if (hit) return hit
  const response = await fetch(request)
  if (storable(response)) {
    await cache.put(request, response.clone())
    trim(SHELL, SHELL_LIMIT).catch(() => {})
  }
  return response
}

/** The /assets/ and /lesson-media/ files a stored lesson names, stored too (quietly: a miss only costs offline looks). */
async function storeLinkedFiles(html) {
  const urls = new Set()
  for (const m of html.matchAll(/(?:href|src)="(\/(?:assets|lesson-media)\/[^"?#]+)"/g)) urls.add(m[1])
  for (const url of urls) {
    const cacheName = url.startsWith('/assets/') ? SHELL : LESSONS
    const cache = await caches.open(cacheName)
    if (await cache.match(url)) continue
    try {
      const response = await fetch(url, { credentials: 'same-origin' })
      if (storable(response)) await cache.put(url, response)
    } catch {
      return
    }
  }
}

async function lessonPage(event) {
  const url = new URL(event.request.url)
  const key = url.origin + url.pathname
  const cache = await caches.open(LESSONS)
  try {
    const response = await fetch(event.request)
    if (storable(response) && !response.redirected && /^text\/html\b/i.test(response.headers.get('Content-Type') || '')) {
      await cache.put(key, response.clone())
      event.waitUntil(
        response
          .clone()
          .text()
          .then(storeLinkedFiles)
          .catch(() => {}),
      )
    }
    return response
  } catch {
    const hit = await cache.match(key)
    if (hit) return hit
    return offlinePage()
  }
}

async function lessonMedia(request) {
  const cache = await caches.open(LESSONS)
  try {
    const response = await fetch(request)
    if (storable(response)) await cache.put(request, response.clone())
    return response
  } catch (error) {
    const hit = await cache.match(request)
    if (hit) return hit
    throw error
  }
}

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])

/** "No network": links to the lessons stored here, titled as their pages are. */
async function offlinePage() {
  const cache = await caches.open(LESSONS)
  const items = []
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname
    if (!LESSON_PAGE.test(path)) continue
    const response = await cache.match(request)
    const html = response ? await response.text() : ''
    const title = (/<title>([^<]*)<\/title>/.exec(html)?.[1] || '课程').replace(/ · [^·]*$/, '')
    items.push(`<li><a href="${escapeHtml(path)}">${title}</a></li>`)
  }
  const body = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="#1f6f50"><title>没有网络 · 乡学</title>
<style>body{margin:0;font:18px/1.6 system-ui,sans-serif;color:#1c2430;background:#f6f7f9}main{max-width:40rem;margin:0 auto;padding:1rem}
.card{background:#fff;border:1px solid #dfe3e8;border-radius:10px;padding:1rem}a{color:#1f6f50;display:inline-block;min-height:48px;line-height:48px}</style>
</head><body><main><div class="card" role="alert"><h1>没有网络</h1><p>没有网络。已打开过的课程可以离线阅读。</p>
${items.length ? `<ul data-testid="offline-lessons">${items.join('')}</ul>` : '<p>这台手机上还没有存下的课程。</p>'}
<p><a href="">联网后点这里重试</a></p></div></main></body></html>`
  return new Response(body, {
    status: 503,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'",
    },
  })
}

self.addEventListener('fetch', (event) => {
  const request = event.request
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  if (request.method !== 'GET') {
    // Signing in or out: the next person on this phone does not get the last one's lessons.
    if (request.method === 'POST' && /^\/(?:login|logout)(?:\.data)?$/.test(url.pathname)) event.waitUntil(caches.delete(LESSONS))
    return
  }
  if (url.pathname.startsWith('/assets/')) return event.respondWith(cacheFirst(request))
  if (url.pathname.startsWith('/lesson-media/')) return event.respondWith(lessonMedia(request))
  if (request.mode !== 'navigate') return
  if (LESSON_PAGE.test(url.pathname)) return event.respondWith(lessonPage(event))
  event.respondWith(fetch(request).catch(() => offlinePage()))
})
