/**
 * The transactional outbox (schema.ts `outbox`). A flow seals its messages into rows
 * (`prepare`), writes them in the same D1 batch as the change they announce, and once the
 * answer is decided hands them to the queue at once (`relay`, after the response, through
 * `waitUntil`); the scheduled relay (`relayPending`, every minute) hands over again whatever
 * the queue has not settled, until the consumer records the final outcome and wipes the row's
 * sealed part (`settledStatement`). Delivery is at least once; the consumer's outcome table
 * makes it at most once per message id.
 */
import { and, eq, gt, inArray, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { outbox } from '../../db/schema';
import type { Database } from '../database';
import { log } from '../log';
import { CONFIRM_WITHIN_MS, type Credential } from '../guard/renewal';
import { sealSecret } from './seal';
import { SECRET_PLACEHOLDER, type OutboundMessage } from './types';
import type { QueuedDelivery } from './index';

export type OutboxRow = typeof outbox.$inferInsert;

/** How long a handed-over row may stay unsettled before the scheduled relay hands it over again. */
export const RELAY_AGAIN_MS = 2 * 60_000;
/** How long the request's own relay has before the scheduled one takes a row over. */
export const FIRST_RELAY_GRACE_MS = 30_000;
/** Rows the scheduled relay hands over per run (one sendBatch holds at most 100 messages). */
export const RELAY_BATCH = 100;

/**
 * The queued form of a message, its secret sealed. Throws on a message that breaks the
 * `{{secret}}` contract (a bug in the flow, caught by its tests) rather than queue a secret in
 * clear or a placeholder unfilled.
 */
export async function sealMessage(message: OutboundMessage, sealingKey: string): Promise<QueuedDelivery> {
  checkSecretContract(message);
  const { secret, ...rest } = message;
  const id = crypto.randomUUID();
  return {
    kind: 'delivery',
    id,
    message: rest,
    ...(secret !== undefined
      ? { sealedSecret: await sealSecret(sealingKey, secret, { messageId: id, expiresAt: rest.expiresAt }) }
      : {}),
  };
}

/** A renewal that the relay confirms in the voter's object, should the request not have. */
export interface Confirmation {
  numicHmac: string;
  credential: Credential;
  at: number;
}

/** A row for `message`, to write with the change it announces. */
export async function outboxRow(
  message: OutboundMessage,
  sealingKey: string,
  now: number,
  confirms?: Confirmation,
): Promise<OutboxRow> {
  const body = await sealMessage(message, sealingKey);
  return {
    id: body.id,
    body: JSON.stringify(body),
    createdAt: now,
    relayedAt: null,
    doneAt: null,
    confirms: confirms ? JSON.stringify(confirms) : null,
  };
}

/**
 * A row that costs what a real one costs (the same sealing, the same INSERT) and is never
 * sent: the request it stands for matched nobody.
 */
export async function decoyRow(message: OutboundMessage, sealingKey: string, now: number): Promise<OutboxRow> {
  const row = await outboxRow(message, sealingKey, now);
  return { ...row, body: null, doneAt: now };
}

export function insertRows(db: Database, rows: readonly OutboxRow[]) {
  return rows.map((row) => db.insert(outbox).values(row));
}

/**
 * An outbox row written only if `where` holds over `table` (one row of it) when the batch runs:
 * a message that must go only if the change it announces took (a convocation whose credentials
 * were written, a correction whose approval this operator won).
 */
export function conditionalRow(d: Database, row: OutboxRow, table: SQLiteTable, where: SQL) {
  return d.insert(outbox).select(
    d
      .select({
        id: sql<string>`${row.id}`.as('id'),
        body: sql<string | null>`${row.body}`.as('body'),
        createdAt: sql<number>`${row.createdAt}`.as('created_at'),
        relayedAt: sql<null>`NULL`.as('relayed_at'),
        doneAt: sql<number | null>`${row.doneAt ?? null}`.as('done_at'),
        confirms: sql<string | null>`${row.confirms ?? null}`.as('confirms'),
      })
      .from(table)
      .where(where),
  );
}

/**
 * Hands the rows `ids` to the queue, those not yet settled, and notes when. Reads the rows
 * back from D1, so it sends only what was committed.
 */
export async function relay(db: Database, queue: Queue, ids: readonly string[], now: number): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await db
    .select({ id: outbox.id, body: outbox.body })
    .from(outbox)
    .where(and(inArray(outbox.id, [...ids]), isNull(outbox.doneAt)))
    .all();
  return handOver(db, queue, rows, now);
}

/**
 * The scheduled relay. First the renewals of the last minutes are confirmed in their voters'
 * objects (idempotent: most were confirmed by their request; this catches a Worker that died
 * after D1 took the change), then every row neither settled nor handed over recently is.
 */
