/**
 * The `guards` capability: how features reach AccessState objects. A known voter's state
 * lives in the voter's own object, named by the NUMIC's HMAC (never the NUMIC in clear).
 * Anything keyed by attacker input — unknown NUMICs or identifiers, client addresses,
 * security-code nonces — goes to one of SHARD_COUNT shard objects chosen by a keyed hash, so
 * the number of objects stays bounded.
 *
 * Both give a `Guard` whose subject is bound: a feature says what it counts (`purpose`) and
 * for whom, and calls the same methods whichever object answers — which is what makes "the
 * same work whether or not a voter matched" a matter of calling the same methods.
 */
import { hmacHex } from '../crypto';
import type { AccessState } from './access-state';
import { log } from '../log';
import type { Network } from './network';
import type { CastSession, PendingCast } from '../ballot/emargement';
import type { Credential } from './renewal';

export const SHARD_COUNT = 4096;

/** What a method of the object answers, once it has crossed the RPC boundary. */
type Answer<K extends keyof AccessState> = AccessState[K] extends (...args: never[]) => infer R ? Promise<R> : never;

/** One object's state for one subject. Every method is one round trip to the object. */
export interface Guard {
  /** The key of this subject inside its object (for logs and tests, never a secret). */
  readonly subject: string;
  loginCheck(network: Network, now: number): Answer<'loginCheck'>;
  loginRecord(network: Network, success: boolean, now: number): Promise<void>;
  hit(limit: number, windowMs: number, now: number): Answer<'hit'>;
  /** Marks this subject (a nonce) used; true only for the first call. */
  consume(expiresAt: number, now: number): Promise<boolean>;
  isConsumed(now: number): Promise<boolean>;
  sessionCheck(sessionHash: string, createdAt: number, now: number): Answer<'sessionCheck'>;
  endSession(sessionHash: string, expiresAt: number, now: number): Promise<void>;
  startRenewal(
    credential: Credential,
    tokenHash: string,
    expiresAt: number,
    now: number,
    voterId?: number,
  ): Promise<void>;
  link(credential: Credential, tokenHash: string, now: number): Answer<'link'>;
  wrongPassword(credential: Credential, tokenHash: string, now: number): Answer<'wrongPassword'>;
  completeLinkRenewal(credential: Credential, tokenHash: string, now: number): Answer<'completeLinkRenewal'>;
  completeDirectRenewal(credential: Credential, now: number): Answer<'completeDirectRenewal'>;
  confirmRenewal(credential: Credential, at: number, now: number): Promise<void>;
  forgetRenewal(credential: Credential, at: number, now: number): Promise<void>;
  /** Lifts a running cooling-off (operators, two of them); false when none runs. */
  liftCoolingOff(now: number): Answer<'liftCoolingOff'>;
  /** The émargement (platform/ballot/emargement.ts). */
  castState(now: number): Answer<'castState'>;
  beginCast(cast: PendingCast, now: number, session?: CastSession): Answer<'beginCast'>;
  finishCast(tracker: string, now: number): Promise<void>;
  undoCast(tracker: string, now: number): Promise<void>;
}

/** A client's counter at several tiers (an IPv6 /64 within its /48), in one object. */
export interface TieredCounter {
  /** The tiers' keys inside their object (for logs and tests, never a secret). */
  readonly subjects: readonly string[];
  /** One hit at every tier, in one round trip: allowed only if every tier allows it. */
  hit(windowMs: number, now: number): Answer<'hitTiers'>;
}

export interface Guards {
  /** The voter's own object; naming it is free (no round trip, no hash). */
  forVoter(numicHmac: string, purpose: string): Guard;
  /** The shard of `purpose:key`, chosen by a keyed hash (one HMAC). */
  forUnknown(purpose: string, key: string): Promise<Guard>;
  /**
   * The counter of `purpose` for `tiers`, narrowest first, each with its limit: every tier's
   * subject is its own (as `forUnknown` names it), all kept in the shard of the widest tier,
   * so that one round trip counts them all (one HMAC per tier).
   */
  forUnknownTiers(purpose: string, tiers: readonly { key: string; limit: number }[]): Promise<TieredCounter>;
}

