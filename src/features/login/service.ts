/**
 * Logging a voter in. Order matters for cost and for what an attacker learns:
 * window → security code (no PBKDF2 without a valid code) → per-address limit → per-account
 * throttle in AccessState → one PBKDF2 (a dummy one for unknown identifiers) → session.
 * Every wrong combination gets one and the same answer.
 */
import { normalizeIdentifier } from '../../platform/credentials';
import { windowState, type WindowState } from '../../platform/election';
import { passFormGate, type GateRefusal } from '../../platform/form-gate';
import { networkOf } from '../../platform/guard/network';
import { SESSION_TTL_MS } from '../../platform/sessions';
import type { Services } from '../../platform/services';

export type LoginOutcome =
  | { kind: 'ok'; sessionId: string; expiresAt: number }
  | { kind: 'window'; state: Exclude<WindowState, 'open'> }
  | GateRefusal
  | { kind: 'throttled'; retryAfterMs: number }
  | { kind: 'failed' };

export interface LoginRequest {
  identifier: string;
  password: string;
  captcha: string;
  captchaId: string;
  clientAddress: string;
}

/** The login's subject in a voter's object, and the purpose of an unknown identifier's shard. */
import { ACCOUNT } from '../../platform/voter-session';

export { openSession } from '../../platform/voter-session';

export async function attemptLogin(
  s: Pick<
    Services,
    'clock' | 'election' | 'captcha' | 'guards' | 'pseudonyms' | 'voters' | 'hasher' | 'audit' | 'sessions'
  >,
  req: LoginRequest,
): Promise<LoginOutcome> {
  const now = s.clock();
  const election = await s.election.fresh();
  const state = windowState(election, now);
  if (state !== 'open') return { kind: 'window', state };

  const refused = await passFormGate(s, req, now);
  if (refused) return refused;

  const canonical = normalizeIdentifier(req.identifier) ?? req.identifier;
  const identifierHmac = await s.pseudonyms.identifier(canonical);
  const found = await s.voters.byIdentifierHmac(identifierHmac);
  const numicHmac = found ? await s.pseudonyms.numic(found.numic) : null;
  // Unknown identifiers are throttled exactly like known ones, in a shard object.
  const guard = numicHmac
    ? s.guards.forVoter(numicHmac, ACCOUNT)
    : await s.guards.forUnknown('identifier', identifierHmac);

  // Failures are counted per network (guard/throttle.ts): another network's failures never
  // slow this one down.
  const network = networkOf(req.clientAddress);
  const verdict = await guard.loginCheck(network, now);
  if (!verdict.ok) {
    await s.audit.record({ event: 'login', numicHmac, at: now, outcome: 'throttled' });
    return { kind: 'throttled', retryAfterMs: verdict.retryAfterMs };
  }

  // The row came from a read replica. When the voter's object knows of a renewal the replica
  // has not seen yet, the primary answers instead: an old password or identifier must stop
  // working at once, wherever the voter is (one more read, only just after a renewal).
  const stale = found && verdict.credentialsRenewedAt !== null && verdict.credentialsRenewedAt > found.updatedAt;
  const voter = stale ? await s.voters.primary().byIdentifierHmac(identifierHmac) : found;

  const valid = await s.hasher.verify(req.password, voter?.passwordHash ?? null);
  const success = valid && voter !== undefined;
  // The check reserved this attempt (so concurrent ones cannot all reach PBKDF2); its outcome
  // takes the reservation's place: a failure is counted, a success clears the failures. A
  // success with no failure to clear — most logins at the peak — records nothing: its
  // reservation lapses by itself (LOGIN_RESERVATION_MS, 10 s), counting meanwhile as one of
  // this network's free failures on the account, and the login makes one Durable Object call
  // fewer.
  const clean = success && verdict.recentFailures === 0;
  await Promise.all([
    !clean && guard.loginRecord(network, success, now),
    s.audit.record({ event: 'login', numicHmac, at: now, outcome: success ? 'success' : 'failure' }),
  ]);
  if (!success || !voter) return { kind: 'failed' };

  const expiresAt = Math.min(now + SESSION_TTL_MS, election.closesAt);
  const sessionId = await s.sessions.create(
    { id: voter.id, numicHmac: numicHmac!, generation: voter.sessionGeneration },
    now,
    expiresAt,
  );
  return { kind: 'ok', sessionId, expiresAt };
}

/** Logout: the session ends in the voter's object at once (KV's delete is eventual), audited. */
export async function endSession(
  s: Pick<Services, 'clock' | 'sessions' | 'guards' | 'audit'>,
  cookie: string | undefined,
): Promise<void> {
  const now = s.clock();
  const session = await s.sessions.get(cookie, now);
  if (!session) return;
  await Promise.all([
    s.guards.forVoter(session.numicHmac, ACCOUNT).endSession(session.hash, session.expiresAt, now),
    s.sessions.delete(cookie),
    s.audit.record({ event: 'logout', numicHmac: session.numicHmac, at: now, outcome: 'success' }),
  ]);
}
