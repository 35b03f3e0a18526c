/**
 * The AUDIT queue's consumers. The main one writes each batch as the next links of the
 * `queue` chain; when D1 keeps refusing, the runtime gives up after max_retries and moves the
 * messages to the audit dead-letter queue, whose consumer writes them anyway, late, into the
 * `dead-letter` chain — before it had no consumer and its events were lost after the queue's
 * retention. Neither drops an event it cannot write as it is (a malformed body): it records
 * that, with what the body held, in its place.
 */
import { log } from './log';
import { CHAINS } from './audit-chain';
import type { AuditRecord, AuditTrail } from './audit';
import { writeAuditBatch } from './audit';

export interface QueuedAudit {
  kind: 'audit';
  record: AuditRecord;
}

/** Must equal max_retries of every audit dead-letter consumer in wrangler.toml (a test checks). */
export const AUDIT_DLQ_MAX_RETRIES = 100;
/** The longest delay the Queues API takes for a retry (12 hours). */
const MAX_DELAY_S = 43_200;
// Longer than any event the portal writes; D1 rows may be far larger.
const MAX_FIELD = 10_000;

/** The event of a queued body, or an `audit-malformed` event standing for it. */
export function auditRecordOf(body: unknown, now: number): AuditRecord {
  const r = (body as { record?: Partial<AuditRecord> } | null)?.record;
  const text = (v: unknown, max: number) => typeof v === 'string' && v.length > 0 && v.length <= max;
  const optional = (v: unknown) => v === undefined || v === null || text(v, MAX_FIELD);
  if (
    r &&
    text(r.event, 100) &&
    text(r.outcome, 100) &&
    Number.isSafeInteger(r.at) &&
    optional(r.numicHmac) &&
    optional(r.detail)
  ) {
    return {
      event: r.event!,
      at: r.at!,
      outcome: r.outcome!,
      numicHmac: r.numicHmac ?? null,
      detail: r.detail ?? null,
    };
  }
  let held: string;
  try {
    held = JSON.stringify(body) ?? String(body);
  } catch {
    held = String(body);
  }
  return { event: 'audit-malformed', at: now, outcome: 'recorded', numicHmac: null, detail: held.slice(0, MAX_FIELD) };
}

/**
 * One batch of the AUDIT queue (`deadLetters`: of its dead-letter queue): one D1 batch, every
 * message acknowledged once written, every one retried if not.
 */
export async function consumeAudit(
  messages: readonly Message<unknown>[],
  trail: AuditTrail,
  deadLetters: boolean,
  now: () => number = Date.now,
): Promise<void> {
  if (messages.length === 0) return;
  const at = now();
  const records = messages.map((m) => auditRecordOf(m.body, at));
  try {
    await writeAuditBatch(trail, records, deadLetters ? CHAINS.deadLetter : CHAINS.queue);
    for (const m of messages) m.ack();
    if (deadLetters) log.warn('audit_dead_letters_written', undefined, { events: messages.length });
  } catch (err) {
    if (!deadLetters) {
      // After max_retries the runtime moves them to the audit DLQ, whose consumer keeps trying.
      // The error's name only: D1's message carries the rows' parameters.
      log.error('audit_batch_not_written', err, { events: messages.length, retry: '5s' });
      for (const m of messages) m.retry({ delaySeconds: 5 });
      return;
    }
    for (const [i, m] of messages.entries()) {
      if (m.attempts > AUDIT_DLQ_MAX_RETRIES) {
        // The last try: the queue drops it after this. Its only copy left is this log line
        // (Workers Logs; an event holds no secret), from which an operator can write it back.
        const r = records[i]!;
        log.error('audit_dead_letter_given_up', undefined, {
          event: r.event,
          outcome: r.outcome,
          at: r.at,
          numicHmac: r.numicHmac ?? undefined,
        });
      }
      m.retry({ delaySeconds: Math.min(MAX_DELAY_S, 30 * 2 ** (m.attempts - 1)) });
    }
    log.error('audit_dead_letters_not_written', err, { events: messages.length });
  }
}
