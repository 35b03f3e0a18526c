/**
 * Convocations (`roll convoke`): each voter's credentials generated, hashed and announced,
 * fanned out on the CONVOKE queue — PBKDF2 at 100 000 iterations costs 11–16 ms of CPU per
 * voter, hours for 1.6 million on one core, so consumers share the work.
 *
 * One queue message per voter: `{ kind: 'convoke', voterId, round, onlyNew }`. A consumer batch
 * reads its voters from the primary, generates a new identifier and password for each voter
 * still to convoke, and writes in ONE D1 batch, per voter: the credentials' hashes (conditional:
 * only if the voter is active and not yet convoked in this round), and the two sealed messages
 * (conditional on that very write: they exist only if the voter's row holds the new identifier's
 * HMAC), with the audit events. A batch delivered twice, or two consumers racing on one voter,
 * therefore issue one set of credentials: the loser's writes match nothing. The plain
 * credentials live only in memory and, sealed, in the outbox until the provider took them.
 */
import { inArray, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { elections, outbox, voters } from '../db/schema';
import { translator, type Locale } from '../i18n';
import { formatParisNamed } from '../i18n/dates';
import { d1AuditTrail, type AuditRecord } from './audit';
import { durableHeadWitness } from './audit-head';
import { formatIdentifier, generateIdentifier, generatePassword } from './credentials';
import { hmacHex } from './crypto';
import { database, type Database } from './database';
import { SECRET_PLACEHOLDER, type OutboundMessage, type QueuedDelivery } from './delivery';
import { composeEmail, helpUrl } from './delivery/compose';
import { handOverCommitted, sealMessage } from './delivery/outbox';
import { errorName, log } from './log';
import type { PasswordHasher } from './passwords';

export interface QueuedConvocation {
  kind: 'convoke';
  voterId: number;
  round: number;
  /** `--only-new`: convoke only if never convoked (whatever the round). */
  onlyNew: boolean;
}

/** Chains the convocation events go to (a batch's first voter picks one): fewer races. */
export const CONVOCATION_CHAINS = 8;

export interface ConvocationTexts {
  election: string;
  opensAt: number;
  closesAt: number;
  origin: string;
}

export interface Convoked {
  numic: string;
  email: string;
  phone: string;
  language: string;
  numicHmac: string;
}

/** The e-mail (NUMIC and identifier, the identifier alone on its line) and the SMS (the password alone on its line). */
export function convocationMessages(
  voter: Convoked,
  credentials: { identifier: string; password: string },
  texts: ConvocationTexts,
): [OutboundMessage, OutboundMessage] {
  const locale: Locale = voter.language === 'en' ? 'en' : 'fr';
  const t = translator(locale);
  const subject = `${t('convocation.subject')} — ${texts.election}`;
  const { text, html } = composeEmail(locale, subject, [
    t('convocation.greeting'),
    t('convocation.intro', {
      election: texts.election,
      opens: formatParisNamed(texts.opensAt, locale, t),
      closes: formatParisNamed(texts.closesAt, locale, t),
    }),
    t('convocation.numic', { numic: voter.numic }),
    t('convocation.identifier'),
    null,
    t('convocation.password'),
    t('convocation.portal'),
    texts.origin.replace(/\/+$/, '') + '/',
    t('convocation.lost'),
    helpUrl(texts.origin),
    t('passwordRenewal.mail.auto'),
  ]);
  // The e-mail's secret is the identifier, shown as text (composeEmail makes the secret line a
  // link: here it is a plain line).
  const plainHtml = html.replace(
    `<p><a href="${SECRET_PLACEHOLDER}">${SECRET_PLACEHOLDER}</a></p>`,
    `<p><strong>${SECRET_PLACEHOLDER}</strong></p>`,
  );
  return [
    {
      channel: 'email',
      to: voter.email,
      subject,
      text,
      html: plainHtml,
      purpose: 'convocation-identifier',
      numicHmac: voter.numicHmac,
      secret: formatIdentifier(credentials.identifier),
      expiresAt: texts.closesAt,
    },
    {
      channel: 'sms',
      to: voter.phone,
      text: [
        t('convocation.sms.intro', { election: texts.election }),
        SECRET_PLACEHOLDER,
        t('convocation.sms.outro', { help: helpUrl(texts.origin) }),
      ].join('\n'),
      purpose: 'convocation-password',
      numicHmac: voter.numicHmac,
      secret: credentials.password,
      expiresAt: texts.closesAt,
    },
  ];
}

export interface ConvocationDeps {
  db: Database;
  hasher: PasswordHasher;
  identifierKey: string;
  numicKey: string;
  sealingKey: string;
  origin: string;
  electionId: number;
  /**
   * Writes the batch with its audit events, as the next links of `chain`; resolves to what
   * each statement of `change` answered.
   */
  append: (
    chain: string,
    records: AuditRecord[],
    change: (d: Database) => BatchItem<'sqlite'>[],
  ) => Promise<{ changes: readonly unknown[] }>;
  /** Hands messages whose outbox rows are committed to the DELIVERY queue. */
  relay: (messages: readonly QueuedDelivery[], now: number) => Promise<unknown>;
  now: () => number;
}

/** A sealed message for the outbox, and the voter row it depends on. */
interface PendingMessage {
  body: QueuedDelivery;
  voterId: number;
  identifierHmac: string;
}

/** Outbox rows per INSERT: four bound values each and the time, within D1's 100. */
const OUTBOX_ROWS_PER_INSERT = 24;

/**
 * The outbox rows of `messages` in as few INSERTs as D1's bound parameters allow, each row
 * written only if its voter's row holds the new identifier's HMAC when the batch runs (the
 * credentials' write of this very batch took); each INSERT answers the ids it wrote.
 */
function conditionalOutbox(d: Database, messages: readonly PendingMessage[], now: number) {
  return Array.from({ length: Math.ceil(messages.length / OUTBOX_ROWS_PER_INSERT) }, (_, i) => {
    const chunk = messages.slice(i * OUTBOX_ROWS_PER_INSERT, (i + 1) * OUTBOX_ROWS_PER_INSERT);
    const values = sql.join(
      chunk.map((m) => sql`(${m.body.id}, ${JSON.stringify(m.body)}, ${m.voterId}, ${m.identifierHmac})`),
      sql`, `,
    );
    // A comma join with WHERE, not JOIN … ON: SQLite could read that ON as an upsert's.
    const rows = d
      .select({
        id: sql<string>`m.column1`.as('id'),
        body: sql<string>`m.column2`.as('body'),
        createdAt: sql<number>`${now}`.as('created_at'),
        relayedAt: sql<null>`NULL`.as('relayed_at'),
        doneAt: sql<null>`NULL`.as('done_at'),
        confirms: sql<null>`NULL`.as('confirms'),
      })
      .from(sql`(VALUES ${values}) AS m, voters`)
      .where(sql`voters.id = m.column3 AND voters.identifier_hmac = m.column4`);
    return d.insert(outbox).select(rows).returning({ id: outbox.id });
  });
}

/**
 * Convokes the voters of `messages` (one batch of the CONVOKE queue). Resolves to the number of
 * voters for whom credentials were written; messages are acked by the caller on success.
 */
export async function convoke(messages: readonly QueuedConvocation[], deps: ConvocationDeps): Promise<number> {
  if (messages.length === 0) return 0;
  const { db } = deps;
  const now = deps.now();
  const ids = [...new Set(messages.map((m) => m.voterId))];
  const [election] = await db
    .select()
    .from(elections)
    .where(sql`${elections.id} = ${deps.electionId}`);
  if (!election) throw new Error('convocation: no election');
  const rows = await db
    .select({
      id: voters.id,
      numic: voters.numic,
      email: voters.email,
      phone: voters.phone,
      language: voters.language,
      convokedAt: voters.convokedAt,
      convokedRound: voters.convokedRound,
      deactivatedAt: voters.deactivatedAt,
    })
    .from(voters)
    .where(inArray(voters.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const texts = {
    election: election.title,
    opensAt: election.opensAt,
    closesAt: election.closesAt,
    origin: deps.origin,
  };

  const statements: ((d: Database) => BatchItem<'sqlite'>)[] = [];
  const records: AuditRecord[] = [];
  const pending: PendingMessage[] = [];
  const seen = new Set<number>();
  for (const m of messages) {
    const v = byId.get(m.voterId);
    if (!v || seen.has(v.id) || v.deactivatedAt !== null) continue;
    if (m.onlyNew ? v.convokedAt !== null : v.convokedRound >= m.round) continue;
    seen.add(v.id);
    const identifier = generateIdentifier();
    const password = generatePassword();
    const [identifierHmac, numicHmac, passwordHash] = await Promise.all([
      hmacHex(deps.identifierKey, identifier),
      hmacHex(deps.numicKey, v.numic),
      deps.hasher.hash(password),
    ]);
    const round = m.onlyNew ? Math.max(m.round, v.convokedRound) : m.round;
    const condition = m.onlyNew ? sql`${voters.convokedAt} IS NULL` : sql`${voters.convokedRound} < ${m.round}`;
    statements.push((d) =>
      d
        .update(voters)
        .set({
          identifierHmac,
          passwordHash,
          convokedAt: now,
          convokedRound: round,
          sessionGeneration: sql`${voters.sessionGeneration} + 1`,
          updatedAt: now,
        })
        .where(sql`${voters.id} = ${v.id} AND ${voters.deactivatedAt} IS NULL AND ${condition}`),
    );
    for (const message of convocationMessages({ ...v, numicHmac }, { identifier, password }, texts)) {
      pending.push({ body: await sealMessage(message, deps.sealingKey), voterId: v.id, identifierHmac });
    }
    records.push({ event: 'convocation', numicHmac, at: now, outcome: 'success', detail: JSON.stringify({ round }) });
  }
  if (records.length === 0) return 0;
  const lane = parseInt(records[0]!.numicHmac!.slice(0, 2), 16) % CONVOCATION_CHAINS;
  const { changes } = await deps.append(`convocation-${lane}`, records, (d) => [
    ...statements.map((s) => s(d)),
    ...conditionalOutbox(d, pending, now),
  ]);
  // The rows the batch wrote, as its INSERTs answered (no read back): a voter whose
  // credentials another delivery of this batch wrote first has none, and nothing is sent.
  const written = new Set(
    (changes.slice(statements.length) as { id: string }[][]).flatMap((rows) => rows.map((r) => r.id)),
  );
  const committed = pending.filter((m) => written.has(m.body.id)).map((m) => m.body);
  await deps.relay(committed, now).catch((err: unknown) => {
    // The scheduled relay hands them over within minutes: logged, not lost.
    log.error('convocation_relay_failed', err, { messages: committed.length, error: errorName(err) });
  });
  return records.length;
}

/** The CONVOKE queue's consumer, from the Worker's bindings. */
export async function consumeConvocations(
  batch: readonly Message<QueuedConvocation>[],
  env: Cloudflare.Env,
  hasher: PasswordHasher,
  now: () => number = Date.now,
): Promise<void> {
  const db = database(env.DB);
  const trail = d1AuditTrail({ write: () => db, head: () => db, witness: durableHeadWitness(env.AUDIT_HEAD) });
  try {
    await convoke(
      batch.map((m) => m.body),
      {
        db,
        hasher,
        identifierKey: env.IDENTIFIER_HMAC_KEY,
        numicKey: env.NUMIC_HMAC_KEY,
        sealingKey: env.DELIVERY_KEY,
        origin: env.PUBLIC_ORIGIN,
        electionId: Number(env.ELECTION_ID),
        append: (chain, records, change) => trail.append(chain, records, change),
        relay: (messages, at) => handOverCommitted(db, env.DELIVERY, messages, at),
        now,
      },
    );
    for (const m of batch) m.ack();
  } catch (err) {
    // Nothing of the batch was written (one transaction): every voter is tried again.
    log.error('convocation_batch_failed', err, { messages: batch.length });
    for (const m of batch) m.retry();
  }
}
