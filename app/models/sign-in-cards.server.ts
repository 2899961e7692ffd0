/**
 * Printed sign-in cards (issue 17, DESIGN.md §8, §11 "Accounts and
 * contact"): a coordinator prints a card for one learner or teacher account,
 * or a class's or round's cards at once; the card's QR code opens
 * `/c/<id>.<secret>`, a page naming the learner (masked) with one 登录
 * button, and only that POST signs in.
 *
 * - The secret is 160 random bits (base32); only SHA-256(secret) is stored,
 *   compared in constant time after a look-up by the card's id.
 * - One card in force per account (a partial unique index): printing revokes
 *   the card in force in the same transaction (reprint = revoke + new). A
 *   lost card is revoked with a reason, which also ends the sessions started
 *   from a card. Every card issued or revoked is audited.
 * - Never for staff: an account holding coordinator, bureau or admin is
 *   refused (or, in a group print, skipped) with a Chinese reason.
 * - Acting rule: a group in the caller's scope as for enrolling
 *   (findGroupInScope), one person as the person page (findPersonInScope).
 * - Card sign-in is throttled per address on wrong tokens (LoginThrottle)
 *   and audited (auth.sign_in, method card); the session records its method.
 */
import { sha256 } from '@oslojs/crypto/sha2'
import { constantTimeEqual } from '@oslojs/crypto/subtle'
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding'
import { createSession, type SessionRecord } from '#app/auth/session.server.ts'
import { maskName } from '#app/domain/names.ts'
import { PEOPLE_MANAGERS, SELF_ROLES, STAFF_ROLES, type RoleName } from '#app/domain/roles.ts'
import { CARD_IP_WINDOW_SECONDS, CARD_SECRET_BYTES, cardGroupLine, cardIpBlockSeconds, cardShortId, parseCardToken } from '#app/domain/sign-in-card.ts'
import type { T } from '#app/i18n/index.ts'
import { isUniqueViolation, type Db, type Tx } from '#app/utils/db.server.ts'
import { getPublicOrigin } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/ids.server.ts'
import { findPersonInScope, scopesFor, type CurrentUser } from './access.server.ts'
import { recordAudit } from './audit.server.ts'
import { AppError, NotFoundError, type AppErrorKind } from './errors.server.ts'
import { findGroupInScope } from './groups.server.ts'
import { claim, release, type ThrottleRule } from './login-throttle.server.ts'
import { renderCardsPdf, type PrintableCard } from './sign-in-card-pdf.server.ts'

/** Who prints and revokes cards: the staff who enroll people. */
export const CARD_PRINTERS: readonly RoleName[] = PEOPLE_MANAGERS

/** Why a person gets no card. */
export type CardSkipReason = 'no_account' | 'staff' | 'not_learner' | 'disabled'

/** Refusals, each with a Chinese (or English) sentence for the coordinator. */
export class SignInCardError extends AppError {
  constructor(readonly code: CardSkipReason | 'no_card' | 'reason_required' | 'busy' | 'no_learners') {
    super(code)
    this.name = 'SignInCardError'
  }
  get kind(): AppErrorKind {
    return this.code === 'reason_required' ? 'validation_failed' : 'conflict'
  }
  get field() {
    return this.code === 'reason_required' ? 'reason' : undefined
  }
  describe(t: T) {
    return t(`cards.error.${this.code}`)
  }
}

function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret))
}

/** The URL a card's QR code opens: the public origin (never the request's Host), the card id and its secret. */
export function cardUrl(cardId: string, secret: string): string {
  return `${getPublicOrigin()}/c/${cardId}.${secret}`
}

// ---------------------------------------------------------------- status

export type CardStatus = { active: boolean; issuedAt: Date | null; lastUsedAt: Date | null; shortId: string | null }

