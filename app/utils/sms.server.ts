/**
 * The SMS adapter (DESIGN.md §5, §11): a client for an HTTP gateway shaped
 * like the Chinese SMS services — a registered signature (短信签名) and a
 * pre-approved template code with parameters, never free text. Sign-in
 * codes and reminders both send through `sendSms`.
 *
 * Request:  POST XX_SMS_URL, `Authorization: Bearer XX_SMS_KEY`,
 *           { phoneNumbers, signName, templateCode, templateParam, outId }
 * Answer:   200 { code: "OK", bizId } — anything else is a failure; 5xx,
 *           429 and network errors are worth retrying, a refusal (4xx or a
 *           non-OK code) is not.
 */
import { isSmsTemplateId, missingSmsParams, type SmsTemplateId } from '#app/domain/sms-templates.ts'
import { getEnv } from './env.server.ts'

export type SmsMessage = {
  phone: string
  template: SmsTemplateId
  params: Record<string, string>
  /** Our id of this message (the provider's outId): lets the gateway and the logs match a retry to its first try. */
  outId: string
}

export type SmsResult = { ok: true; providerId: string } | { ok: false; retryable: boolean; error: string }

export type SmsGatewayConfig = {
  url: string
  key: string
  signature: string
  templateCodes: Partial<Record<SmsTemplateId, string>>
  /** GET ?phone=&outId= → the messages the gateway accepted with that outId (JSON array); optional. */
  queryUrl?: string
}

/** The provider's template code for one of our templates (configured, else the template id upper-cased). */
export function templateCodeFor(config: Pick<SmsGatewayConfig, 'templateCodes'>, template: SmsTemplateId): string {
  return config.templateCodes[template] ?? `XX_${template.toUpperCase()}`
}

/** The gateway configured in the environment, or null when SMS is not set up (codes and reminders then say so). */
export function smsConfigFromEnv(): SmsGatewayConfig | null {
  const env = getEnv()
  if (!env.XX_SMS_URL) return null
  const codes: Partial<Record<SmsTemplateId, string>> = {}
  for (const [k, v] of Object.entries(env.XX_SMS_TEMPLATE_CODES ?? {})) if (isSmsTemplateId(k)) codes[k] = v
  return { url: env.XX_SMS_URL, key: env.XX_SMS_KEY ?? '', signature: env.XX_SMS_SIGNATURE, templateCodes: codes, queryUrl: env.XX_SMS_QUERY_URL }
}

/**
 * Did the gateway accept a message with this outId? Asked only after a crash
 * between sending and recording the answer. 'unknown' when the gateway has no
 * look-up or does not answer.
 */
export async function smsAccepted(
  outId: string,
  phone: string,
  config: SmsGatewayConfig | null = smsConfigFromEnv(),
  timeoutMs = 5000,
): Promise<'yes' | 'no' | 'unknown'> {
  if (!config?.queryUrl) return 'unknown'
  try {
    const url = new URL(config.queryUrl)
    url.searchParams.set('phone', phone)
    url.searchParams.set('outId', outId)
    const response = await fetch(url, { headers: { Authorization: `Bearer ${config.key}` }, signal: AbortSignal.timeout(timeoutMs) })
    if (!response.ok) return 'unknown'
    const list = (await response.json()) as { outId?: string }[]
    return Array.isArray(list) && list.some((m) => m.outId === outId) ? 'yes' : 'no'
  } catch {
    return 'unknown'
  }
}

/** Sends one templated SMS; never throws for a gateway failure (the result says whether to retry). */
export async function sendSms(message: SmsMessage, config: SmsGatewayConfig | null = smsConfigFromEnv(), timeoutMs = 5000): Promise<SmsResult> {
  if (!config) return { ok: false, retryable: false, error: 'sms_not_configured' }
  const missing = missingSmsParams(message.template, message.params)
  if (missing.length > 0) return { ok: false, retryable: false, error: `missing parameters: ${missing.join(', ')}` }
  let response: Response
  try {
    response = await fetch(config.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${config.key}` },
      body: JSON.stringify({
        phoneNumbers: message.phone,
        signName: config.signature,
        templateCode: templateCodeFor(config, message.template),
        templateParam: message.params,
        outId: message.outId,
      }),
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    return { ok: false, retryable: true, error: `network: ${(error as Error).message}` }
  }
  const body = (await response.json().catch(() => null)) as { code?: string; bizId?: string; message?: string } | null
  if (response.ok && body?.code === 'OK') return { ok: true, providerId: body.bizId ?? '' }
  const retryable = response.status >= 500 || response.status === 429
  return { ok: false, retryable, error: `${response.status} ${body?.code ?? ''} ${body?.message ?? ''}`.trim() }
}
