// The Remix options, in one place. With Remix 2 on Vite this module is not read
// by a compiler of its own: vite.config.ts imports it and hands it to the
// Remix Vite plugin (see docs/decisions/001-remix-2-on-vite.md).

/** @type {import('@remix-run/dev').VitePluginConfig} */
export default {
  appDirectory: 'app',
  buildDirectory: 'build',
  serverModuleFormat: 'esm',
  // Flat routes in app/routes, minus tests and server-only helpers.
  ignoredRouteFiles: ['**/*.test.{ts,tsx}', '**/*.server.{ts,tsx}', '**/.*'],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
}