/** The card in force of an account, for the person page: whether there is one, when it was printed and last used. */
export async function cardStatusFor(db: Db | Tx, userId: string): Promise<CardStatus> {
  const card = await db.signInCard.findFirst({ where: { userId, revokedAt: null }, select: { id: true, createdAt: true, lastUsedAt: true } })
  return card
    ? { active: true, issuedAt: card.createdAt, lastUsedAt: card.lastUsedAt, shortId: cardShortId(card.id) }
    : { active: false, issuedAt: null, lastUsedAt: null, shortId: null }
}

/**
 * The person page's card panel: the person (in the caller's reach), whether
 * a card may be printed for their account (or why not), and the card in force.
 */
export async function personCardOverview(db: Db, user: CurrentUser, personId: unknown) {
  const person = await findPersonInScope(db, user, personId, CARD_PRINTERS, { id: true, name: true, user: { select: HOLDER_SELECT } })
  const u = person.user
  const refusal = cardRefusal({ userId: u?.id ?? null, disabled: u?.disabled ?? false, roles: u?.roles.map((r) => r.role) ?? [] })
  const status = u ? await cardStatusFor(db, u.id) : { active: false, issuedAt: null, lastUsedAt: null, shortId: null }
  return { person: { id: person.id, name: person.name }, refusal, status }
}

// ---------------------------------------------------------------- issuing

type Holder = { userId: string | null; disabled: boolean; roles: RoleName[] }

/** Why this account may not hold a card, or null when it may: staff never, only learners and teachers, not disabled. */
function cardRefusal(h: Holder): CardSkipReason | null {
  if (!h.userId) return 'no_account'
  if (h.roles.some((r) => STAFF_ROLES.includes(r))) return 'staff'
  if (!h.roles.some((r) => SELF_ROLES.includes(r))) return 'not_learner'
  if (h.disabled) return 'disabled'
  return null
}

const HOLDER_SELECT = { id: true, disabled: true, roles: { select: { role: true } } } as const

type Actor = { id: string; ip?: string | null }

/**
 * Revokes the account's card in force (if any) and issues a new one, inside
 * the caller's transaction; both audited. Returns the new card's id and the
 * secret (never stored: it exists only on the printed card).
 */
async function issueInTx(tx: Tx, opts: { userId: string; actor: Actor; scopePath: string | null; now: Date; via: 'person' | 'group'; groupId?: string }) {
  const old = await tx.signInCard.findFirst({ where: { userId: opts.userId, revokedAt: null }, select: { id: true } })
  if (old) {
    await tx.signInCard.update({ where: { id: old.id }, data: { revokedAt: opts.now, revokedById: opts.actor.id, revokeReason: 'reprinted' } })
    await recordAudit(tx, {
      actorId: opts.actor.id,
      action: 'card.revoked',
      entityType: 'SignInCard',
      entityId: old.id,
      after: { userId: opts.userId, reason: 'reprinted' },
      ip: opts.actor.ip,
      scopePath: opts.scopePath,
    })
  }
  const id = newId()
  const secret = encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(CARD_SECRET_BYTES)))
  await tx.signInCard.create({
    data: { id, userId: opts.userId, secretHash: Buffer.from(hashSecret(secret)), createdById: opts.actor.id, createdAt: opts.now },
  })
  await recordAudit(tx, {
    actorId: opts.actor.id,
    action: 'card.issued',
    entityType: 'SignInCard',
    entityId: id,
    after: { userId: opts.userId, via: opts.via, groupId: opts.groupId, replaced: old?.id ?? null },
    ip: opts.actor.ip,
    scopePath: opts.scopePath,
  })
  return { id, secret }
}

/** Runs a printing transaction (long enough for a few hundred cards); two prints racing for one account: 'busy'. */
async function printing<R>(db: Db, work: (tx: Tx) => Promise<R>): Promise<R> {
  try {
    return await db.$transaction(work, { timeout: 120_000, maxWait: 10_000 })
  } catch (error) {
    if (isUniqueViolation(error)) throw new SignInCardError('busy')
    throw error
  }
}