type Stub = DurableObjectStub<AccessState>;

function bind(stub: Stub, subject: string): Guard {
  return {
    subject,
    loginCheck: (network, now) => stub.loginCheck(subject, network, now),
    loginRecord: (network, success, now) => stub.loginRecord(subject, network, success, now),
    hit: (limit, windowMs, now) => stub.hit(subject, limit, windowMs, now),
    consume: (expiresAt, now) => stub.consumeNonce(subject, expiresAt, now),
    isConsumed: (now) => stub.isNonceUsed(subject, now),
    sessionCheck: (sessionHash, createdAt, now) => stub.sessionCheck(sessionHash, createdAt, now),
    endSession: (sessionHash, expiresAt, now) => stub.endSession(sessionHash, expiresAt, now),
    startRenewal: (credential, tokenHash, expiresAt, now, voterId) =>
      stub.startRenewal(credential, tokenHash, expiresAt, now, voterId),
    link: (credential, tokenHash, now) => stub.link(credential, tokenHash, now),
    wrongPassword: (credential, tokenHash, now) => stub.wrongPassword(credential, tokenHash, now),
    completeLinkRenewal: (credential, tokenHash, now) => stub.completeLinkRenewal(credential, tokenHash, now),
    completeDirectRenewal: (credential, now) => stub.completeDirectRenewal(credential, now),
    confirmRenewal: (credential, at, now) => stub.confirmRenewal(credential, at, now),
    forgetRenewal: (credential, at, now) => stub.forgetRenewal(credential, at, now),
    liftCoolingOff: (now) => stub.liftCoolingOff(now),
    castState: (now) => stub.castState(now),
    beginCast: (cast, now, session) => stub.beginCast(cast, now, session),
    finishCast: (tracker, now) => stub.finishCast(tracker, now),
    undoCast: (tracker, now) => stub.undoCast(tracker, now),
  };
}

/**
 * D1 has the change: the renewal is confirmed in the object (its cooling-off starts). If the
 * object cannot be reached now, the change stands all the same, and the outbox relay
 * confirms it within the tentative period (delivery/outbox.ts `relayPending`).
 */
export async function confirmOrLeaveToRelay(guard: Guard, credential: Credential, at: number): Promise<void> {
  try {
    await guard.confirmRenewal(credential, at, at);
  } catch (err) {
    log.error('renewal_not_confirmed', err);
  }
}

/** The object name of a voter's state (tests reach it with runInDurableObject). */
export function voterObjectName(numicHmac: string): string {
  return `voter:${numicHmac}`;
}

/** The Cloudflare implementation: one AccessState namespace, shards keyed with `shardKey`. */
export function durableGuards(namespace: DurableObjectNamespace<AccessState>, shardKey: string): Guards {
  const shardOf = (digest: string) =>
    namespace.get(namespace.idFromName(`shard:${parseInt(digest.slice(0, 8), 16) % SHARD_COUNT}`));
  return {
    forVoter: (numicHmac, purpose) => bind(namespace.get(namespace.idFromName(voterObjectName(numicHmac))), purpose),
    async forUnknown(purpose, key) {
      const digest = await hmacHex(shardKey, `${purpose}:${key}`);
      return bind(shardOf(digest), `${purpose}:${digest}`);
    },
    async forUnknownTiers(purpose, tiers) {
      if (tiers.length === 0) throw new Error('guards: a counter needs at least one tier');
      const digests = await Promise.all(tiers.map((t) => hmacHex(shardKey, `${purpose}:${t.key}`)));
      const subjects = digests.map((d) => `${purpose}:${d}`);
      const stub = shardOf(digests[digests.length - 1]!);
      const counted = tiers.map((t, i) => [subjects[i]!, t.limit] as const);
      return { subjects, hit: (windowMs, now) => stub.hitTiers(counted, windowMs, now) };
    },
  };
}
