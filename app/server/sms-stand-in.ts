/**
 * A local stand-in for the SMS gateway (app/utils/sms.server.ts), for
 * `npm start`'s demo and for tests: it checks the key, the signature and the
 * template code like a real provider, keeps what it was sent, and prints each
 * message (so a demo sign-in code can be read from the log). GET /messages
 * lists what it received (newest last), `?phone=` filters.
 * Never used in production: there XX_SMS_URL points at the real provider.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isSmsTemplateId, missingSmsParams, renderSmsText, SMS_TEMPLATES, type SmsTemplateId } from '#app/domain/sms-templates.ts'
import { templateCodeFor, type SmsGatewayConfig } from '#app/utils/sms.server.ts'

export type ReceivedSms = { phone: string; template: SmsTemplateId; params: Record<string, string>; outId: string; text: string; at: string }

export type SmsStandIn = {
  url: string
  config: SmsGatewayConfig
  received: ReceivedSms[]
  /** The next `n` sends answer 500 (a gateway having a bad moment). */
  failNext(n: number): void
  /** How many requests arrived, failed ones included. */
  attempts(): number
  close(): Promise<void>
}

async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new Error('too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export async function startSmsStandIn(
  opts: {
    port?: number
    key?: string
    signature?: string
    log?: (line: string) => void
    /** Answer each send after this many ms (a slow gateway, for crash tests). */ delayMs?: number
  } = {},
): Promise<SmsStandIn> {
  const key = opts.key ?? 'stand-in-key'
  const signature = opts.signature ?? '乡学'
  const codeToTemplate = new Map((Object.keys(SMS_TEMPLATES) as SmsTemplateId[]).map((t) => [templateCodeFor({ templateCodes: {} }, t), t]))
  const received: ReceivedSms[] = []
  let failures = 0
  let attempts = 0
  const answer = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(body))
  }
  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://stand-in')
      if (req.method === 'GET' && url.pathname === '/messages') {
        const phone = url.searchParams.get('phone')
        const outId = url.searchParams.get('outId')
        return answer(
          res,
          200,
          received.filter((m) => (!phone || m.phone === phone) && (!outId || m.outId === outId)),
        )
      }
      if (req.method !== 'POST') return answer(res, 404, { code: 'NotFound' })
      attempts++
      if (req.headers.authorization !== `Bearer ${key}`) return answer(res, 401, { code: 'InvalidAccessKeyId', message: 'bad key' })
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs))
      const body = JSON.parse(await readBody(req)) as {
        phoneNumbers?: string
        signName?: string
        templateCode?: string
        templateParam?: Record<string, string>
        outId?: string
      }
      if (failures > 0) {
        failures--
        return answer(res, 500, { code: 'InternalError', message: 'stand-in failure' })
      }
      if (body.signName !== signature) return answer(res, 400, { code: 'isv.SMS_SIGNATURE_ILLEGAL', message: 'unknown signature' })
      const template = codeToTemplate.get(body.templateCode ?? '')
      if (!template || !isSmsTemplateId(template)) return answer(res, 400, { code: 'isv.SMS_TEMPLATE_ILLEGAL', message: 'unknown template' })
      const params = body.templateParam ?? {}
      if (missingSmsParams(template, params).length > 0) return answer(res, 400, { code: 'isv.TEMPLATE_MISSING_PARAMETERS' })
      if (!/^1[3-9]\d{9}$/.test(body.phoneNumbers ?? '')) return answer(res, 400, { code: 'isv.MOBILE_NUMBER_ILLEGAL' })
      const message: ReceivedSms = {
        phone: body.phoneNumbers!,
        template,
        params,
        outId: body.outId ?? '',
        text: `【${signature}】${renderSmsText(template, params)}`,
        at: new Date().toISOString(),
      }
      received.push(message)
      opts.log?.(`[短信] ${message.phone} ${message.text}`)
      return answer(res, 200, { code: 'OK', bizId: `standin-${received.length}` })
    } catch {
      return answer(res, 400, { code: 'InvalidParameter' })
    }
  })
  // A port already taken rejects (npm start says so) instead of crashing the process with an unhandled 'error'.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}/send`
  return {
    url,
    config: { url, key, signature, templateCodes: {}, queryUrl: `http://127.0.0.1:${port}/messages` },
    received,
    failNext: (n) => {
      failures = n
    },
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
