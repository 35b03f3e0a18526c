/**
 * Login throttling rules, pure functions of the failure history and `now`.
 * Slow down, never lock: during the voting window a permanent lock would let anyone who
 * knows an identifier keep its voter from voting.
 */

export const FREE_FAILURES = 5;
export const FREE_WINDOW_MS = 15 * 60_000;
export const MAX_DELAY_MS = 5 * 60_000;
export const HOURLY_CAP = 100;
export const HOUR_MS = 60 * 60_000;

export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * May an attempt be made at `now`, given the times of recent failures (oldest first)?
 * The first 5 failures in 15 minutes are free; after that each attempt waits 2ⁿ seconds
 * after the last failure (n = failures beyond the free ones, at most 5 minutes); never more
 * than 100 failures per hour.
 */
export function loginVerdict(failures: readonly number[], now: number): Verdict {
  const lastHour = failures.filter((t) => t > now - HOUR_MS);
  if (lastHour.length >= HOURLY_CAP) {
    return { ok: false, retryAfterMs: lastHour[lastHour.length - HOURLY_CAP]! + HOUR_MS - now };
  }
  const recent = lastHour.filter((t) => t > now - FREE_WINDOW_MS);
  if (recent.length < FREE_FAILURES) return { ok: true };
  const n = recent.length - FREE_FAILURES + 1;
  const delay = Math.min(2 ** n * 1000, MAX_DELAY_MS);
  const readyAt = recent[recent.length - 1]! + delay;
  return now >= readyAt ? { ok: true } : { ok: false, retryAfterMs: readyAt - now };
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
