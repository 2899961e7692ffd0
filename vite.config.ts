import { vitePlugin as remix } from '@remix-run/dev'
import { defineConfig, type Plugin } from 'vite'
import remixOptions from './remix.config.js'

/**
 * The message catalogs stay on the server (DESIGN.md §7: a learner page
 * carries only learner messages, within 90 KB of JavaScript). In the browser's
 * build app/i18n/zh-CN.ts is an empty catalog; the root loader sends each page
 * the messages of its audience (app/i18n/audiences.ts). The server build, the
 * workers and vitest (its own config) import the real file.
 */
function serverOnlyCatalogs(): Plugin {
  const id = '\0xx-client-catalog'
  return {
    name: 'xx-server-only-catalogs',
    enforce: 'pre',
    resolveId(source, importer, options) {
      if (options?.ssr || !importer) return null
      if (source === './zh-CN.ts' && /[\\/]app[\\/]i18n[\\/]index\.ts$/.test(importer.split('?')[0]!)) return id
      return null
    },
    load(loaded) {
      return loaded === id ? 'export const zhCN = {}' : null
    },
  }
}

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true
  }
}

/** Small pure modules nearly every page imports, React itself (jsx-runtime was a chunk of its own), Vite's preload helper and the learner's icons and 朗读 button: one chunk instead of nine requests (≤ 10 a page, DESIGN.md §7). */
const SHARED =
  /[\\/]app[\\/](i18n[\\/](index|audiences|features[\\/]boot)\.ts|utils[\\/](i18n|format)\.ts|domain[\\/](time|progress-display|requirements)\.ts)$/

export default defineConfig(({ isSsrBuild }) => ({
  plugins: [serverOnlyCatalogs(), remix(remixOptions)],
  build: {
    cssMinify: true,
    // Learners are on cheap phones: keep chunks small and say so when they are not.
    chunkSizeWarningLimit: 200,
    rollupOptions: isSsrBuild
      ? {}
      : {
          output: {
            manualChunks: (id: string) =>
              SHARED.test(id) || /[\\/]node_modules[\\/]react[\\/]|vite[\\/]preload-helper|[\\/]app[\\/]components[\\/](icons|read-aloud)\.tsx$/.test(id)
                ? 'shared'
                : undefined,
          },
        },
  },
  server: { port: 3000 },
}))
