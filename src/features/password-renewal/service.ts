/**
 * Password renewal ("Mot de passe perdu ou non reçu ?"): identifier + NUMIC + code → a new
 * password by SMS to the registered phone (never by e-mail), the old one dead at once, every
 * session ended. Order: renewal window → security code (no PBKDF2 without a valid code) →
 * per-address limit → per-voter throttle → the one-at-a-time rule in the voter's Durable
 * Object → the new password in D1 with its audit event in the same batch → SMS and notice.
 */
import { generatePassword, normalizeIdentifier, normalizeNumic } from '../../platform/credentials';
import { timingSafeEqual } from '../../platform/crypto';
import { recipientOf, type Recipient } from '../../platform/delivery/compose';
import { renewalState, type WindowState } from '../../platform/election';
import { passFormGate, type GateRefusal } from '../../platform/form-gate';
import { log } from '../../platform/log';
import { confirmOrLeaveToRelay } from '../../platform/guard/guards';
import type { Services } from '../../platform/services';
import { passwordSms, renewedNotice } from './messages';
import { REQUEST_LIMIT, REQUEST_SUBJECT, REQUEST_WINDOW_MS } from './rules';

/**
 * `sent` is the one confirmation screen, whether or not identifier and NUMIC matched;
 * `cooling-off` (only for a voter who matched) is the plain refusal of the one-at-a-time rule.
 */
export type PasswordRenewalOutcome =
  | { kind: 'window'; state: Exclude<WindowState, 'open'> }
  | GateRefusal
  | { kind: 'throttled'; retryAfterMs: number }
  | { kind: 'sent' }
  | { kind: 'cooling-off' }
  | { kind: 'failed' };

export interface PasswordRenewalRequest {
  identifier: string;
  numic: string;
  captcha: string;
  captchaId: string;
  clientAddress: string;
}

/**
 * Renews the password of the voter holding this identifier and NUMIC, or does the same work
 * for nobody: a request that matches no voter is throttled and recorded in the shard object of
 * its (identifier, NUMIC) pair — so throttling reveals nothing, and whoever knows only a
 * voter's NUMIC cannot use up that voter's allowance —, hashes a throwaway password (one
 * PBKDF2 on both paths) and writes the same D1 batch, whose update matches no row. Only the
 * SMS and the notice, queued after the answer is decided, are the matching request's alone.
 */
export async function requestPasswordRenewal(
  s: Pick<
    Services,
    | 'clock'
    | 'election'
    | 'captcha'
    | 'guards'
    | 'pseudonyms'
    | 'voters'
    | 'hasher'
    | 'audit'
    | 'delivery'
    | 'origin'
    | 'background'
  >,
  req: PasswordRenewalRequest,
): Promise<PasswordRenewalOutcome> {
  const now = s.clock();
  const election = await s.election.fresh();
  const state = renewalState(election, now);
  if (state !== 'open') return { kind: 'window', state };
  const refused = await passFormGate(s, req, now);
  if (refused) return refused;

  const identifier = normalizeIdentifier(req.identifier) ?? req.identifier;
  const numic = normalizeNumic(req.numic) ?? req.numic;
  const [identifierHmac, numicHmac, shard] = await Promise.all([
    s.pseudonyms.identifier(identifier),
    s.pseudonyms.numic(numic),
    s.guards.forUnknown('password-request', `${identifier}\n${numic}`),
  ]);
  const voter = await s.voters.byIdentifierHmac(identifierHmac);
  const match = voter && timingSafeEqual(voter.numic, numic) ? voter : null;
  const guard = match ? s.guards.forVoter(numicHmac, REQUEST_SUBJECT) : shard;

  const verdict = await guard.hit(REQUEST_LIMIT, REQUEST_WINDOW_MS, now);
  if (!verdict.ok) {
    await s.audit.record({ event: 'password-renewal', numicHmac, at: now, outcome: 'throttled' });
    return { kind: 'throttled', retryAfterMs: verdict.retryAfterMs };
  }

  // The one-at-a-time rule, decided in the voter's object (atomically with the record of this
  // renewal, so an identifier completion racing with it cannot also win).
  const decision = await guard.completeDirectRenewal('password', now);
  if (decision === 'cooling-off') {
    await s.audit.record({ event: 'password-renewal', numicHmac, at: now, outcome: 'cooling-off' });
    return { kind: 'cooling-off' };
  }

  // The SMS and the notice are sealed into the outbox and written in the same batch as the
  // new hash: once the page says "sent", they exist even if the queue or the Worker fails
  // right after. For nobody, decoy rows of the same cost are written, already settled.
  const password = generatePassword();
  const to = match ? recipientOf(match, numicHmac) : nobody(numicHmac);
  const messages = [
    passwordSms(to, { election: election.title, password, origin: s.origin, expiresAt: election.closesAt }),
    renewedNotice(to, { election: election.title, at: now, origin: s.origin }),
  ];
  const [passwordHash, outbox] = await Promise.all([
    s.hasher.hash(password),
    Promise.all(
      messages.map((m, i) =>
        s.delivery.prepare(m, now, {
          decoy: !match,
          // The first row carries the renewal, for the relay to confirm should this request not.
          confirms: i === 0 ? { numicHmac, credential: 'password', at: now } : undefined,
        }),
      ),
    ),
  ]);
  try {
    // The same batch on both paths; for nobody, the update matches no row.
    await s.voters.renewPassword({
      voterId: match?.id ?? null,
      now,
      passwordHash,
      audit: { event: 'password-renewal', numicHmac, at: now, outcome: match ? 'success' : 'no-match' },
      outbox,
    });
  } catch (err) {
    // D1 may have committed a batch it reported as failed: then the renewal stands and its
    // SMS will go. Otherwise it did not happen: forget it, or the voter's identifier renewal
    // would be refused for nothing — the old password keeps working.
    log.error('password_renewal_not_confirmed', err);
    if (!(await s.delivery.committed(outbox[0]!.id).catch(() => false))) {
      await guard.forgetRenewal('password', now, now);
      return { kind: 'failed' };
    }
  }
  await confirmOrLeaveToRelay(guard, 'password', now);
  s.background(
    s.delivery.relay(
      outbox.map((r) => r.id),
      now,
    ),
  );
  return { kind: 'sent' };
}

/** The recipient of a decoy: nobody (its rows are written settled, never sent). */
function nobody(numicHmac: string): Recipient {
  return { email: '', phone: '', locale: 'fr', numicHmac };
}
