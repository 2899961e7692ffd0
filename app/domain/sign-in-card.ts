/**
 * Printed sign-in cards (issue 17): the shape of a card's token and the
 * throttle on wrong ones. A card carries "<id>.<secret>" in its QR code
 * (`/c/<id>.<secret>`): the id is a row id (120 bits, base32, 24 characters),
 * the secret 160 random bits (base32, 32 characters); only SHA-256(secret) is
 * stored.
 */

/** Random bytes of a card's secret: 160 bits, 32 base32 characters. */
export const CARD_SECRET_BYTES = 20

const TOKEN = /^([a-z2-7]{24})\.([a-z2-7]{32})$/

/** The id and secret of a well-formed card token, else null (refused before any query). */
export function parseCardToken(token: unknown): { id: string; secret: string } | null {
  if (typeof token !== 'string' || token.length > 80) return null
  const m = TOKEN.exec(token)
  return m ? { id: m[1]!, secret: m[2]! } : null
}

/** What the card shows as its number: the first 8 characters of its id, upper case, in two groups ("ABCD-EFGH"). */
export function cardShortId(cardId: string): string {
  const s = cardId.slice(0, 8).toUpperCase()
  return `${s.slice(0, 4)}-${s.slice(4)}`
}

/**
 * Per address, wrong card tokens (unknown, revoked, malformed) are counted;
 * after 20 within 10 minutes the address waits 10 minutes. More lenient than
 * the password throttle: a village hall shares one address, and a class
 * scanning its old cards after a reprint should not lock the hall out.
 */
export const CARD_IP_MAX_FAILURES = 20
export const CARD_IP_WINDOW_SECONDS = 600
export const CARD_IP_BLOCK_SECONDS = 600

export function cardIpBlockSeconds(failures: number): number {
  return failures >= CARD_IP_MAX_FAILURES ? CARD_IP_BLOCK_SECONDS : 0
}

/** 张三 and 2026级种植班: who a card is for, and where they learn, as the card page shows it. */
export function cardGroupLine(groupNames: readonly string[]): string {
  return [...new Set(groupNames)].join('、')
}
