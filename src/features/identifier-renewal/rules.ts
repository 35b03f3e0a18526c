/**
 * Identifier renewal rules, pure functions of plain data.
 */
import type { AddressAllowance } from '../../platform/guard/address';
import { HOUR_MS } from '../../platform/guard/throttle';

/**
 * E-mails with a renewal link per hour, for what was typed (NUMIC and address) from one
 * network — the same whether or not it matches a voter, so the allowance reveals nothing, and
 * a network that has asked nothing this hour always gets its first link.
 */
export const REQUEST_ALLOWANCE: AddressAllowance = { purpose: 'identifier-request', limit: 3, windowMs: HOUR_MS };
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
