/**
 * Casting a ballot (SPEC.md "The ballot"): the cheap checks first — the voter's session (the
 * route), a per-network allowance, the émargement — then the ballot verified in full (canonical
 * form, every element in the group, every scalar in range, every proof, the signature, and the
 * credential the voter's own, frozen at setup), then the émargement and the box change together
 * or not at all: the voter's object records the intent (pending), the box takes the ballot, the
 * object records the vote — after the answer, so a cast costs one round trip to each. A failure between the two is settled by the object's alarm (the box
 * decides); a retry with the same ballot finishes the job.
 */
import { verifyBallot } from '../../ballot';
import type { Voter } from '../../db/schema';
import type { VoterBallot } from '../../platform/ballot/ballots';
import type { CastSession } from '../../platform/ballot/emargement';
import { translator } from '../../i18n';
import { formatParisNamed } from '../../i18n/dates';
import type { OutboundMessage } from '../../platform/delivery';
import { composeEmail, helpUrl } from '../../platform/delivery/compose';
import type { AddressAllowance } from '../../platform/guard/address';
import { networkOf } from '../../platform/guard/network';
import { log } from '../../platform/log';
import type { Services } from '../../platform/services';

export type CastAnswer =
  | { kind: 'cast'; tracker: string; at: number; fingerprint: string }
  | { kind: 'voted'; tracker: string; at: number }
  | {
      kind: 'refused';
      reason: 'not_set_up' | 'invalid' | 'not_yours' | 'closed' | 'before_opening' | 'pending' | 'throttled';
      retryAfterMs?: number;
    }
  | { kind: 'unavailable' }
  /** The session ended (a logout, a renewal) while the ballot was on its way: nothing cast. */
  | { kind: 'session-ended' };

/** Ballots a network may send in a window: generous (a consulate's voting room), bounded. */
export const CAST_ALLOWANCE: Pick<AddressAllowance, 'limit' | 'windowMs'> = { limit: 60, windowMs: 10 * 60_000 };
const PURPOSE = 'vote';

/** The receipt (tracker alone on its line) and the SMS notice, in the voter's language. */
export function castMessages(
  voter: Pick<Voter, 'email' | 'phone' | 'language'> & { numicHmac: string },
  cast: { tracker: string; at: number; fingerprint: string; election: string; origin: string },
): OutboundMessage[] {
  const locale = voter.language === 'en' ? 'en' : 'fr';
  const t = translator(locale);
  const date = formatParisNamed(cast.at, locale, t);
  const subject = `${t('vote.receipt.subject')} — ${cast.election}`;
  const { text, html } = composeEmail(locale, subject, [
    t('vote.receipt.intro', { election: cast.election, date }),
    cast.tracker,
    t('vote.receipt.verify', { verify: `${cast.origin}/verifier`, fingerprint: cast.fingerprint }),
    t('vote.receipt.notYou'),
    helpUrl(cast.origin),
  ]);
  return [
    { channel: 'email', to: voter.email, subject, text, html, purpose: 'vote-receipt', numicHmac: voter.numicHmac },
    {
      channel: 'sms',
      to: voter.phone,
      text: t('vote.notice.sms', { date, help: helpUrl(cast.origin) }),
      purpose: 'vote-notice',
      numicHmac: voter.numicHmac,
    },
  ];
}

