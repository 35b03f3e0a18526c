/**
 * The audit trail. A change's event is written in the same D1 batch as the change
 * (`AuditTrail.append` with the change's statements): they stand or fall together. An attempt
 * that changes nothing in D1 (a login) sends its event through the AUDIT queue — durable,
 * unlike a bare waitUntil — and the queue consumer writes events in batches. Never a secret
 * in an event.
 *
 * Every event is the next link of a chain (audit-chain.ts computes them): a writer reads its
 * chain's head, links its events after it and writes them in its batch; the database refuses
 * anything but the next link (migration 0003), so a writer that lost the race to another one
 * fails as a whole, change included, and tries again from the new head.
 */
import { desc, eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { auditEvents, type AuditEvent } from '../db/schema';
import { CHAINS, linkRecords, type ChainedRecord, type ChainHead } from './audit-chain';
import type { HeadWitness } from './audit-head';
import type { Database } from './database';
import { log } from './log';

export type AuditRecord = Required<Pick<AuditEvent, 'event' | 'at' | 'outcome'>> &
  Pick<AuditEvent, 'numicHmac' | 'detail'>;

/** The `audit` capability: events of attempts that change nothing in D1. */
export interface Audit {
  /** Durably queued when it resolves; the consumer writes it to D1. */
  record(event: AuditRecord): Promise<void>;
}

/**
 * `trail`: where an event goes when the queue refuses it — straight into the `queue` chain in
 * D1, as the consumer would have written it (a race with the consumer for the chain's next link
 * is what `append` already retries). An attempt the request went on to make (a login counted in
 * the voter's object) keeps its event; only when D1 refuses too does `record` throw.
 */
export function queuedAudit(queue: Queue, trail?: AuditTrail): Audit {
  return {
    async record(record) {
      try {
        await queue.send({ kind: 'audit', record });
      } catch (err) {
        if (!trail) throw err;
        log.error('audit_queue_refused', err);
        await trail.append(CHAINS.queue, [record]).catch(() => Promise.reject(err));
      }
    },
  };
}

// D1 binds at most 100 parameters per statement ("too many SQL variables" beyond), and a
// chained row binds up to 9: one multi-row INSERT of a full queue batch (100 messages) fails.
export const AUDIT_PARAMS_PER_ROW = 9;
export const AUDIT_ROWS_PER_INSERT = Math.floor(100 / AUDIT_PARAMS_PER_ROW);
/** Tries of one append when other writers keep taking the chain's next position first. */
export const APPEND_ATTEMPTS = 6;

/** The statements of the change an append records, built on the database of its batch. */
export type Change = (db: Database) => BatchItem<'sqlite'>[];

export interface AuditTrail {
  /**
   * Writes `records` as the next links of `chain`, in one D1 batch after the statements of
   * `change`; when another writer took the chain's next position first, the whole batch
   * (change included) is refused and written again from the new head, up to APPEND_ATTEMPTS
   * times. Resolves to the chain's new head, once the AuditHead object has been told.
   */
  append(chain: string, records: readonly AuditRecord[], change?: Change): Promise<Appended>;
}

/** The chain's new head, and what each statement of the change answered (in order). */
export interface Appended extends ChainHead {
  changes: readonly unknown[];
}

export interface TrailDeps {
  /** Where the batch goes (a request's own session, so that its bookmark covers the write). */
  write: () => Database;
  /** Where the head is read: the primary, since a lagging replica's head loses every race. */
  head: () => Database;
  witness: HeadWitness;
  /** The wait before attempt `attempt + 1` (tests pass none). */
  pause?: (attempt: number) => Promise<void>;
}

// Random, growing waits: writers that collided once do not collide again in lockstep.
const jitteredPause = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));

export function d1AuditTrail({ write, head, witness, pause = jitteredPause }: TrailDeps): AuditTrail {
  return {
    async append(chain, records, change = () => []) {
      if (records.length === 0) throw new Error('audit: nothing to append');
      for (let attempt = 1; ; attempt++) {
        const links = await linkRecords(chain, await chainHead(head(), chain), records);
        const d = write();
        const statements = change(d);
        const [first, ...rest] = [...statements, ...insertLinks(d, links)];
        let answers: readonly unknown[];
        try {
          answers = await d.batch([first!, ...rest]);
        } catch (err) {
          if (!lostRace(err) || attempt >= APPEND_ATTEMPTS) throw err;
          await pause(attempt);
          continue;
        }
        const last = links[links.length - 1]!;
        const reached: ChainHead = { chain, seq: last.seq, hash: last.hash, at: last.at };
        // The events are written: a head that could not be told lags behind until the next
        // write on the chain, which `verify` reports (events past the head), nothing more.
        await witness.advance(reached).catch((e: unknown) => {
          log.error('audit_head_not_advanced', e, { chain, seq: last.seq });
        });
        return { ...reached, changes: answers.slice(0, statements.length) };
      }
    },
  };
}

/** The chain's last event, from D1 (the source of truth; the AuditHead object may lag). */
async function chainHead(db: Database, chain: string) {
  const row = await db
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.chain, chain))
    .orderBy(desc(auditEvents.seq))
    .limit(1)
    .get();
  return row && row.seq !== null && row.hash !== null ? { seq: row.seq, hash: row.hash } : null;
}

function insertLinks(db: Database, links: readonly ChainedRecord[]) {
  return Array.from({ length: Math.ceil(links.length / AUDIT_ROWS_PER_INSERT) }, (_, i) =>
    db.insert(auditEvents).values(links.slice(i * AUDIT_ROWS_PER_INSERT, (i + 1) * AUDIT_ROWS_PER_INSERT)),
  );
}

/** The refusal of migration 0003's trigger (or the unique index behind it): someone else's link. */
function lostRace(err: unknown): boolean {
  const said = (e: unknown): string => (e instanceof Error ? `${e.message} ${said(e.cause)}` : '');
  return /not the next link of its chain|UNIQUE constraint failed: audit_events\.chain/.test(said(err));
}

/** Writes a queue batch's events as the next links of `chain`: one D1 batch, atomic. */
export async function writeAuditBatch(
  trail: AuditTrail,
  records: readonly AuditRecord[],
  chain: string,
): Promise<ChainHead | null> {
  return records.length === 0 ? null : trail.append(chain, records);
}