export type PrintedCards = { pdf: Uint8Array; fileName: { utf8: string; ascii: string }; issued: number; skipped: SkippedPerson[] }
export type SkippedPerson = { personId: string; name: string; reason: CardSkipReason }

/** The names of a person's active classes and rounds, newest first. */
async function activeGroupNames(db: Db | Tx, personId: string) {
  const rows = await db.enrollment.findMany({
    where: { personId, status: 'active' },
    orderBy: { startDate: 'desc' },
    select: { group: { select: { name: true } } },
  })
  return rows.map((r) => r.group.name)
}

/**
 * Prints one person's card (the person page): the person in the caller's
 * reach, their account a learner's or teacher's; the card in force is
 * revoked and a new one issued, in one transaction; the PDF is the one card.
 */
export async function printPersonCard(db: Db, user: CurrentUser, personId: unknown, opts: { ip?: string | null; now?: Date } = {}): Promise<PrintedCards> {
  const now = opts.now ?? new Date()
  const person = await findPersonInScope(db, user, personId, CARD_PRINTERS, {
    id: true,
    name: true,
    region: { select: { path: true } },
    user: { select: HOLDER_SELECT },
  })
  const refusal = cardRefusal({ userId: person.user?.id ?? null, disabled: person.user?.disabled ?? false, roles: person.user?.roles.map((r) => r.role) ?? [] })
  if (refusal) throw new SignInCardError(refusal)
  const userId = person.user!.id
  const groupLine = cardGroupLine(await activeGroupNames(db, person.id))
  return printing(db, async (tx) => {
    const card = await issueInTx(tx, { userId, actor: { id: user.id, ip: opts.ip }, scopePath: person.region.path, now, via: 'person' })
    const printable: PrintableCard = { url: cardUrl(card.id, card.secret), name: person.name, groupLine, shortId: cardShortId(card.id) }
    const pdf = await renderCardsPdf([printable], { title: `学习卡 ${person.name}`, creationDate: now })
    return { pdf, fileName: { utf8: `学习卡-${person.name}.pdf`, ascii: `card-${cardShortId(card.id)}.pdf` }, issued: 1, skipped: [] }
  })
}

const GROUP_SELECT = { id: true, code: true, name: true, region: { select: { path: true } } } as const

/** Who in a class or round would get a card, and who not (and why): the print page's preview. */
export async function groupCardPlan(db: Db | Tx, user: CurrentUser, groupId: string) {
  const group = await findGroupInScope(db, scopesFor(user, CARD_PRINTERS), groupId, GROUP_SELECT)
  if (!group) throw new NotFoundError('group')
  const enrollments = await db.enrollment.findMany({
    where: { groupId: group.id, status: 'active' },
    orderBy: [{ person: { name: 'asc' } }, { personId: 'asc' }],
    select: {
      person: {
        select: {
          id: true,
          name: true,
          region: { select: { path: true } },
          user: { select: { ...HOLDER_SELECT, cards: { where: { revokedAt: null }, select: { id: true } } } },
        },
      },
    },
  })
  const cards: { personId: string; userId: string; name: string; scopePath: string; hasCard: boolean }[] = []
  const skipped: SkippedPerson[] = []
  const seen = new Set<string>()
  for (const { person } of enrollments) {
    if (seen.has(person.id)) continue
    seen.add(person.id)
    const u = person.user
    const refusal = cardRefusal({ userId: u?.id ?? null, disabled: u?.disabled ?? false, roles: u?.roles.map((r) => r.role) ?? [] })
    if (refusal) skipped.push({ personId: person.id, name: person.name, reason: refusal })
    else cards.push({ personId: person.id, userId: u!.id, name: person.name, scopePath: person.region.path, hasCard: u!.cards.length > 0 })
  }
  return { group, cards, skipped, inForce: cards.filter((c) => c.hasCard).length }
}

