import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { vitePlugin as remix } from '@remix-run/dev'
import { defineConfig, type Plugin } from 'vite'
import remixOptions from './remix.config.js'

/**
 * The message catalogs stay on the server (DESIGN.md §7: a learner page
 * carries only learner messages, within 90 KB of JavaScript). In the browser's
 * build app/i18n/zh-CN.ts is an empty catalog; the loaders send each page
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

/**
 * The browser's bundle carries no license comments (22 of them, 0.6 KB
 * gzipped on every page, where a learner page has 90 KB in all, DESIGN.md §7):
 * esbuild drops them (`legalComments: 'none'` below) and this writes, beside
 * the assets, /third-party-licenses.txt with each bundled package's name,
 * version, license and whole license text, as webpack's license extraction
 * does. The server build keeps its comments.
 */
function thirdPartyLicenses(): Plugin {
  return {
    name: 'xx-third-party-licenses',
    apply: 'build',
    generateBundle(_options, bundle) {
      if (this.environment.config.build.ssr) return
      const packages = new Set<string>()
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue
        for (const id of chunk.moduleIds) {
          const m = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(id.startsWith('\0') ? id.slice(1) : id)
          if (m && existsSync(path.join(m[1]!, 'package.json'))) packages.add(m[1]!)
        }
      }
      const sections = [...packages].map((dir) => {
        const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string }
        const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f))
        const text = file ? readFileSync(path.join(dir, file), 'utf8').trim() : `License: ${pkg.license ?? 'see the package'}`
        return `${pkg.name} ${pkg.version} (${pkg.license ?? 'unknown'})\n\n${text}\n`
      })
      sections.sort()
      this.emitFile({
        type: 'asset',
        fileName: 'third-party-licenses.txt',
        source: `Third-party software in XiangXue's browser code\n\n${sections.join('\n---\n\n')}`,
      })
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
  plugins: [serverOnlyCatalogs(), thirdPartyLicenses(), remix(remixOptions)],
  // The browser's license comments are in /third-party-licenses.txt instead (thirdPartyLicenses).
  esbuild: isSsrBuild ? {} : { legalComments: 'none' },
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
