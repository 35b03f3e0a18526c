/**
 * The audit trail. A change's event is written in the same D1 batch as the change
 * (`auditInsert` gives the statement to add to the batch). An attempt that changes nothing in
 * D1 (a login) sends its event through the AUDIT queue — durable, unlike a bare waitUntil —
 * and the queue consumer writes events in batches. Never a secret in an event.
 */
import { auditEvents, type AuditEvent } from '../db/schema';
import type { Database } from './database';

export type AuditRecord = Required<Pick<AuditEvent, 'event' | 'at' | 'outcome'>> &
  Pick<AuditEvent, 'numicHmac' | 'detail'>;

export function auditInsert(db: Database, record: AuditRecord) {
  return db.insert(auditEvents).values(record);
}

/** The `audit` capability: events of attempts that change nothing in D1. */
export interface Audit {
  /** Durably queued when it resolves; the consumer writes it to D1. */
  record(event: AuditRecord): Promise<void>;
}

export function queuedAudit(queue: Queue): Audit {
  return {
    async record(record) {
      await queue.send({ kind: 'audit', record });
    },
  };
}

// D1 binds at most 100 parameters per statement ("too many SQL variables" beyond), and an
// audit row binds up to 5: one multi-row INSERT of a full queue batch (100 messages) fails.
export const AUDIT_ROWS_PER_INSERT = 20;

/** Queue consumer: one D1 batch (one round trip, atomic) per message batch. */
export async function writeAuditBatch(db: Database, records: AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  const [first, ...rest] = Array.from({ length: Math.ceil(records.length / AUDIT_ROWS_PER_INSERT) }, (_, i) =>
    db.insert(auditEvents).values(records.slice(i * AUDIT_ROWS_PER_INSERT, (i + 1) * AUDIT_ROWS_PER_INSERT)),
  );
  await db.batch([first!, ...rest]);
}