export async function castBallot(
  s: Pick<
    Services,
    'clock' | 'guards' | 'pseudonyms' | 'ballots' | 'boxes' | 'delivery' | 'election' | 'origin' | 'background'
  >,
  voter: Voter,
  session: CastSession,
  ballotJson: string,
  clientAddress: string,
): Promise<CastAnswer> {
  const now = s.clock();
  const network = networkOf(clientAddress);
  const allowance = await (
    await s.guards.forUnknown('cast-network', network.key)
  ).hit(CAST_ALLOWANCE.limit, CAST_ALLOWANCE.windowMs, now);
  if (!allowance.ok) return { kind: 'refused', reason: 'throttled', retryAfterMs: allowance.retryAfterMs };
  const [numicHmac, ballot] = await Promise.all([s.pseudonyms.numic(voter.numic), s.ballots.forVoter(voter.id)]);
  const guard = s.guards.forVoter(numicHmac, PURPOSE);
  if (!ballot) return { kind: 'refused', reason: 'not_set_up' };
  // The cheap émargement check: D1 says this voter has voted; the voter's object has the receipt.
  if (ballot.votedAt !== null) {
    const state = await guard.castState(now);
    if (state.state === 'voted') return { kind: 'voted', tracker: state.tracker, at: state.at };
  }

  const verified = await verifyBallot(ballotJson, ballot.election, ballot.fingerprint);
  if (!verified.ok) {
    log.warn('ballot_refused', undefined, { reason: verified.reason });
    return { kind: 'refused', reason: 'invalid' };
  }
  if (verified.credential.toString() !== ballot.publicCredential) return { kind: 'refused', reason: 'not_yours' };

  const begun = await guard.beginCast(
    { tracker: verified.tracker, constituency: ballot.constituency, ballot: ballotJson, at: now },
    now,
    session,
  );
  if (begun.kind === 'session-ended') return begun;
  if (begun.kind === 'voted') {
    // Voted in the object but not in D1: the box took the ballot while D1 could not record it,
    // or the object's alarm put it there. Recorded now, or its receipt and event are lost.
    await recordVote(s, { ...voter, numicHmac }, ballot, begun, now);
    return { kind: 'voted', tracker: begun.tracker, at: begun.at };
  }
  if (begun.kind === 'pending-other') return { kind: 'refused', reason: 'pending' };

  let boxed;
  try {
    boxed = await s.boxes.forConstituency(ballot.constituency).cast(ballotJson, now);
  } catch (err) {
    // The intent stands in the voter's object; its alarm asks the box again.
    log.error('ballot_box_unreachable', err);
    return { kind: 'unavailable' };
  }
  if (boxed.kind !== 'accepted' && boxed.kind !== 'already') {
    await guard.undoCast(verified.tracker, now);
    if (boxed.kind === 'closed' || boxed.kind === 'before_opening') return { kind: 'refused', reason: boxed.kind };
    log.error('ballot_box_refused', undefined, { reason: boxed.kind });
    return { kind: 'refused', reason: boxed.kind === 'not_set_up' ? 'not_set_up' : 'not_yours' };
  }
  const at = boxed.at;
  // Off the answer's path (one round trip to the voter's object per cast, one to the box): the
  // box holds the ballot, so a lost confirmation is settled by the object's alarm, and a retry
  // in the meantime finds the same tracker pending and the box answering 'already'.
  s.background(guard.finishCast(verified.tracker, now));
  await recordVote(s, { ...voter, numicHmac }, ballot, { tracker: verified.tracker, at }, now);
  return { kind: 'cast', tracker: verified.tracker, at, fingerprint: ballot.fingerprint };
}

/**
 * What a ballot in the box is recorded with in D1, once (platform/ballot/ballots.ts): the
 * credential wiped, the voter counted, the tracker indexed for /verifier, the receipt and the
 * notice in the outbox, the `vote.cast` event — all or nothing. Called again (the next cast, the
 * booth's page) while D1 has not recorded it: the box or the voter's object may hold a vote that
 * a failing D1 could not record, and this is how it is caught up. A failure is logged; the
 * ballot in the box stands.
 */
export async function recordVote(
  s: Pick<Services, 'ballots' | 'delivery' | 'election' | 'origin' | 'background'>,
  voter: Voter & { numicHmac: string },
  ballot: Pick<VoterBallot, 'constituency' | 'fingerprint' | 'votedAt'>,
  vote: { tracker: string; at: number },
  now: number,
): Promise<void> {
  if (ballot.votedAt !== null) return;
  try {
    const election = await s.election.current();
    const notices = await Promise.all(
      castMessages(voter, {
        tracker: vote.tracker,
        at: vote.at,
        fingerprint: ballot.fingerprint,
        election: election.title,
        origin: s.origin,
      }).map((m) => s.delivery.prepare(m, now)),
    );
    await s.ballots.recordCast(
      { voterId: voter.id, constituency: ballot.constituency, tracker: vote.tracker, at: vote.at, notices },
      {
        event: 'vote.cast',
        numicHmac: voter.numicHmac,
        at: now,
        outcome: 'success',
        detail: JSON.stringify({ constituency: ballot.constituency }),
      },
    );
    s.background(
      s.delivery.relay(
        notices.map((n) => n.id),
        now,
      ),
    );
  } catch (err) {
    // The ballot is in the box: the receipt on screen stands, and the next visit records it.
    log.error('cast_not_recorded', err);
  }
}
