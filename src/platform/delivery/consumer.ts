/**
 * The DELIVERY queue consumer: opens the sealed secret, puts it into the texts, hands each
 * message to its provider, and records the final outcome in `delivery_outcomes`.
 *
 * Every message is settled on its own (ack or retry), so one failing provider call never makes
 * the runtime retry the whole batch — which would send the other messages twice. D1 is asked
 * once per batch, not per message: one read for the messages already recorded, then one batch
 * writing every outcome (multi-row) and settling their outbox rows — a convocation of 1.6
 * million voters is 3.2 million messages through D1's single writer.
 */
import { inArray } from 'drizzle-orm';
import { deliveryOutcomes } from '../../db/schema';
import { database, type Database } from '../database';
import { errorName, log } from '../log';
import { providerFor, redact, scrub } from './providers';
import { backoffSeconds, isLastAttempt, MAX_ATTEMPTS } from './retry';
import { receiptId } from './receipts';
import { segmentOf } from './segments';
import { settledStatement } from './outbox';
import { openSecret } from './seal';
import { SECRET_PLACEHOLDER, type OutboundMessage, type OutcomeStatus, type ProviderAnswer } from './types';
import type { QueuedDelivery } from './index';

type Outgoing = Omit<OutboundMessage, 'secret'>;

interface Outcome {
  status: OutcomeStatus;
  attempts: number;
  provider: string;
  /** Recorded in D1 (secret-free, addresses masked). */
  answer: string;
  /** Logged: a code, never a provider's text. */
  code: string;
  /** The provider's id of a message it accepted, which its receipts will name. */
  providerMessageId?: string;
}

/**
 * Consumes a batch of the DELIVERY queue. `now` is injected (tests); a message whose
 * `expiresAt` has passed is dropped with an `expired` outcome, never sent late.
 */
export async function consumeDelivery(
  batch: readonly Message<unknown>[],
  env: Cloudflare.Env,
  now: () => number = Date.now,
): Promise<void> {
  const db = database(env.DB);
  let recorded: Set<string>;
  try {
    recorded = await recordedIds(db, batch.map(idOf));
  } catch (err) {
    // Nothing sent yet: every message is tried again.
    log.error('delivery_not_settled', err, { messages: batch.length });
    for (const msg of batch) msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
    return;
  }
  const seen = new Set<string>();
  const settlements = await Promise.all(
    batch.map((msg) => {
      const id = idOf(msg);
      // A message handed over again after its outcome was written (the runtime may redeliver
      // when a batch's result is lost), or twice in one batch, must not be sent twice.
      if (recorded.has(id) || seen.has(id)) return msg.ack();
      seen.add(id);
      return deliverOne(msg, id, env, now);
    }),
  );
  await settle(
    db,
    settlements.filter((s): s is Settlement => s !== undefined),
    now,
  );
}

/**
 * Consumes the dead-letter queue: the runtime gave up on these messages (the consumer crashed
 * or could not record them). Nothing is sent; a `failed` outcome is recorded unless one exists.
 */
export async function recordDeadLetters(
  batch: readonly Message<unknown>[],
  env: Cloudflare.Env,
  now: () => number = Date.now,
): Promise<void> {
  const db = database(env.DB);
  for (const msg of batch) {
    const body = asQueuedDelivery(msg.body);
    const id = body?.id ?? msg.id;
    try {
      if (!(await recordedIds(db, [id])).has(id)) {
        const outcome: Outcome = {
          status: 'failed',
          attempts: MAX_ATTEMPTS,
          provider: 'dead-letter',
          answer: `given up by the queue after ${MAX_ATTEMPTS} attempts`,
          code: 'dead_letter',
        };
        await writeOutcomes(db, [{ id, message: body?.message, outcome }], now());
      }
      log.warn('delivery_dead_lettered', undefined, { id });
      msg.ack();
    } catch (err) {
      log.error('dead_letter_not_recorded', err, { id });
      msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
    }
  }
}

/** A message's final outcome, to be written with the batch's others. */
interface Settlement {
  msg: Message<unknown>;
  id: string;
  message: Outgoing | undefined;
  outcome: Outcome;
  /** The provider took it: acknowledged even if its outcome cannot be written. */
  sent: boolean;
}

