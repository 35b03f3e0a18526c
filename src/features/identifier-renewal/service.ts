/**
 * Identifier renewal (Écrans 2–6). Order matters for cost and for what an attacker learns:
 * renewal window → security code (nothing else without a valid code) → per-address limit →
 * per-voter throttle → the work. The Durable Object of the voter decides what must be exact
 * (which link is pending, used, voided; the one-at-a-time rule); D1 holds the result.
 */
import { formatIdentifier, generateIdentifier, normalizeNumic } from '../../platform/credentials';
import { recipientOf, type Recipient } from '../../platform/delivery/compose';
import { renewalState, type WindowState } from '../../platform/election';
import { passFormGate, type GateInput, type GateRefusal } from '../../platform/form-gate';
import { countAddress } from '../../platform/guard/address';
import { confirmOrLeaveToRelay } from '../../platform/guard/guards';
import { LINK_TTL_MS, type LinkState } from '../../platform/guard/renewal';
import { log } from '../../platform/log';
import type { Services } from '../../platform/services';
import { linkEmail, renewedNotices } from './messages';
import { canonicalEmail, REQUEST_ALLOWANCE, REQUEST_SUBJECT, sameEmail } from './rules';

type Refused = { kind: 'window'; state: Exclude<WindowState, 'open'> } | GateRefusal;

/** `sent` is Écran 3, whether or not a voter matched. */
export type RequestOutcome = Refused | { kind: 'sent' } | { kind: 'throttled'; retryAfterMs: number };

export type InvalidLink = Exclude<LinkState, 'pending'>;

export type CompletionOutcome =
  | Refused
  | { kind: 'renewed'; identifier: string }
  | { kind: 'wrong-password' }
  | { kind: 'invalid'; state: InvalidLink }
  | { kind: 'cooling-off' }
  | { kind: 'failed' };

/** The steps every form of the flow starts with, in their order. */
async function gate(
  s: Pick<Services, 'election' | 'captcha' | 'guards'>,
  req: GateInput,
  now: number,
): Promise<Refused | null> {
  const state = renewalState(await s.election.fresh(), now);
  if (state !== 'open') return { kind: 'window', state };
  return passFormGate(s, req, now);
}

type RequestServices = Pick<
  Services,
  | 'clock'
  | 'election'
  | 'captcha'
  | 'guards'
  | 'voters'
  | 'pseudonyms'
  | 'links'
  | 'delivery'
  | 'audit'
  | 'origin'
  | 'background'
>;

/**
 * Écran 2 → Écran 3. When NUMIC and address match a voter: a new link (the ones already
 * mailed stay valid), its record in KV and in the voter's object, the e-mail handed to
 * delivery.
 *
 * Same answer and the same work whether or not a voter matched: the same D1 read, the same
 * HMACs and SHA-256, the same allowance hits, one KV write, one Durable Object write — a
 * request that matches nobody writes its decoy link into the shard object of its (NUMIC,
 * address) pair, where nothing ever reads it — and one queue round, in which the matching
 * request's e-mail goes alongside its audit event. The allowance is kept on what was typed
 * and the network it came from, in a shard on both paths: it reveals nothing, whoever knows
 * only a voter's NUMIC cannot use it up, and a network that asked nothing this hour — the
 * voter's own — always gets its link.
 */
