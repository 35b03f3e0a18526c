/**
 * Password renewal rules, pure functions of plain data.
 */
import type { Translate } from '../../i18n';

/**
 * New passwords by SMS per voter and per day: an SMS costs money and each one ends the
 * voter's current password, so a few a day at most.
 */
export const REQUEST_LIMIT = 3;
export const REQUEST_WINDOW_MS = 24 * 60 * 60_000;
/** The subject counting a voter's requests in the voter's VoterGuard object. */
export const REQUEST_SUBJECT = 'renewal-request:password';

/** A wait as the voter reads it: minutes under two hours, hours beyond. */
export function waitText(ms: number, t: Translate): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return minutes < 120 ? t('login.minutes', { n: minutes }) : t('login.hours', { n: Math.ceil(minutes / 60) });
}
