/**
 * Identifier renewal (Écrans 2–6). Order matters for cost and for what an attacker learns:
 * renewal window → security code (nothing else without a valid code) → per-address limit →
 * per-voter throttle → the work. The Durable Object of the voter decides what must be exact
 * (which link is pending, used, voided; the one-at-a-time rule); D1 holds the result.
 */
import { formatIdentifier, generateIdentifier, normalizeNumic } from '../../platform/credentials';
import { recipientOf } from '../../platform/delivery/compose';
import type { OutboundMessage } from '../../platform/delivery';
import { renewalState, type WindowState } from '../../platform/election';
import { passFormGate, type GateInput, type GateRefusal } from '../../platform/form-gate';
import { LINK_TTL_MS, type LinkState } from '../../platform/guard/renewal';
import { log } from '../../platform/log';
import type { Services } from '../../platform/services';
import { linkEmail, renewedNotices } from './messages';
import { canonicalEmail, REQUEST_LIMIT, REQUEST_SUBJECT, REQUEST_WINDOW_MS, sameEmail } from './rules';

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
  const state = renewalState(await s.election.current(), now);
  if (state !== 'open') return { kind: 'window', state };
  return passFormGate(s, req, now);
}

type RequestServices = Pick<
  Services,
  'clock' | 'election' | 'captcha' | 'guards' | 'voters' | 'pseudonyms' | 'links' | 'delivery' | 'audit' | 'origin'
>;

/**
 * Écran 2 → Écran 3. When NUMIC and address match a voter: a new link (the older one is
 * voided), its record in KV and in the voter's object, the e-mail handed to delivery.
 *
 * Same answer and the same work whether or not a voter matched: the same D1 read, the same
 * HMACs and SHA-256, one throttle hit, one KV write, one Durable Object write — a request that
 * matches nobody writes its decoy link into the shard object of its (NUMIC, address) pair,
 * where nothing ever reads it — and one queue round, in which the matching request's e-mail
 * goes alongside its audit event. Throttling is keyed the same way (the voter's object for a
 * match, the pair's shard otherwise), so it reveals nothing, and whoever knows only a voter's
 * NUMIC cannot use up that voter's allowance.
 */
export async function requestIdentifierRenewal(
  s: RequestServices,
  req: GateInput & { numic: string; email: string },
): Promise<RequestOutcome> {
  const now = s.clock();
  const refused = await gate(s, req, now);
  if (refused) return refused;

  const numic = normalizeNumic(req.numic) ?? req.numic;
  const [voter, numicHmac, shard] = await Promise.all([
    s.voters.byNumic(numic),
    s.pseudonyms.numic(numic),
    s.guards.forUnknown('identifier-request', `${numic}\n${canonicalEmail(req.email)}`),
  ]);
  const match = voter && sameEmail(req.email, voter.email) ? voter : null;
  const guard = match ? s.guards.forVoter(numicHmac, REQUEST_SUBJECT) : shard;

  const verdict = await guard.hit(REQUEST_LIMIT, REQUEST_WINDOW_MS, now);
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
  const election = await s.election.current();
  await Promise.all([
    match &&
      s.delivery.send(
        linkEmail(recipientOf(match, numicHmac), {
          election: election.title,
          link: s.links.url(link),
          origin: s.origin,
          expiresAt,
        }),
      ),
    s.audit.record({
      event: 'identifier-renewal-request',
      numicHmac,
      at: now,
      outcome: match ? 'link-sent' : 'no-match',
    }),
  ]);
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

  const identifier = generateIdentifier();
  try {
    await s.voters.renewIdentifier({
      voterId: voter.id,
      now,
      identifierHmac: await s.pseudonyms.identifier(identifier),
      audit: { event: 'identifier-renewal', numicHmac: link.numicHmac, at: now, outcome: 'success' },
    });
    // The voter logs in with the new identifier next, maybe through a lagging D1 replica.
    s.readYourWrites();
  } catch (err) {
    // The renewal did not happen: forget it in the object, or the voter would be kept from
    // renewing the password for nothing. The link stays used; the voter asks for a new one.
    log.error('identifier_renewal_not_written', err);
    await guard.forgetRenewal('identifier', now, now);
    return { kind: 'failed' };
  }

  const election = await s.election.current();
  await sendNotices(
    s,
    renewedNotices(recipientOf(voter, link.numicHmac), { election: election.title, at: now, origin: s.origin }),
  );
  return { kind: 'renewed', identifier: formatIdentifier(identifier) };
}

/** Notices after the fact: the renewal stands even if one of them cannot be queued. */
async function sendNotices(s: Pick<Services, 'delivery'>, messages: OutboundMessage[]): Promise<void> {
  const results = await Promise.allSettled(messages.map((m) => s.delivery.send(m)));
  for (const r of results) {
    if (r.status === 'rejected') log.error('identifier_renewal_notice_not_queued', r.reason);
  }
}
