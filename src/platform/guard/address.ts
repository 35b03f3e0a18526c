/**
 * The per-client-address allowance shared by every form that costs us something (login,
 * renewal requests, renewal completion): generous enough for a consulate or an office behind
 * one address, it only stops floods. Kept in a shard object keyed by the address's HMAC.
 */
import type { Guards } from './guards';
import type { Verdict } from './throttle';

export const ADDRESS_LIMIT = 300;
export const ADDRESS_WINDOW_MS = 10 * 60_000;

/** How many requests `address` may make per window, for one purpose. */
export interface AddressAllowance {
  purpose: string;
  limit: number;
  windowMs: number;
}

export const FORM_ALLOWANCE: AddressAllowance = {
  purpose: 'address',
  limit: ADDRESS_LIMIT,
  windowMs: ADDRESS_WINDOW_MS,
};

/** Counts one more request from `address` and says whether it is allowed. */
export async function countAddress(
  guards: Guards,
  allowance: AddressAllowance,
  address: string,
  now: number,
): Promise<Verdict> {
  const guard = await guards.forUnknown(allowance.purpose, address);
  return guard.hit(allowance.limit, allowance.windowMs, now);
}
