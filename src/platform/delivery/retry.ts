/**
 * The retry policy of the DELIVERY consumer.
 *
 * The queue runtime hands a message over at most `max_retries + 1` times, then moves it to the
 * dead-letter queue. The consumer decides before that: on a retryable answer it asks for
 * another attempt after an exponential backoff; on the last attempt it records `failed` and
 * acknowledges, so the dead-letter queue only receives what the consumer could not handle
 * at all (a crash, D1 unavailable).
 */

/** Mirrors `max_retries` of the DELIVERY consumers in wrangler.toml (a test checks it). */
export const MAX_RETRIES = 5;
/** How many times the runtime hands a message over (`msg.attempts` counts from 1). */
export const MAX_ATTEMPTS = MAX_RETRIES + 1;
/** First delay (the runtime's own `retry_delay` only applies when the consumer throws). */
export const BASE_DELAY_SECONDS = 5;
/** No single wait longer than this, whatever the provider asks: a link lives one hour. */
export const MAX_DELAY_SECONDS = 300;

/**
 * Seconds to wait before the next attempt after attempt number `attempts` failed:
 * 5, 10, 20, 40, 80 … capped; a provider's Retry-After is honoured up to the cap.
 */
export function backoffSeconds(attempts: number, retryAfter?: number): number {
  const exponential = BASE_DELAY_SECONDS * 2 ** Math.max(0, attempts - 1);
  return Math.min(MAX_DELAY_SECONDS, Math.max(exponential, retryAfter ?? 0));
}

/** Whether attempt number `attempts` is the last one the runtime will make. */
export function isLastAttempt(attempts: number): boolean {
  return attempts >= MAX_ATTEMPTS;
}