/**
 * Prints a class's or round's cards: one for every active enrollment whose
 * person has a learner's or teacher's account, in name order; persons
 * without one are listed as skipped. All in one transaction (old cards
 * revoked, new ones issued, each audited); the PDF is rendered inside it, so
 * a failure leaves the old cards in force.
 */
export async function printGroupCards(db: Db, user: CurrentUser, groupId: string, opts: { ip?: string | null; now?: Date } = {}): Promise<PrintedCards> {
  const now = opts.now ?? new Date()
  const plan = await groupCardPlan(db, user, groupId)
  if (plan.cards.length === 0) throw new SignInCardError('no_learners')
  return printing(db, async (tx) => {
    const printable: PrintableCard[] = []
    for (const c of plan.cards) {
      const card = await issueInTx(tx, {
        userId: c.userId,
        actor: { id: user.id, ip: opts.ip },
        scopePath: c.scopePath,
        now,
        via: 'group',
        groupId: plan.group.id,
      })
      printable.push({ url: cardUrl(card.id, card.secret), name: c.name, groupLine: plan.group.name, shortId: cardShortId(card.id) })
    }
    const pdf = await renderCardsPdf(printable, { title: `学习卡 ${plan.group.name}`, creationDate: now })
    return { pdf, fileName: { utf8: `学习卡-${plan.group.name}.pdf`, ascii: `cards-${plan.group.code}.pdf` }, issued: printable.length, skipped: plan.skipped }
  })
}

/**
 * Revokes a person's card in force (a lost card), with a reason; the
 * sessions begun from a card end with it (whoever found the card is signed
 * out). Audited. 'no_card' when none is in force.
 */
export async function revokePersonCard(db: Db, user: CurrentUser, personId: unknown, opts: { reason: string; ip?: string | null; now?: Date }) {
  const now = opts.now ?? new Date()
  const reason = opts.reason.trim()
  if (!reason || reason.length > 200) throw new SignInCardError('reason_required')
  const person = await findPersonInScope(db, user, personId, CARD_PRINTERS, { id: true, region: { select: { path: true } }, user: { select: { id: true } } })
  if (!person.user) throw new SignInCardError('no_card')
  const userId = person.user.id
  await db.$transaction(async (tx) => {
    const card = await tx.signInCard.findFirst({ where: { userId, revokedAt: null }, select: { id: true } })
    if (!card) throw new SignInCardError('no_card')
    await tx.signInCard.update({ where: { id: card.id }, data: { revokedAt: now, revokedById: user.id, revokeReason: reason } })
    const ended = await tx.session.deleteMany({ where: { userId, method: 'card' } })
    await recordAudit(tx, {
      actorId: user.id,
      action: 'card.revoked',
      entityType: 'SignInCard',
      entityId: card.id,
      after: { userId, reason, sessionsEnded: ended.count },
      ip: opts.ip,
      scopePath: person.region.path,
    })
  })
}

// ---------------------------------------------------------------- signing in

export type CardView = { maskedName: string; groupLine: string }

export type CardCheck = { ok: true; view: CardView } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'locked'; retryAfterSeconds: number }

const ipRule = (ip: string): ThrottleRule => ({ key: `card-ip:${ip}`, memorySeconds: CARD_IP_WINDOW_SECONDS, delayFor: cardIpBlockSeconds })

/** The card of a token when it is well-formed, known, in force (secret compared in constant time), and its account may use it. */
async function cardOfToken(db: Db | Tx, token: string) {
  const parsed = parseCardToken(token)
  if (!parsed) return { card: null, knownId: null }
  const card = await db.signInCard.findUnique({
    where: { id: parsed.id },
    select: {
      id: true,
      secretHash: true,
      revokedAt: true,
      user: { select: { ...HOLDER_SELECT, mustChangePassword: true, person: { select: { id: true, name: true, region: { select: { path: true } } } } } },
    },
  })
  if (!card || !constantTimeEqual(hashSecret(parsed.secret), new Uint8Array(card.secretHash))) return { card: null, knownId: null }
  const usable =
    !card.revokedAt && !cardRefusal({ userId: card.user.id, disabled: card.user.disabled, roles: card.user.roles.map((r) => r.role) }) && card.user.person
  return usable ? { card, knownId: card.id } : { card: null, knownId: card.id }
}

