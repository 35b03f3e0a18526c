/**
 * Logging a voter in. Order matters for cost and for what an attacker learns:
 * window → security code (no PBKDF2 without a valid code) → per-address limit → per-account
 * throttle in VoterGuard → one PBKDF2 (a dummy one for unknown identifiers) → session.
 * Every wrong combination gets one and the same answer.
 */
import { hmacHex } from '../../platform/crypto';
import { normalizeIdentifier } from '../../platform/credentials';
import { windowState, type WindowState } from '../../platform/election';
import { passFormGate, type GateRefusal } from '../../platform/form-gate';
import { shardGuard, voterGuard } from '../../platform/guard/client';
import { queueAudit } from '../../platform/audit';
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

export async function attemptLogin(s: Services, req: LoginRequest): Promise<LoginOutcome> {
  const now = s.clock();
  const election = await s.election();
  const state = windowState(election, now);
  if (state !== 'open') return { kind: 'window', state };

  const refused = await passFormGate(s.env, req, now);
  if (refused) return refused;

  const canonical = normalizeIdentifier(req.identifier) ?? req.identifier;
  const identifierHmac = await hmacHex(s.env.IDENTIFIER_HMAC_KEY, canonical);
  const found = await s.voters.byIdentifierHmac(identifierHmac);
  const numicHmac = found ? await hmacHex(s.env.NUMIC_HMAC_KEY, found.numic) : null;
  // Unknown identifiers are throttled exactly like known ones, in a shard object.
  const guard = numicHmac
    ? { stub: voterGuard(s.env, numicHmac), subject: 'account' }
    : await shardGuard(s.env, 'identifier', identifierHmac);

  const verdict = await guard.stub.loginCheck(guard.subject, now);
  if (!verdict.ok) {
    await queueAudit(s.env.AUDIT, { event: 'login', numicHmac, at: now, outcome: 'throttled' });
    return { kind: 'throttled', retryAfterMs: verdict.retryAfterMs };
  }

  // The row came from a read replica. When the voter's object knows of a renewal the replica
  // has not seen yet, the primary answers instead: an old password or identifier must stop
  // working at once, wherever the voter is (one more read, only just after a renewal).
  const stale = found && verdict.credentialsRenewedAt !== null && verdict.credentialsRenewedAt > found.updatedAt;
  const voter = stale ? await s.primaryVoters().byIdentifierHmac(identifierHmac) : found;

  const valid = await s.hasher.verify(req.password, voter?.passwordHash ?? null);
  const success = valid && voter !== undefined;
  await Promise.all([
    // A success with no failure to clear changes nothing in the object: no call (most
    // logins at the peak), one Durable Object round trip less.
    (!success || verdict.recentFailures > 0) && guard.stub.loginRecord(guard.subject, success, now),
    queueAudit(s.env.AUDIT, { event: 'login', numicHmac, at: now, outcome: success ? 'success' : 'failure' }),
  ]);
  if (!success || !voter) return { kind: 'failed' };

  const expiresAt = Math.min(now + SESSION_TTL_MS, election.closesAt);
  const sessionId = await s.sessions.create(voter.id, voter.sessionGeneration, now, expiresAt);
  return { kind: 'ok', sessionId, expiresAt };
}
