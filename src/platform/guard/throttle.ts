/**
 * Login throttling rules, pure functions of the failure history and `now`.
 * Slow down, never lock: during the voting window a permanent lock would let anyone who
 * knows an identifier keep its voter from voting. And slow down per network, never the
 * account as a whole: an account-wide backoff let one attacker who knows an identifier keep
 * its voter out (every try of the voter's landed in the attacker's wait). Each network — an
 * IPv4 address, an IPv6 /64, and with a wider allowance its /48 (network.ts) — has its own
 * failures on each account, so a voter on a network that has not failed gets in at once.
 */
import { WIDE_FACTOR } from './network';

export const FREE_FAILURES = 5;
export const FREE_WINDOW_MS = 15 * 60_000;
export const MAX_DELAY_MS = 5 * 60_000;
export const HOURLY_CAP = 100;
export const HOUR_MS = 60 * 60_000;
/**
 * How long a login attempt let through counts as a failure while its password is checked
 * (one PBKDF2 and a read: milliseconds). A request that dies meanwhile frees its place then.
 */
export const LOGIN_RESERVATION_MS = 10_000;

export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

/** How many failures a network may make on one account before and while it is slowed down. */
export interface LoginLimits {
  free: number;
  freeWindowMs: number;
  maxDelayMs: number;
  hourlyCap: number;
}

/** One network (an IPv4 address, an IPv6 /64) on one account. */
export const NETWORK_LIMITS: LoginLimits = {
  free: FREE_FAILURES,
  freeWindowMs: FREE_WINDOW_MS,
  maxDelayMs: MAX_DELAY_MS,
  hourlyCap: HOURLY_CAP,
};

/** A whole IPv6 /48 on one account: as much as WIDE_FACTOR networks. */
export const WIDE_LIMITS: LoginLimits = {
  free: FREE_FAILURES * WIDE_FACTOR,
  freeWindowMs: FREE_WINDOW_MS,
  maxDelayMs: MAX_DELAY_MS,
  hourlyCap: HOURLY_CAP * WIDE_FACTOR,
};

/**
 * May an attempt be made at `now`, given the times of recent failures (oldest first)?
 * The first 5 failures in 15 minutes are free; after that each attempt waits 2ⁿ seconds
 * after the last failure (n = failures beyond the free ones, at most 5 minutes); never more
 * than 100 failures per hour.
 */
export function loginVerdict(failures: readonly number[], now: number, limits: LoginLimits = NETWORK_LIMITS): Verdict {
  const lastHour = failures.filter((t) => t > now - HOUR_MS);
  if (lastHour.length >= limits.hourlyCap) {
    return { ok: false, retryAfterMs: lastHour[lastHour.length - limits.hourlyCap]! + HOUR_MS - now };
  }
  const recent = lastHour.filter((t) => t > now - limits.freeWindowMs);
  if (recent.length < limits.free) return { ok: true };
  const n = recent.length - limits.free + 1;
  const delay = Math.min(2 ** n * 1000, limits.maxDelayMs);
  const readyAt = recent[recent.length - 1]! + delay;
  return now >= readyAt ? { ok: true } : { ok: false, retryAfterMs: readyAt - now };
}

/** The later of several verdicts: an attempt goes on only if every one lets it. */
export function strictest(verdicts: readonly Verdict[]): Verdict {
  let wait = 0;
  for (const v of verdicts) if (!v.ok) wait = Math.max(wait, v.retryAfterMs);
  return wait > 0 ? { ok: false, retryAfterMs: wait } : { ok: true };
}

/**
 * A fixed allowance per sliding window: `limit` hits per `windowMs`.
 * Returns the verdict for one more hit given earlier hits (oldest first).
 */
export function windowVerdict(hits: readonly number[], limit: number, windowMs: number, now: number): Verdict {
  const inWindow = hits.filter((t) => t > now - windowMs);
  if (inWindow.length < limit) return { ok: true };
  return { ok: false, retryAfterMs: inWindow[inWindow.length - limit]! + windowMs - now };
}
