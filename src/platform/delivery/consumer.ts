/**
 * The DELIVERY queue consumer: opens the sealed secret, puts it into the texts, hands each
 * message to its provider, and records the final outcome in `delivery_outcomes`.
 *
 * Every message is settled on its own (ack or retry), so one failing provider call never makes
 * the runtime retry the whole batch — which would send the other messages twice.
 */
import { eq } from 'drizzle-orm';
import { deliveryOutcomes } from '../../db/schema';
import { database, type Database } from '../database';
import { errorName, log } from '../log';
import { providerFor, redact, scrub } from './providers';
import { backoffSeconds, isLastAttempt, MAX_ATTEMPTS } from './retry';
import { settledStatement } from './outbox';
import { receiptId } from './receipts';
import { segmentOf } from './segments';
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
  await Promise.all(batch.map((msg) => deliverOne(msg, env, db, now)));
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
      if (!(await alreadyRecorded(db, id))) {
        await insertOutcome(db, id, body?.message, now, {
          status: 'failed',
          attempts: MAX_ATTEMPTS,
          provider: 'dead-letter',
          answer: `given up by the queue after ${MAX_ATTEMPTS} attempts`,
          code: 'dead_letter',
        });
      }
      log.warn('delivery_dead_lettered', undefined, { id });
      msg.ack();
    } catch (err) {
      log.error('dead_letter_not_recorded', err, { id });
      msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
    }
  }
}

async function deliverOne(msg: Message<unknown>, env: Cloudflare.Env, db: Database, now: () => number): Promise<void> {
  const body = asQueuedDelivery(msg.body);
  const id = body?.id ?? msg.id;
  const settle = async (outcome: Outcome) => {
    await insertOutcome(db, id, body?.message, now, outcome);
    logOutcome(id, body?.message, outcome);
    msg.ack();
  };
  try {
    if (!body) return await settle(final('failed', msg, 'none', 'malformed queue message', 'malformed_message'));
    const { message } = body;
    // A message handed over again after its outcome was written (the runtime may redeliver
    // when a batch's result is lost) must not be sent twice.
    if (await alreadyRecorded(db, id)) return msg.ack();
    if (message.expiresAt !== undefined && now() > message.expiresAt) {
      return await settle(final('expired', msg, 'none', 'content expired before delivery', 'content_expired'));
    }
    let secret: string | undefined;
    if (body.sealedSecret !== undefined) {
      const opened = await openSecret(env.DELIVERY_KEY, body.sealedSecret, {
        messageId: id,
        expiresAt: message.expiresAt,
      });
      if (opened === null)
        return await settle(
          final('failed', msg, 'none', 'sealed secret not opened (DELIVERY_KEY changed?)', 'secret_not_opened'),
        );
      secret = opened;
    }
    const provider = providerFor(env, message.channel, now);
    if (!provider)
      return await settle(final('failed', msg, 'none', `no provider configured for ${message.channel}`, 'no_provider'));

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
      return msg.retry({ delaySeconds });
    }
    const outcome = {
      ...final(answer.ok ? 'sent' : 'failed', msg, provider.name, said, answer.code),
      ...(answer.providerMessageId ? { providerMessageId: receiptId(answer.providerMessageId) } : {}),
    };
    if (answer.ok) {
      // Sent: whatever happens to the outcome row, the message must not be sent again.
      try {
        await insertOutcome(db, id, message, now, outcome);
      } catch (err) {
        log.error('delivery_outcome_not_recorded', err, { id });
      }
      logOutcome(id, message, outcome);
      return msg.ack();
    }
    await settle(outcome);
  } catch (err) {
    // Nothing was sent (or the send was refused) and the outcome could not be written:
    // try again; after the last attempt the dead-letter consumer records it.
    log.error('delivery_not_settled', err, { id, attempt: msg.attempts });
    msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
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

async function alreadyRecorded(db: Database, messageId: string): Promise<boolean> {
  const row = await db
    .select({ id: deliveryOutcomes.id })
    .from(deliveryOutcomes)
    .where(eq(deliveryOutcomes.messageId, messageId))
    .limit(1)
    .get();
  return row !== undefined;
}

async function insertOutcome(
  db: Database,
  messageId: string,
  message: Outgoing | undefined,
  now: () => number,
  o: Outcome,
) {
  // The outcome and the outbox row's settlement in one batch: once the message has its final
  // outcome, its sealed part (a password, a link) is wiped from D1.
  await db.batch([
    db.insert(deliveryOutcomes).values({
      messageId,
      channel: message?.channel ?? 'unknown',
      purpose: message?.purpose ?? 'unknown',
      numicHmac: message?.numicHmac ?? null,
      status: o.status,
      attempts: o.attempts,
      provider: o.provider,
      providerAnswer: o.answer,
      createdAt: now(),
      providerMessageId: o.providerMessageId ?? null,
      segment: message ? segmentOf(message.channel, message.to) : null,
    }),
    settledStatement(db, messageId, now()),
  ]);
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