/**
 * Checks a token behind the per-address throttle: the try is claimed first
 * (a waiting address is refused before the card is looked up), a good card
 * gives the try back.
 */
async function throttled<R>(
  db: Db,
  ip: string,
  now: Date,
  check: () => Promise<R | null>,
): Promise<{ ok: true; value: R } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'locked'; retryAfterSeconds: number }> {
  const rule = ipRule(ip)
  const claimed = await claim(db, [rule], now)
  if (!claimed.ok) return { ok: false, reason: 'locked', retryAfterSeconds: claimed.retryAfterSeconds }
  let value: R | null
  try {
    value = await check()
  } catch (error) {
    await release(db, rule)
    throw error
  }
  if (value === null)
    return claimed.delaySeconds > 0 ? { ok: false, reason: 'locked', retryAfterSeconds: claimed.delaySeconds } : { ok: false, reason: 'invalid' }
  await release(db, rule)
  return { ok: true, value }
}

/** What the card page shows for a token (masked name, class or round), or why not. Signs nobody in. */
export async function previewCard(db: Db, opts: { token: string; ip: string; now?: Date }): Promise<CardCheck> {
  const now = opts.now ?? new Date()
  const result = await throttled(db, opts.ip, now, async () => {
    const { card } = await cardOfToken(db, opts.token)
    if (!card) return null
    const person = card.user.person!
    return { maskedName: maskName(person.name), groupLine: cardGroupLine(await activeGroupNames(db, person.id)) }
  })
  return result.ok ? { ok: true, view: result.value } : result
}

export type CardSignIn =
  | { ok: true; token: string; session: SessionRecord; userId: string; mustChangePassword: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number }

/**
 * Signs in with a card (the 登录 button's POST): a session with method
 * 'card', User.lastSignInAt and the card's lastUsedAt set, audited
 * (auth.sign_in, method card). A wrong, revoked or unusable card counts
 * against the address and is audited as a failed sign-in.
 */
export async function signInWithCard(db: Db, opts: { token: string; ip: string; userAgent?: string | null; now?: Date }): Promise<CardSignIn> {
  const now = opts.now ?? new Date()
  let refusedCardId: string | null = null
  const result = await throttled(db, opts.ip, now, async () => {
    const { card, knownId } = await cardOfToken(db, opts.token)
    refusedCardId = card ? null : knownId
    return card
  })
  if (!result.ok) {
    await recordAudit(db, {
      actorId: null,
      action: result.reason === 'locked' ? 'auth.sign_in_throttled' : 'auth.sign_in_failed',
      entityType: 'SignInCard',
      entityId: refusedCardId,
      after: { method: 'card', ...(result.reason === 'locked' ? { retryAfterSeconds: result.retryAfterSeconds } : { known: refusedCardId !== null }) },
      ip: opts.ip,
    })
    return result
  }
  const card = result.value
  const user = card.user
  const scopePath = user.person?.region.path ?? null
  const created = await db.$transaction(async (tx) => {
    const session = await createSession(tx, {
      userId: user.id,
      roles: user.roles.map((r) => r.role),
      ip: opts.ip,
      userAgent: opts.userAgent,
      now,
      method: 'card',
    })
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now } })
    await tx.signInCard.update({ where: { id: card.id }, data: { lastUsedAt: now } })
    await recordAudit(tx, {
      actorId: user.id,
      action: 'auth.sign_in',
      entityType: 'User',
      entityId: user.id,
      after: { method: 'card', cardId: card.id },
      ip: opts.ip,
      scopePath,
    })
    return session
  })
  return { ok: true, token: created.token, session: created.session, userId: user.id, mustChangePassword: user.mustChangePassword }
}
