/**
 * Identifier renewal (Écrans 2–6). Order matters for cost and for what an attacker learns:
 * renewal window → security code (nothing else without a valid code) → per-address limit →
 * per-voter throttle → the work. The Durable Object of the voter decides what must be exact
 * (which link is pending, used, voided; the one-at-a-time rule); D1 holds the result.
 */
import { eq, sql } from 'drizzle-orm';
import { voters } from '../../db/schema';
import { auditInsert, queueAudit } from '../../platform/audit';
import { formatIdentifier, generateIdentifier, normalizeNumic } from '../../platform/credentials';
import { hmacHex } from '../../platform/crypto';
import { recipientOf } from '../../platform/delivery/compose';
import { queueDelivery, type OutboundMessage } from '../../platform/delivery';
import { renewalState, type WindowState } from '../../platform/election';
import { passFormGate, type GateInput, type GateRefusal } from '../../platform/form-gate';
import { shardGuard, voterGuard } from '../../platform/guard/client';
import { LINK_TTL_MS, type LinkState } from '../../platform/guard/renewal';
import type { Services } from '../../platform/services';
import { LinkRecords, linkUrl, newLink, openLink } from './links';
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
async function gate(s: Services, req: GateInput, now: number): Promise<Refused | null> {
  const state = renewalState(await s.election(), now);
  if (state !== 'open') return { kind: 'window', state };
  return passFormGate(s.env, req, now);
}

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
  s: Services,
  req: GateInput & { numic: string; email: string },
): Promise<RequestOutcome> {
  const now = s.clock();
  const refused = await gate(s, req, now);
  if (refused) return refused;

  const numic = normalizeNumic(req.numic) ?? req.numic;
  const [voter, numicHmac, shard] = await Promise.all([
    s.voters.byNumic(numic),
    hmacHex(s.env.NUMIC_HMAC_KEY, numic),
    shardGuard(s.env, 'identifier-request', `${numic}\n${canonicalEmail(req.email)}`),
  ]);
  const match = voter && sameEmail(req.email, voter.email) ? voter : null;
  const guard = match ? { stub: voterGuard(s.env, numicHmac), subject: REQUEST_SUBJECT } : shard;

  const verdict = await guard.stub.hit(guard.subject, REQUEST_LIMIT, REQUEST_WINDOW_MS, now);
  if (!verdict.ok) {
    await queueAudit(s.env.AUDIT, { event: 'identifier-renewal-request', numicHmac, at: now, outcome: 'throttled' });
    return { kind: 'throttled', retryAfterMs: verdict.retryAfterMs };
  }

  const link = await newLink(s.env, numicHmac);
  const expiresAt = now + LINK_TTL_MS;
  await Promise.all([
    new LinkRecords(s.env.TOKENS).put(link.tokenHash, { numicHmac, purpose: 'identifier', expiresAt }, now),
    guard.stub.startRenewal('identifier', link.tokenHash, expiresAt, now, match?.id),
  ]);
  const election = await s.election();
  await Promise.all([
    match &&
      queueDelivery(s.env).send(
        linkEmail(recipientOf(match, numicHmac), {
          election: election.title,
          link: linkUrl(s.env.PUBLIC_ORIGIN, link),
          origin: s.env.PUBLIC_ORIGIN,
          expiresAt,
        }),
      ),
    queueAudit(s.env.AUDIT, {
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
 * KV miss changes nothing (see links.ts), a record naming another voter refuses the link.
 */
async function resolveLink(s: Services, ref: string, token: string, now: number): Promise<ResolvedLink | null> {
  const link = await openLink(s.env, ref, token);
  if (!link) return null;
  const [record, found] = await Promise.all([
    new LinkRecords(s.env.TOKENS).get(link.tokenHash),
    voterGuard(s.env, link.numicHmac).link('identifier', link.tokenHash, now),
  ]);
  if (record && (record.numicHmac !== link.numicHmac || record.purpose !== 'identifier')) return null;
  return { ...found, numicHmac: link.numicHmac, tokenHash: link.tokenHash };
}

/** Écran 5 (GET): reads only — mail scanners open links, and opening must change nothing. */
export async function inspectLink(
  s: Services,
  ref: string,
  token: string,
): Promise<
  { kind: 'form' } | { kind: 'invalid'; state: InvalidLink } | { kind: 'window'; state: 'before' | 'closed' }
> {
  const now = s.clock();
  const state = renewalState(await s.election(), now);
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
  s: Services,
  req: GateInput & { ref: string; token: string; password: string },
): Promise<CompletionOutcome> {
  const now = s.clock();
  const refused = await gate(s, req, now);
  if (refused) return refused;

  const link = await resolveLink(s, req.ref, req.token, now);
  if (!link) return { kind: 'invalid', state: 'unknown' };
  if (link.state !== 'pending') return { kind: 'invalid', state: link.state };
  const voter = link.voterId === null ? undefined : await s.voters.byId(link.voterId);
  if (!voter || (await hmacHex(s.env.NUMIC_HMAC_KEY, voter.numic)) !== link.numicHmac) {
    return { kind: 'invalid', state: 'unknown' };
  }

  const stub = voterGuard(s.env, link.numicHmac);
  const audit = (outcome: string) =>
    queueAudit(s.env.AUDIT, { event: 'identifier-renewal', numicHmac: link.numicHmac, at: now, outcome });

  if (!(await s.hasher.verify(req.password, voter.passwordHash))) {
    const after = await stub.wrongPassword('identifier', link.tokenHash, now);
    await audit('wrong-password');
    return after === 'pending' ? { kind: 'wrong-password' } : { kind: 'invalid', state: after };
  }

  const verdict = await stub.completeLinkRenewal('identifier', link.tokenHash, now);
  if (verdict !== 'ok') {
    await audit(verdict);
    return verdict === 'cooling-off' ? { kind: 'cooling-off' } : { kind: 'invalid', state: verdict };
  }

  const identifier = generateIdentifier();
  const identifierHmac = await hmacHex(s.env.IDENTIFIER_HMAC_KEY, identifier);
  try {
    await s.db.batch([
      s.db
        .update(voters)
        .set({
          identifierHmac,
          sessionGeneration: sql`${voters.sessionGeneration} + 1`,
          identifierRenewedAt: now,
          updatedAt: now,
        })
        .where(eq(voters.id, voter.id)),
      auditInsert(s.db, { event: 'identifier-renewal', numicHmac: link.numicHmac, at: now, outcome: 'success' }),
    ]);
    // The voter logs in with the new identifier next, maybe through a lagging D1 replica.
    s.readYourWrites();
  } catch (err) {
    // The renewal did not happen: forget it in the object, or the voter would be kept from
    // renewing the password for nothing. The link stays used; the voter asks for a new one.
    console.error(`isoloir: identifier renewal not written to D1: ${(err as Error).message}`);
    await stub.forgetRenewal('identifier', now, now);
    return { kind: 'failed' };
  }

  const election = await s.election();
  await sendNotices(
    s,
    renewedNotices(recipientOf(voter, link.numicHmac), {
      election: election.title,
      at: now,
      origin: s.env.PUBLIC_ORIGIN,
    }),
  );
  return { kind: 'renewed', identifier: formatIdentifier(identifier) };
}

/** Notices after the fact: the renewal stands even if one of them cannot be queued. */
async function sendNotices(s: Services, messages: OutboundMessage[]): Promise<void> {
  const delivery = queueDelivery(s.env);
  const results = await Promise.allSettled(messages.map((m) => delivery.send(m)));
  for (const r of results) {
    if (r.status === 'rejected') console.error(`isoloir: renewal notice not queued: ${(r.reason as Error).message}`);
  }
}
