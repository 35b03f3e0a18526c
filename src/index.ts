/**
 * The Worker: the app's fetch handler, the queue consumers, and the Durable Object classes.
 */
import { createApp } from './app';
import { d1AuditTrail, writeAuditBatch, type AuditRecord } from './platform/audit';
import { CHAINS } from './platform/audit-chain';
import { durableHeadWitness } from './platform/audit-head';
import { database } from './platform/database';
import { consumeDelivery, recordDeadLetters, type QueuedDelivery } from './platform/delivery';

export { AccessState } from './platform/guard/access-state';
export { AuditHead } from './platform/audit-head';

const app = createApp();

type QueuedMessage = { kind: 'audit'; record: AuditRecord } | QueuedDelivery;

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    // A body of no known kind can never succeed: acknowledge it (and say so) rather than
    // let it block the batch through every retry.
    for (const m of batch.messages) {
      const kind = (m.body as { kind?: unknown } | null)?.kind;
      if (kind !== 'delivery' && kind !== 'audit') {
        console.error(`isoloir: dropping a message of unknown kind from ${batch.queue}`);
        m.ack();
      }
    }
    const deliveries = batch.messages.filter((m): m is Message<QueuedDelivery> => m.body?.kind === 'delivery');
    // The dead-letter queue's messages are recorded as failed, never sent.
    const deadLetters = batch.queue.endsWith('-dlq');
    if (deliveries.length > 0) await (deadLetters ? recordDeadLetters : consumeDelivery)(deliveries, env);
    const audit = batch.messages.filter(
      (m): m is Message<{ kind: 'audit'; record: AuditRecord }> => m.body?.kind === 'audit',
    );
    if (audit.length > 0) {
      try {
        // Queue consumers write straight to the primary: the head read and the batch alike.
        const db = () => database(env.DB);
        const trail = d1AuditTrail({ write: db, head: db, witness: durableHeadWitness(env.AUDIT_HEAD) });
        await writeAuditBatch(
          trail,
          audit.map((m) => m.body.record),
          CHAINS.queue,
        );
        for (const m of audit) m.ack();
      } catch (err) {
        // After max_retries the runtime moves them to the audit DLQ, where operators find
        // them (a DLQ keeps messages for days); nothing is lost silently.
        console.error(`isoloir: audit batch not written, will retry: ${(err as Error).message}`);
        for (const m of audit) m.retry({ delaySeconds: 5 });
      }
    }
  },
} satisfies ExportedHandler<Cloudflare.Env, QueuedMessage>;
