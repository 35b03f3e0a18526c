/**
 * Identifier renewal rules, pure functions of plain data.
 */
import { HOUR_MS } from '../../platform/guard/throttle';

/** E-mails with a renewal link per voter and per hour (each one voids the previous link). */
export const REQUEST_LIMIT = 3;
export const REQUEST_WINDOW_MS = HOUR_MS;
/** The subject counting a voter's requests in the voter's AccessState object. */
export const REQUEST_SUBJECT = 'renewal-request:identifier';

/** The address typed on Écran 2, as compared: trimmed and case-insensitive. */
export function canonicalEmail(address: string): string {
  return address.trim().normalize('NFC').toLowerCase();
}

/** Does the typed address match the registered one? */
export function sameEmail(typed: string, registered: string): boolean {
  return canonicalEmail(typed) === canonicalEmail(registered);
}