export async function relayPending(
  db: Database,
  queue: Queue,
  now: number,
  confirm: (c: Confirmation) => Promise<void>,
): Promise<number> {
  const recent = await db
    .select({ confirms: outbox.confirms })
    .from(outbox)
    .where(and(isNotNull(outbox.confirms), gt(outbox.createdAt, now - CONFIRM_WITHIN_MS)))
    .all();
  // One voter's object unreachable must not hold back every other message: a confirmation
  // that fails is logged and tried again at the next run (the rows stay recent for a while).
  const confirmed = await Promise.allSettled(recent.map((r) => confirm(JSON.parse(r.confirms!) as Confirmation)));
  const failed = confirmed.filter((c): c is PromiseRejectedResult => c.status === 'rejected');
  if (failed.length > 0) log.error('renewal_confirm_failed', failed[0]!.reason, { renewals: failed.length });
  const rows = await db
    .select({ id: outbox.id, body: outbox.body })
    .from(outbox)
    .where(
      and(
        isNull(outbox.doneAt),
        or(
          // Not handed over yet: the request's own relay is given a moment first.
          and(isNull(outbox.relayedAt), lte(outbox.createdAt, now - FIRST_RELAY_GRACE_MS)),
          lte(outbox.relayedAt, now - RELAY_AGAIN_MS),
        ),
      ),
    )
    .orderBy(outbox.createdAt)
    .limit(RELAY_BATCH)
    .all();
  return handOver(db, queue, rows, now);
}

function handOver(
  db: Database,
  queue: Queue,
  rows: readonly { id: string; body: string | null }[],
  now: number,
): Promise<number> {
  const sendable = rows.flatMap((r) => (r.body === null ? [] : [JSON.parse(r.body) as QueuedDelivery]));
  return handOverCommitted(db, queue, sendable, now);
}

/**
 * Hands to the queue messages whose rows are committed and unsettled — as read back, or as the
 * batch that wrote them answered — and notes when.
 */
export async function handOverCommitted(
  db: Database,
  queue: Queue,
  messages: readonly QueuedDelivery[],
  now: number,
): Promise<number> {
  if (messages.length === 0) return 0;
  // JSON, not the default structured clone: dead letters stay readable in the dashboard.
  // Each part noted as handed over once the queue took it: a part refused later is handed over
  // again by the scheduled relay, the ones before it are not.
  for (const chunk of sendBatches(messages)) {
    await queue.sendBatch(chunk.map((body) => ({ body, contentType: 'json' })));
    const ids = chunk.map((m) => m.id);
    const [first, ...rest] = Array.from({ length: Math.ceil(ids.length / RELAYED_IDS_PER_UPDATE) }, (_, i) =>
      db
        .update(outbox)
        .set({ relayedAt: now })
        .where(inArray(outbox.id, ids.slice(i * RELAYED_IDS_PER_UPDATE, (i + 1) * RELAYED_IDS_PER_UPDATE))),
    );
    await db.batch([first!, ...rest]);
  }
  return messages.length;
}

/** The hand-over's time and the ids: D1 binds at most 100 values per statement. */
const RELAYED_IDS_PER_UPDATE = 99;

/** Queues' sendBatch: at most 100 messages and 256 KB in all (a margin kept for the envelope). */
export const SEND_BATCH_MESSAGES = 100;
export const SEND_BATCH_BYTES = 224 * 1024;

const utf8 = new TextEncoder();

/** `messages` in the fewest sendBatch calls the Queues limits allow, in order. */
export function sendBatches<T>(messages: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = utf8.encode(JSON.stringify(m)).length;
    if (current.length > 0 && (current.length >= SEND_BATCH_MESSAGES || bytes + size > SEND_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export async function isCommitted(db: Database, id: string): Promise<boolean> {
  const row = await db.select({ id: outbox.id }).from(outbox).where(eq(outbox.id, id)).get();
  return row !== undefined;
}

/** Settles rows once their messages have a final outcome: the sealed part is wiped. */
export function settledStatement(db: Database, ids: readonly string[], now: number) {
  return db
    .update(outbox)
    .set({ body: null, doneAt: now })
    .where(inArray(outbox.id, [...ids]));
}

/**
 * The secret travels apart and appears in the texts only as `{{secret}}`: never in clear
 * (it would sit in the queue and the outbox), never in the subject (subjects show in
 * notifications and provider logs), and a placeholder without a secret would reach the voter
 * unfilled.
 */
function checkSecretContract(m: OutboundMessage): void {
  const parts = [m.text, m.html ?? ''];
  if (m.subject?.includes(SECRET_PLACEHOLDER)) throw new Error('delivery: {{secret}} is not allowed in a subject');
  if (m.secret === undefined) {
    if (parts.some((p) => p.includes(SECRET_PLACEHOLDER)))
      throw new Error('delivery: {{secret}} used without a secret');
    return;
  }
  if (m.secret === '') throw new Error('delivery: empty secret');
  if ([...parts, m.subject ?? ''].some((p) => p.includes(m.secret!))) {
    throw new Error('delivery: the secret must be written as {{secret}}, not in clear');
  }
  if (!parts.some((p) => p.includes(SECRET_PLACEHOLDER)))
    throw new Error('delivery: a secret without {{secret}} in the texts');
}