export async function requestIdentifierRenewal(
  s: RequestServices,
  req: GateInput & { numic: string; email: string },
): Promise<RequestOutcome> {
  const now = s.clock();
  const refused = await gate(s, req, now);
  if (refused) return refused;

  const numic = normalizeNumic(req.numic) ?? req.numic;
  const pair = `${numic}\n${canonicalEmail(req.email)}`;
  const [voter, numicHmac, decoy, verdict] = await Promise.all([
    s.voters.byNumic(numic),
    s.pseudonyms.numic(numic),
    s.guards.forUnknown('identifier-request', pair),
    countAddress(s.guards, REQUEST_ALLOWANCE, req.clientAddress, now, pair),
  ]);
  const match = voter && sameEmail(req.email, voter.email) ? voter : null;
  const guard = match ? s.guards.forVoter(numicHmac, REQUEST_SUBJECT) : decoy;

  if (!verdict.ok) {
    await s.audit.record({ event: 'identifier-renewal-request', numicHmac, at: now, outcome: 'throttled' });
    return { kind: 'throttled', retryAfterMs: verdict.retryAfterMs };
  }

  const link = await s.links.create(numicHmac);
  const expiresAt = now + LINK_TTL_MS;
  await Promise.all([
    s.links.put(link.tokenHash, { numicHmac, purpose: 'identifier', expiresAt }, now),
    guard.startRenewal('identifier', link.tokenHash, expiresAt, now, match?.id),
  ]);
  // The e-mail goes into the outbox with the request's audit event, in one D1 batch: the
  // same write on both paths (for nobody, a decoy row of the same cost, already settled), so
  // a failing queue or D1 answers the same whether or not the voter matched.
  const election = await s.election.current();
  const email = linkEmail(match ? recipientOf(match, numicHmac) : nobody(numicHmac), {
    election: election.title,
    link: s.links.url(link),
    origin: s.origin,
    expiresAt,
  });
  const row = await s.delivery.prepare(email, now, { decoy: !match });
  await s.delivery.commit([row], {
    event: 'identifier-renewal-request',
    numicHmac,
    at: now,
    outcome: match ? 'link-sent' : 'no-match',
  });
  s.background(s.delivery.relay([row.id], now));
  return { kind: 'sent' };
}

interface ResolvedLink {
  state: LinkState;
  voterId: number | null;
  numicHmac: string;
  tokenHash: string;
}

/**
 * What a link is worth now. The tag is checked first (no storage for forged links); then
 * the voter's object, named by the link, decides, and KV's record is read alongside — a
 * KV miss changes nothing (see platform/links.ts), a record naming another voter refuses the link.
 */
async function resolveLink(
  s: Pick<Services, 'links' | 'guards'>,
  ref: string,
  token: string,
  now: number,
): Promise<ResolvedLink | null> {
  const link = await s.links.open(ref, token);
  if (!link) return null;
  const [record, found] = await Promise.all([
    s.links.get(link.tokenHash),
    s.guards.forVoter(link.numicHmac, REQUEST_SUBJECT).link('identifier', link.tokenHash, now),
  ]);
  if (record && (record.numicHmac !== link.numicHmac || record.purpose !== 'identifier')) return null;
  return { ...found, numicHmac: link.numicHmac, tokenHash: link.tokenHash };
}

/** Écran 5 (GET): reads only — mail scanners open links, and opening must change nothing. */
export async function inspectLink(
  s: Pick<Services, 'clock' | 'election' | 'links' | 'guards'>,
  ref: string,
  token: string,
): Promise<
  { kind: 'form' } | { kind: 'invalid'; state: InvalidLink } | { kind: 'window'; state: 'before' | 'closed' }
> {
  const now = s.clock();
  const state = renewalState(await s.election.current(), now);
  if (state !== 'open') return { kind: 'window', state };
  const link = await resolveLink(s, ref, token, now);
  if (!link) return { kind: 'invalid', state: 'unknown' };
  return link.state === 'pending' ? { kind: 'form' } : { kind: 'invalid', state: link.state };
}

/**
 * Écran 5 → Écran 6 ("Valider"): the code, the current password (PBKDF2, constant time),
 * then the voter's object consumes the link atomically — only if it is still the pending
 * one, unexpired, unused, and the password was not renewed within the cooling-off period.
 * Only then a new identifier, its HMAC in D1 with the audit event in the same batch, the
 * session generation bumped (every session ends), and notices by e-mail and SMS.
 */
