/**
 * The Worker: the app's fetch handler, the queue consumers, the daily cron, and the Durable
 * Object classes.
 */
import { createApp } from './app';
import { d1AuditTrail } from './platform/audit';
import { consumeAudit, type QueuedAudit } from './platform/audit-consumer';
import { durableHeadWitness, headRecipients, mailHeads } from './platform/audit-head';
import { database } from './platform/database';
import { consumeDelivery, queueDelivery, recordDeadLetters, type QueuedDelivery } from './platform/delivery';

export { AccessState } from './platform/guard/access-state';
export { AuditHead } from './platform/audit-head';

const app = createApp();

type QueuedMessage = QueuedAudit | QueuedDelivery;

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
    // The dead-letter queues' messages: deliveries are recorded as failed, never sent; audit
    // events are written anyway (into a chain of their own).
    const deadLetters = batch.queue.endsWith('-dlq');
    if (deliveries.length > 0) await (deadLetters ? recordDeadLetters : consumeDelivery)(deliveries, env);
    const audit = batch.messages.filter((m): m is Message<QueuedAudit> => m.body?.kind === 'audit');
    if (audit.length > 0) {
      // Queue consumers write straight to the primary: the head read and the batch alike.
      const db = () => database(env.DB);
      const trail = d1AuditTrail({ write: db, head: db, witness: durableHeadWitness(env.AUDIT_HEAD) });
      await consumeAudit(audit, trail, deadLetters);
    }
  },

  // Daily (wrangler.toml [triggers]): each audit chain's head e-mailed to the operators.
  async scheduled(controller, env, _ctx) {
    await mailHeads(
      durableHeadWitness(env.AUDIT_HEAD),
      queueDelivery(env.DELIVERY, env.DELIVERY_KEY),
      headRecipients(env.AUDIT_HEAD_RECIPIENTS),
      controller.scheduledTime,
    );
  },
} satisfies ExportedHandler<Cloudflare.Env, QueuedMessage>;
