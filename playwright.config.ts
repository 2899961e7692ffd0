import { defineConfig, devices } from '@playwright/test'

/**
 * End-to-end tests in Debian's Chromium (/usr/bin/chromium; never a
 * downloaded browser), at a phone viewport and a desktop one. `npm test`
 * prepares an empty database (XX_E2E_DATABASE_URL) and the production build;
 * the web server migrates and seeds it like `npm start` does.
 */
const PORT = Number(process.env.XX_E2E_PORT ?? 3111)
/** The e2e server's SMS stand-in (app/server/demo-sms.ts): tests read codes from GET /messages?phone= (tests/e2e/fixtures.ts smsCodeFor). */
const SMS_STANDIN_PORT = Number(process.env.XX_E2E_SMS_PORT ?? PORT + 1)
const databaseUrl = process.env.XX_E2E_DATABASE_URL ?? process.env.DATABASE_URL

const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
}

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [['list'], ['json']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    launchOptions: chromium,
  },
  projects: [
    {
      name: 'phone',
      grepInvert: /@desktop/,
      use: { ...devices['Pixel 5'], viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, launchOptions: chromium },
    },
    {
      name: 'desktop',
      grepInvert: /@phone/,
      use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, launchOptions: chromium },
    },
  ],
  webServer: {
    command: 'node node_modules/tsx/dist/cli.mjs app/server/start.ts',
    url: `http://localhost:${PORT}/healthz`,
    timeout: 300_000, // a fresh database is migrated and seeded first; generous for a busy CI machine
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      ...(process.env as Record<string, string>),
      PORT: String(PORT),
      NODE_ENV: 'production',
      // Lets a test present another client address (X-Forwarded-For) to the per-IP throttle.
      XX_TRUST_PROXY: 'loopback',
      // Test uploads stay out of the demo's .data/uploads.
      XX_UPLOAD_DIR: process.env.XX_UPLOAD_DIR ?? 'tests/.tmp/e2e-uploads',
      // The e2e server's in-process workers use their own Redis keys (not a dev server's `xx` queues).
      XX_QUEUE_PREFIX: process.env.XX_QUEUE_PREFIX ?? `xxe2e${PORT}`,
      // SMS go to the stand-in on a fixed port, never to a gateway configured in the calling shell.
      XX_SMS_URL: '',
      XX_SMS_STANDIN_PORT: String(SMS_STANDIN_PORT),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
  },
})
