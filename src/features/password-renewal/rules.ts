/**
 * Password renewal rules, pure functions of plain data.
 */

/**
 * New passwords by SMS per voter and per day: an SMS costs money and each one ends the
 * voter's current password, so a few a day at most.
 */
export const REQUEST_LIMIT = 3;
export const REQUEST_WINDOW_MS = 24 * 60 * 60_000;
/** The subject counting a voter's requests in the voter's AccessState object. */
export const REQUEST_SUBJECT = 'renewal-request:password';
