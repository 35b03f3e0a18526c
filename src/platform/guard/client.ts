/**
 * How the Worker reaches VoterGuard objects. Known voters get their own object, named by the
 * NUMIC's HMAC (never the NUMIC in clear). Anything keyed by attacker input — unknown NUMICs
 * or identifiers, client addresses, security-code nonces — goes to one of SHARD_COUNT shard
 * objects chosen by a keyed hash, so the number of objects stays bounded.
 */
import { hmacHex } from '../crypto';

export const SHARD_COUNT = 4096;

export function voterGuard(env: Cloudflare.Env, numicHmac: string) {
  return env.VOTER_GUARD.get(env.VOTER_GUARD.idFromName(`voter:${numicHmac}`));
}

/** The shard object for `kind:value`, and the subject key to use inside it. */
export async function shardGuard(env: Cloudflare.Env, kind: string, value: string) {
  const digest = await hmacHex(env.NUMIC_HMAC_KEY, `${kind}:${value}`);
  const shard = parseInt(digest.slice(0, 8), 16) % SHARD_COUNT;
  return {
    stub: env.VOTER_GUARD.get(env.VOTER_GUARD.idFromName(`shard:${shard}`)),
    subject: `${kind}:${digest}`,
  };
}
