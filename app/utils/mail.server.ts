/**
 * Email for reminders: SMTP through nodemailer (XX_SMTP_URL, XX_MAIL_FROM).
 * Unset XX_SMTP_URL: no email is sent (deliveries are skipped, not failed).
 * A 4xx answer or a network error is worth retrying; a 5xx refusal is not.
 */
import nodemailer, { type Transporter } from 'nodemailer'
import { getEnv } from './env.server.ts'

export type MailResult = { ok: true; providerId: string } | { ok: false; retryable: boolean; error: string }

const cache = new Map<string, Transporter>()

function transport(url: string): Transporter {
  let t = cache.get(url)
  if (!t) {
    const u = new URL(url)
    t = nodemailer.createTransport({
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 587)),
      secure: u.protocol === 'smtps:',
      auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
      // A local relay without TLS (tests, an intranet relay) is allowed; STARTTLS is used when offered.
      ignoreTLS: u.searchParams.get('tls') === 'off',
      connectionTimeout: 5000,
      greetingTimeout: 5000,
      socketTimeout: 10_000,
    })
    cache.set(url, t)
  }
  return t
}

/** The mail sender configured in the environment, or null. */
export function mailerFromEnv(): ((m: { to: string; subject: string; text: string; messageId: string }) => Promise<MailResult>) | null {
  const env = getEnv()
  if (!env.XX_SMTP_URL) return null
  const url = env.XX_SMTP_URL
  const from = env.XX_MAIL_FROM
  return (m) => sendMail(url, from, m)
}

export async function sendMail(url: string, from: string, m: { to: string; subject: string; text: string; messageId: string }): Promise<MailResult> {
  try {
    const host = (() => {
      try {
        return new URL(url).hostname || 'localhost'
      } catch {
        return 'localhost'
      }
    })()
    const info = await transport(url).sendMail({ from, to: m.to, subject: m.subject, text: m.text, messageId: `<${m.messageId}@${host}>` })
    return { ok: true, providerId: info.messageId ?? '' }
  } catch (error) {
    const e = error as { responseCode?: number; message: string }
    const code = e.responseCode
    return { ok: false, retryable: code === undefined || (code >= 400 && code < 500), error: `${code ?? 'network'} ${e.message}`.slice(0, 500) }
  }
}