export async function completeIdentifierRenewal(
  s: Pick<
    Services,
    | 'clock'
    | 'election'
    | 'captcha'
    | 'guards'
    | 'links'
    | 'voters'
    | 'pseudonyms'
    | 'hasher'
    | 'audit'
    | 'delivery'
    | 'origin'
    | 'readYourWrites'
    | 'background'
  >,
  req: GateInput & { ref: string; token: string; password: string },
): Promise<CompletionOutcome> {
  const now = s.clock();
  const refused = await gate(s, req, now);
  if (refused) return refused;

  const link = await resolveLink(s, req.ref, req.token, now);
  if (!link) return { kind: 'invalid', state: 'unknown' };
  if (link.state !== 'pending') return { kind: 'invalid', state: link.state };
  const voter = link.voterId === null ? undefined : await s.voters.byId(link.voterId);
  if (!voter || (await s.pseudonyms.numic(voter.numic)) !== link.numicHmac) {
    return { kind: 'invalid', state: 'unknown' };
  }

  const guard = s.guards.forVoter(link.numicHmac, REQUEST_SUBJECT);
  const audit = (outcome: string) =>
    s.audit.record({ event: 'identifier-renewal', numicHmac: link.numicHmac, at: now, outcome });

  if (!(await s.hasher.verify(req.password, voter.passwordHash))) {
    const after = await guard.wrongPassword('identifier', link.tokenHash, now);
    await audit('wrong-password');
    return after === 'pending' ? { kind: 'wrong-password' } : { kind: 'invalid', state: after };
  }

  const verdict = await guard.completeLinkRenewal('identifier', link.tokenHash, now);
  if (verdict !== 'ok') {
    await audit(verdict);
    return verdict === 'cooling-off' ? { kind: 'cooling-off' } : { kind: 'invalid', state: verdict };
  }

  // The notices go into the outbox in the same batch as the new identifier.
  const identifier = generateIdentifier();
  const election = await s.election.current();
  const notices = renewedNotices(recipientOf(voter, link.numicHmac), {
    election: election.title,
    at: now,
    origin: s.origin,
  });
  const [identifierHmac, outbox] = await Promise.all([
    s.pseudonyms.identifier(identifier),
    Promise.all(
      notices.map((m, i) =>
        s.delivery.prepare(m, now, {
          // The first row carries the renewal, for the relay to confirm should this request not.
          confirms: i === 0 ? { numicHmac: link.numicHmac, credential: 'identifier', at: now } : undefined,
        }),
      ),
    ),
  ]);
  try {
    await s.voters.renewIdentifier({
      voterId: voter.id,
      now,
      identifierHmac,
      audit: { event: 'identifier-renewal', numicHmac: link.numicHmac, at: now, outcome: 'success' },
      outbox,
    });
  } catch (err) {
    // D1 may have committed a batch it reported as failed: then the renewal stands, and the
    // new identifier, which exists only here, must be shown. Otherwise it did not happen:
    // forget it in the object, or the voter would be kept from renewing the password for
    // nothing; the old identifier keeps working.
    log.error('identifier_renewal_not_confirmed', err);
    if (!(await s.delivery.committed(outbox[0]!.id).catch(() => false))) {
      await guard.forgetRenewal('identifier', now, now);
      return { kind: 'failed' };
    }
  }
  // The voter logs in with the new identifier next, maybe through a lagging D1 replica.
  s.readYourWrites();
  await confirmOrLeaveToRelay(guard, 'identifier', now);
  s.background(
    s.delivery.relay(
      outbox.map((r) => r.id),
      now,
    ),
  );
  return { kind: 'renewed', identifier: formatIdentifier(identifier) };
}

/** The recipient of a decoy: nobody (its row is written settled, never sent). */
function nobody(numicHmac: string): Recipient {
  return { email: '', phone: '', locale: 'fr', numicHmac };
}
