/**
 * Delivery through the DELIVERY queue: a slow or failing provider never loses a message.
 * The producer seals the secret (seal.ts); the consumer (consumer.ts) opens it, picks a
 * provider (providers/), retries with backoff (retry.ts) and records the outcome.
 */
import type { AuditRecord, AuditTrail } from '../audit';
import { CHAINS } from '../audit-chain';
import type { Database } from '../database';
import {
  decoyRow,
  insertRows,
  isCommitted,
  outboxRow,
  relay,
  sealMessage,
  type Confirmation,
  type OutboxRow,
} from './outbox';
import type { OutboundMessage } from './types';

export * from './types';
export { consumeDelivery, recordDeadLetters } from './consumer';
export { openSecret, sealSecret } from './seal';
export { relayPending, type Confirmation, type OutboxRow } from './outbox';
export { backoffSeconds, MAX_ATTEMPTS, MAX_RETRIES } from './retry';
export { providerFor } from './providers';

/** The queued form of a message: its secret sealed, never in clear. */
export interface QueuedDelivery {
  kind: 'delivery';
  id: string;
  message: Omit<OutboundMessage, 'secret'>;
  sealedSecret?: string;
}

/**
 * The `delivery` capability. A message that announces a change (a new password, a renewal
 * link, a notice) is written to the outbox in the same D1 batch as the change (`prepare`, then
 * the store writes it; or `commit` when the request changes nothing else), and handed to the
 * queue after the answer (`relay`): once a page says "sent", the message exists durably.
 */
export interface Delivery {
  /** Straight onto the queue: for a message that announces nothing D1 records. */
  send(message: OutboundMessage): Promise<void>;
  /**
   * The message sealed as an outbox row, to write with the change it announces. With
   * `decoy`, a row that costs the same and is never sent (a request that matched nobody):
   * one call either way, so both paths do the same work.
   */
  prepare(
    message: OutboundMessage,
    now: number,
    opts?: { decoy?: boolean; confirms?: Confirmation },
  ): Promise<OutboxRow>;
  /** Writes outbox rows and an audit event in one D1 batch (a request with no other write). */
  commit(rows: readonly OutboxRow[], audit: AuditRecord): Promise<void>;
  /** Hands committed rows to the queue; what fails is handed over by the scheduled relay. */
  relay(ids: readonly string[], now: number): Promise<void>;
  /**
   * Was the row `id` committed? Asked of the D1 primary after a batch reported an error: D1
   * may have committed it anyway, and then the change stands and its messages will go.
   */
  committed(id: string): Promise<boolean>;
}

export function queueDelivery(
  queue: Queue,
  sealingKey: string,
  db: () => Database = unavailable,
  primary: () => Database = db,
  trail?: AuditTrail,
): Delivery {
  return {
    async send(message) {
      await queue.send(await sealMessage(message, sealingKey), { contentType: 'json' });
    },
    prepare: (message, now, opts) =>
      opts?.decoy ? decoyRow(message, sealingKey, now) : outboxRow(message, sealingKey, now, opts?.confirms),
    async commit(rows, audit) {
      if (!trail) throw new Error('delivery: no audit trail for the outbox');
      await trail.append(CHAINS.renewal(audit.numicHmac), [audit], (d) => insertRows(d, rows));
    },
    async relay(ids, now) {
      await relay(db(), queue, ids, now);
    },
    committed: (id) => isCommitted(primary(), id),
  };
}

function unavailable(): Database {
  throw new Error('delivery: no database for the outbox');
}
