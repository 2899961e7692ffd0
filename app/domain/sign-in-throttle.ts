/**
 * Sign-in throttling rules (DESIGN.md §8): per account, growing delays after
 * 5 failures (1, 2, 4 … 300 s); per IP address, a 10-minute block after 10
 * failures within 10 minutes.
 */
export const ACCOUNT_FREE_FAILURES = 4
export const ACCOUNT_MAX_DELAY_SECONDS = 300
/** An account's failure count starts over after a day without failures. */
export const ACCOUNT_FAILURE_MEMORY_SECONDS = 24 * 3600
export const IP_MAX_FAILURES = 10
export const IP_WINDOW_SECONDS = 600
export const IP_BLOCK_SECONDS = 600

/** Seconds an account must wait after its `failures`-th consecutive failure. */
export function accountDelaySeconds(failures: number): number {
  if (failures <= ACCOUNT_FREE_FAILURES) return 0
  return Math.min(ACCOUNT_MAX_DELAY_SECONDS, 2 ** (failures - ACCOUNT_FREE_FAILURES - 1))
}

/** Seconds an IP address is blocked after `failures` failures in the window. */
export function ipBlockSeconds(failures: number): number {
  return failures >= IP_MAX_FAILURES ? IP_BLOCK_SECONDS : 0
}

export function secondsUntil(lockedUntil: Date | null, now: Date): number {
  if (!lockedUntil) return 0
  return Math.max(0, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000))
}
