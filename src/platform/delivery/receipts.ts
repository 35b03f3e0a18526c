/**
 * Delivery receipts: what the provider says became of a message after it accepted it. Brevo
 * posts them to `/hooks/brevo` (features/webhooks): transactional e-mail events carry
 * `event` and `message-id`, SMS events `msg_status` and `messageId`. Each is reduced to one of
 * three words — delivered, bounced (final failure), deferred (still trying) — recorded once per
 * message and event (a replay changes nothing), and only for a message we sent: an unknown id
 * is ignored, so a forged receipt can name nothing but our own messages. The console's "no
 * news" is computed from our own send records (stats.ts), never from receipts.
 */
import { inArray, sql } from 'drizzle-orm';
import { deliveryOutcomes, deliveryReceipts } from '../../db/schema';
import * as z from 'zod/mini';
import type { Database } from '../database';

export type ReceiptKind = 'delivered' | 'bounced' | 'deferred';

export interface Receipt {
  providerMessageId: string;
  /** The provider's event name as sent (`hard_bounce`, `delivered`…), lower-cased. */
  event: string;
  kind: ReceiptKind;
  /** When the provider says it happened (epoch ms). */
  at: number;
}

/** Brevo's e-mail ids come as `<…@smtp-relay…>` from the API and bare in webhooks: one form for both. */
export function receiptId(value: unknown): string {
  return String(value ?? '')
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .slice(0, 200);
}

/** Brevo's e-mail and SMS event names (both spellings the docs use) → what they mean for delivery. */
const KINDS: Record<string, ReceiptKind | null> = {
  delivered: 'delivered',
  opened: 'delivered',
  unique_opened: 'delivered',
  click: 'delivered',
  replied: 'delivered',
  hard_bounce: 'bounced',
  hardbounce: 'bounced',
  blocked: 'bounced',
  invalid: 'bounced',
  invalid_email: 'bounced',
  error: 'bounced',
  spam: 'bounced',
  rejected: 'bounced',
  skip: 'bounced',
  soft_bounce: 'deferred',
  softbounce: 'deferred',
  deferred: 'deferred',
  // Accepted by the provider: what our own send record already says.
  request: null,
  sent: null,
  accepted: null,
  proxy_open: null,
  unique_proxy_open: null,
  unsubscribed: null,
  subscribe: null,
  unsubscribe: null,
};

const id = z.union([z.string().check(z.minLength(1), z.maxLength(200)), z.number()]);
const seconds = z.optional(z.number());
const emailEvent = z.object({
  event: z.string().check(z.maxLength(40)),
  'message-id': id,
  ts_event: seconds,
  ts_epoch: seconds,
});
const smsEvent = z.object({
  msg_status: z.string().check(z.maxLength(40)),
  messageId: id,
  ts_event: seconds,
  date: z.optional(z.string().check(z.maxLength(40))),
});
const event = z.union([emailEvent, smsEvent]);
/** One event, or a batched webhook's array of them (Brevo's "batched webhooks"). */
export const brevoPayload = z.union([event, z.array(event).check(z.maxLength(1000))]);

/**
 * The receipts of a validated payload. Events that say nothing of delivery (opened aside) are
 * dropped; so is a time the provider cannot have meant (more than a day ahead of `now`).
 */
export function parseBrevo(payload: z.infer<typeof brevoPayload>, now: number): Receipt[] {
  const events = Array.isArray(payload) ? payload : [payload];
  const out: Receipt[] = [];
  for (const e of events) {
    const name = ('event' in e ? e.event : e.msg_status).toLowerCase();
    const kind = KINDS[name];
    if (!kind) continue;
    const at = eventTime(e, now);
    const providerMessageId = receiptId('message-id' in e ? e['message-id'] : e.messageId);
    if (providerMessageId) out.push({ providerMessageId, event: name, kind, at });
  }
  return out;
}

function eventTime(e: { ts_event?: number; ts_epoch?: number; date?: string }, now: number): number {
  const candidates = [
    e.ts_epoch,
    e.ts_event !== undefined ? e.ts_event * 1000 : undefined,
    e.date ? Date.parse(e.date) : undefined,
  ];
  const at = candidates.find((t): t is number => t !== undefined && Number.isFinite(t) && t > 0);
  return at !== undefined && at <= now + 86_400_000 ? at : now;
}

/** Which word wins when several arrive: a final one over "deferred", delivered over bounced. */
const RANK = { deferred: 1, bounced: 2, delivered: 3 } as const;

/**
 * Records receipts: each is kept only if it names a message we sent and is new (unique per
 * message and event), and the message's latest word is raised by it. One D1 batch: all or none.
 * Returns how many named a message of ours.
 */
export async function recordReceipts(db: Database, receipts: readonly Receipt[], now: number): Promise<number> {
  if (receipts.length === 0) return 0;
  const known = await knownIds(db, [...new Set(receipts.map((r) => r.providerMessageId))]);
  const ours = receipts.filter((r) => known.has(r.providerMessageId));
  if (ours.length === 0) return 0;
  const rank = sql`CASE ${deliveryOutcomes.receipt} WHEN 'deferred' THEN 1 WHEN 'bounced' THEN 2
                   WHEN 'delivered' THEN 3 ELSE 0 END`;
  const [first, ...rest] = ours.flatMap((r) => [
    db
      .insert(deliveryReceipts)
      .values({ providerMessageId: r.providerMessageId, event: r.event, at: r.at, receivedAt: now })
      .onConflictDoNothing(),
    db
      .update(deliveryOutcomes)
      .set({ receipt: r.kind, receiptAt: r.at })
      .where(sql`${deliveryOutcomes.providerMessageId} = ${r.providerMessageId} AND ${RANK[r.kind]} > ${rank}`),
  ]);
  await db.batch([first!, ...rest]);
  return ours.length;
}

/** The ids among `ids` that name a message of ours (chunks within D1's 100 bound parameters). */
async function knownIds(db: Database, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    const rows = await db
      .selectDistinct({ id: deliveryOutcomes.providerMessageId })
      .from(deliveryOutcomes)
      .where(inArray(deliveryOutcomes.providerMessageId, chunk))
      .all();
    for (const r of rows) if (r.id) found.add(r.id);
  }
  return found;
}