/** The id a message is recorded under. */
function idOf(msg: Message<unknown>): string {
  return asQueuedDelivery(msg.body)?.id ?? msg.id;
}

/**
 * Delivers one message not yet recorded. Resolves to its final outcome, or to nothing when it
 * was handed back to the queue for a later attempt.
 */
async function deliverOne(
  msg: Message<unknown>,
  id: string,
  env: Cloudflare.Env,
  now: () => number,
): Promise<Settlement | undefined> {
  const body = asQueuedDelivery(msg.body);
  const settle = (outcome: Outcome): Settlement => ({ msg, id, message: body?.message, outcome, sent: false });
  try {
    if (!body) return settle(final('failed', msg, 'none', 'malformed queue message', 'malformed_message'));
    const { message } = body;
    if (message.expiresAt !== undefined && now() > message.expiresAt) {
      return settle(final('expired', msg, 'none', 'content expired before delivery', 'content_expired'));
    }
    let secret: string | undefined;
    if (body.sealedSecret !== undefined) {
      const opened = await openSecret(env.DELIVERY_KEY, body.sealedSecret, {
        messageId: id,
        expiresAt: message.expiresAt,
      });
      if (opened === null)
        return settle(
          final('failed', msg, 'none', 'sealed secret not opened (DELIVERY_KEY changed?)', 'secret_not_opened'),
        );
      secret = opened;
    }
    const provider = providerFor(env, message.channel, now);
    if (!provider)
      return settle(final('failed', msg, 'none', `no provider configured for ${message.channel}`, 'no_provider'));

    let answer: ProviderAnswer;
    try {
      answer = await provider.deliver(fill(message, secret));
    } catch (err) {
      answer = {
        ok: false,
        retryable: true,
        answer: scrub(`exception: ${errorName(err)}`, [secret, message.to]),
        code: `exception_${errorName(err)}`,
      };
    }
    const said = redact(answer.answer, [secret, message.to]);

    if (!answer.ok && answer.retryable && !isLastAttempt(msg.attempts)) {
      const delaySeconds = backoffSeconds(msg.attempts, answer.retryAfterSeconds);
      log.warn('delivery_retry', undefined, {
        id,
        channel: message.channel,
        purpose: message.purpose,
        attempt: msg.attempts,
        provider: provider.name,
        answer: answer.code,
        retry: `${delaySeconds}s`,
      });
      msg.retry({ delaySeconds });
      return undefined;
    }
    const outcome = {
      ...final(answer.ok ? 'sent' : 'failed', msg, provider.name, said, answer.code),
      ...(answer.providerMessageId ? { providerMessageId: receiptId(answer.providerMessageId) } : {}),
    };
    return { ...settle(outcome), sent: answer.ok };
  } catch (err) {
    // Nothing was sent: try again; after the last attempt the dead-letter consumer records it.
    log.error('delivery_not_settled', err, { id, attempt: msg.attempts });
    msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
    return undefined;
  }
}

/**
 * Writes the batch's outcomes in one D1 batch, then settles each message: acknowledged once
 * its outcome is written. If the write fails, a message the provider took is acknowledged
 * all the same (it must not be sent again); any other is tried again.
 */
async function settle(db: Database, settlements: readonly Settlement[], now: () => number): Promise<void> {
  if (settlements.length === 0) return;
  try {
    await writeOutcomes(db, settlements, now());
  } catch (err) {
    for (const s of settlements) {
      if (s.sent) {
        log.error('delivery_outcome_not_recorded', err, { id: s.id });
        logOutcome(s.id, s.message, s.outcome);
        s.msg.ack();
      } else {
        log.error('delivery_not_settled', err, { id: s.id, attempt: s.msg.attempts });
        s.msg.retry({ delaySeconds: backoffSeconds(s.msg.attempts) });
      }
    }
    return;
  }
  for (const s of settlements) {
    logOutcome(s.id, s.message, s.outcome);
    s.msg.ack();
  }
}

