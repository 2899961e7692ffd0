/**
 * `npm start` without an SMS gateway (XX_SMS_URL unset): the demo's SMS go
 * to the local stand-in (app/server/sms-stand-in.ts) on 127.0.0.1, which
 * prints each message, so a sign-in code can be read from the log. Sets
 * XX_SMS_URL / XX_SMS_KEY for the app before the validated env is first read.
 */
import { randomBytes } from 'node:crypto'
import { startSmsStandIn } from './sms-stand-in.ts'

/** XX_SMS_STANDIN_PORT, else PORT + 1 (PORT defaults to 3000). */
export function demoSmsPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.XX_SMS_STANDIN_PORT || String(Number(env.PORT || 3000) + 1)
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`XX_SMS_STANDIN_PORT 无效：${raw}（应为 1–65535 的端口号）`)
  return port
}

/** Starts the stand-in and points the app at it; the function that stops it, or undefined when it could not start. */
export async function startDemoSms(log: (line: string) => void): Promise<(() => Promise<void>) | undefined> {
  // An empty XX_SMS_URL (the e2e server's) means unset, for the validated env as well.
  if (process.env.XX_SMS_URL === '') delete process.env.XX_SMS_URL
  const port = demoSmsPort()
  const key = randomBytes(16).toString('hex')
  try {
    const standIn = await startSmsStandIn({ port, key, signature: process.env.XX_SMS_SIGNATURE || '乡学', log })
    process.env.XX_SMS_URL = standIn.url
    process.env.XX_SMS_KEY = key
    log(
      `未设置 XX_SMS_URL：短信不会真的发出，而是发到本机的模拟短信网关 http://127.0.0.1:${port}。` +
        `每条短信（包括验证码）都会显示在下面的日志里，以「[短信]」开头。正式部署请设置 XX_SMS_URL。`,
    )
    return standIn.close
  } catch (error) {
    log(
      `模拟短信网关无法在 127.0.0.1:${port} 启动（${(error as Error).message}）：短信验证码发不出去。请用 XX_SMS_STANDIN_PORT 换一个端口，或设置 XX_SMS_URL。`,
    )
    return undefined
  }
}
