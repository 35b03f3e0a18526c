/**
 * The per-client-address allowance shared by every form that costs us something (login,
 * renewal requests, renewal completion): generous enough for a consulate or an office behind
 * one address, it only stops floods. Kept in a shard object keyed by the address's HMAC.
 */
import { shardGuard } from './client';
import type { Verdict } from './throttle';

export const ADDRESS_LIMIT = 300;
export const ADDRESS_WINDOW_MS = 10 * 60_000;

/** Counts one more request from `address` and says whether it is allowed. */
export async function addressAllowance(env: Cloudflare.Env, address: string, now: number): Promise<Verdict> {
  const { stub, subject } = await shardGuard(env, 'address', address);
  return stub.hit(subject, ADDRESS_LIMIT, ADDRESS_WINDOW_MS, now);
}
