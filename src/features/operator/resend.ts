/**
 * `roll resend --numic N --identifier|--password`: the assistance cell renews one credential of
 * one voter and sends it again — the identifier by e-mail (with the NUMIC), the password by SMS,
 * as the convocation did. It is a renewal: the one-at-a-time rule holds (refused while the other
 * credential's cooling-off runs, decided in the voter's AccessState object), every open session
 * ends, and the new hash, the message and the audit event (naming the operator) go in one batch.
 */
import { generateIdentifier, generatePassword } from '../../platform/credentials';
import { convocationMessages } from '../../platform/convocation';
import { renewalState } from '../../platform/election';
import { confirmOrLeaveToRelay } from '../../platform/guard/guards';
import type { Credential } from '../../platform/guard/renewal';
import { log } from '../../platform/log';
import type { Operator } from '../../platform/operators/auth';
import { operatorEvent } from '../../platform/operators/audit';
import type { Services } from '../../platform/services';

export type ResendOutcome =
  | { kind: 'sent'; to: string }
  | { kind: 'unknown' }
  | { kind: 'window' }
  | { kind: 'cooling-off' }
  | { kind: 'failed' };

const SUBJECT = 'assistance-resend';

/** `+33 6•• •• •• 01`, `e•••••••@example.org`: what the cell may read back. */
export function masked(channel: 'email' | 'sms', to: string): string {
  if (channel === 'email') {
    const at = to.lastIndexOf('@');
    return `${to[0]}${'•'.repeat(Math.max(at - 1, 1))}${to.slice(at)}`;
  }
  // A French mobile as SPEC.md writes it; any other number keeps its first and last digits.
  if (/^\+33\d{9}$/.test(to)) return `+33 ${to[3]}•• •• •• ${to.slice(-2)}`;
  return `${to.slice(0, 4)}${'•'.repeat(Math.max(to.length - 6, 1))}${to.slice(-2)}`;
}

export async function resendCredential(
  s: Pick<
    Services,
    'clock' | 'election' | 'voters' | 'pseudonyms' | 'guards' | 'hasher' | 'delivery' | 'origin' | 'background'
  >,
  operator: Operator,
  req: { numic: string; credential: Credential; reason?: string },
): Promise<ResendOutcome> {
  const now = s.clock();
  const election = await s.election.fresh();
  if (renewalState(election, now) !== 'open') return { kind: 'window' };
  // From the primary: the cell acts on what the roll holds now. Deactivated voters are not there.
  const voter = await s.voters.primary().byNumic(req.numic);
  if (!voter || voter.convokedAt === null) return { kind: 'unknown' };
  const numicHmac = await s.pseudonyms.numic(voter.numic);
  const guard = s.guards.forVoter(numicHmac, SUBJECT);
  if ((await guard.completeDirectRenewal(req.credential, now)) === 'cooling-off') return { kind: 'cooling-off' };

  const identifier = generateIdentifier();
  const password = generatePassword();
  const [email, sms] = convocationMessages(
    { ...voter, numicHmac },
    { identifier, password },
    { election: election.title, opensAt: election.opensAt, closesAt: election.closesAt, origin: s.origin },
  );
  const message = req.credential === 'identifier' ? email : sms;
  const outbox = [
    await s.delivery.prepare(message, now, { confirms: { numicHmac, credential: req.credential, at: now } }),
  ];
  const audit = operatorEvent(
    'operator.roll.resend',
    operator,
    now,
    { credential: req.credential, ...(req.reason ? { reason: req.reason } : {}) },
    numicHmac,
  );
  try {
    if (req.credential === 'identifier') {
      await s.voters.renewIdentifier({
        voterId: voter.id,
        now,
        identifierHmac: await s.pseudonyms.identifier(identifier),
        audit,
        outbox,
      });
    } else {
      await s.voters.renewPassword({
        voterId: voter.id,
        now,
        passwordHash: await s.hasher.hash(password),
        audit,
        outbox,
      });
    }
  } catch (err) {
    log.error('resend_not_confirmed', err);
    if (!(await s.delivery.committed(outbox[0]!.id).catch(() => false))) {
      await guard.forgetRenewal(req.credential, now, now);
      return { kind: 'failed' };
    }
  }
  await confirmOrLeaveToRelay(guard, req.credential, now);
  s.background(s.delivery.relay([outbox[0]!.id], now));
  return { kind: 'sent', to: masked(message.channel, message.to) };
}