/** The texts with the secret put back: as is in text, HTML-escaped in HTML. */
function fill(message: Outgoing, secret: string | undefined): Outgoing {
  if (secret === undefined) return message;
  return {
    ...message,
    text: message.text.replaceAll(SECRET_PLACEHOLDER, secret),
    ...(message.html !== undefined ? { html: message.html.replaceAll(SECRET_PLACEHOLDER, escapeHtml(secret)) } : {}),
  };
}

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function final(status: OutcomeStatus, msg: Message<unknown>, provider: string, answer: string, code: string): Outcome {
  return { status, attempts: msg.attempts, provider, answer, code };
}

/** Which of `ids` already have an outcome: one read (a batch binds at most 100 ids). */
async function recordedIds(db: Database, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: deliveryOutcomes.messageId })
    .from(deliveryOutcomes)
    .where(inArray(deliveryOutcomes.messageId, [...new Set(ids)]))
    .all();
  return new Set(rows.map((r) => r.id));
}

/** The columns an outcome row binds: D1 takes at most 100 parameters per statement. */
const OUTCOME_PARAMS_PER_ROW = 11;
const OUTCOME_ROWS_PER_INSERT = Math.floor(100 / OUTCOME_PARAMS_PER_ROW);
/** The settlement binds its two values besides the ids (a batch may hold up to 100 messages). */
const SETTLED_IDS_PER_UPDATE = 98;

/**
 * The outcomes (multi-row INSERTs of at most 100 parameters) and their outbox rows' settlement
 * in one batch: once a message has its final outcome, its sealed part (a password, a link) is
 * wiped from D1.
 */
async function writeOutcomes(
  db: Database,
  entries: readonly { id: string; message: Outgoing | undefined; outcome: Outcome }[],
  at: number,
) {
  const rows = entries.map(({ id, message, outcome: o }) => ({
    messageId: id,
    channel: message?.channel ?? 'unknown',
    purpose: message?.purpose ?? 'unknown',
    numicHmac: message?.numicHmac ?? null,
    status: o.status,
    attempts: o.attempts,
    provider: o.provider,
    providerAnswer: o.answer,
    createdAt: at,
    providerMessageId: o.providerMessageId ?? null,
    segment: message ? segmentOf(message.channel, message.to) : null,
  }));
  const inserts = [];
  for (let i = 0; i < rows.length; i += OUTCOME_ROWS_PER_INSERT)
    inserts.push(db.insert(deliveryOutcomes).values(rows.slice(i, i + OUTCOME_ROWS_PER_INSERT)));
  const ids = [...new Set(entries.map((e) => e.id))];
  const settled = [];
  for (let i = 0; i < ids.length; i += SETTLED_IDS_PER_UPDATE)
    settled.push(settledStatement(db, ids.slice(i, i + SETTLED_IDS_PER_UPDATE), at));
  const [first, ...rest] = [...settled, ...inserts];
  if (first) await db.batch([first, ...rest]);
}

/**
 * One line per final outcome: the message id, channel, purpose and the answer's code — never
 * an address, nor the provider's text (recorded in D1 with addresses masked).
 */
function logOutcome(id: string, message: Outgoing | undefined, o: Outcome): void {
  const facts = {
    id,
    channel: message?.channel,
    purpose: message?.purpose,
    attempts: o.attempts,
    provider: o.provider,
    answer: o.code,
  };
  if (o.status === 'sent') log.info('delivery_sent', facts);
  else log.warn(o.status === 'expired' ? 'delivery_expired' : 'delivery_failed', undefined, facts);
}

/** The queued body, checked: anything else (an old or foreign format) is not delivered. */
function asQueuedDelivery(body: unknown): QueuedDelivery | null {
  const b = body as Partial<QueuedDelivery> | null;
  const m = b?.message;
  if (
    b?.kind !== 'delivery' ||
    typeof b.id !== 'string' ||
    !m ||
    (m.channel !== 'email' && m.channel !== 'sms') ||
    typeof m.to !== 'string' ||
    typeof m.text !== 'string' ||
    typeof m.purpose !== 'string' ||
    (b.sealedSecret !== undefined && typeof b.sealedSecret !== 'string')
  ) {
    return null;
  }
  return b as QueuedDelivery;
}
