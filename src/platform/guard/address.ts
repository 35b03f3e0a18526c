/**
 * The per-client-address allowance shared by every form that costs us something (login,
 * renewal requests, renewal completion): generous enough for a consulate or an office behind
 * one address, it only stops floods. Counted per network (network.ts), in shard objects keyed
 * by the network's HMAC.
 */
import type { Guards } from './guards';
import { networkOf, WIDE_FACTOR } from './network';
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

/**
 * Counts one more request from `address`'s network and says whether it is allowed: an IPv4
 * address or an IPv6 /64 gets `limit`, its /48 WIDE_FACTOR times as much (both counted in one
 * round trip to the /48's shard; a refusal of either refuses, and is counted in neither).
 */
export async function countAddress(
  guards: Guards,
  allowance: AddressAllowance,
  address: string,
  now: number,
  /** What else the count is kept for (what was typed): one count per scope and network. */
  scope?: string,
): Promise<Verdict> {
  const network = networkOf(address);
  const scoped = (key: string) => (scope === undefined ? key : `${scope}\n${key}`);
  const tiers = [{ key: scoped(network.key), limit: allowance.limit }];
  if (network.wide) tiers.push({ key: scoped(network.wide), limit: allowance.limit * WIDE_FACTOR });
  return (await guards.forUnknownTiers(allowance.purpose, tiers)).hit(allowance.windowMs, now);
}
