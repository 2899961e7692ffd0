import { vitePlugin as remix } from '@remix-run/dev'
import { defineConfig } from 'vite'
import remixOptions from './remix.config.js'

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true
  }
}

export default defineConfig({
  plugins: [remix(remixOptions)],
  build: {
    cssMinify: true,
    // Learners are on cheap phones: keep chunks small and say so when they are not.
    chunkSizeWarningLimit: 200,
  },
  server: { port: 3000 },
})
