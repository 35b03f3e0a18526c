/**
 * The Worker: the app's fetch handler, the queue consumers, and the Durable Object class.
 */
import { createApp } from './app';
import { writeAuditBatch, type AuditRecord } from './platform/audit';
import { database } from './platform/database';
import { consumeDelivery, recordDeadLetters, relayPending, type QueuedDelivery } from './platform/delivery';
import { durableGuards } from './platform/guard/guards';
import { log } from './platform/log';

export { AccessState } from './platform/guard/access-state';

const app = createApp();

type QueuedMessage = { kind: 'audit'; record: AuditRecord } | QueuedDelivery;

export default {
  fetch: app.fetch,

  /**
   * Every minute: the outbox rows that the request's own relay could not hand to the queue
   * (the queue was down, the Worker stopped) are handed over again, until settled.
   */
  async scheduled(controller, env) {
    const guards = durableGuards(env.ACCESS_STATE, env.NUMIC_HMAC_KEY);
    const handed = await relayPending(database(env.DB), env.DELIVERY, controller.scheduledTime, (c) =>
      guards.forVoter(c.numicHmac, 'relay').confirmRenewal(c.credential, c.at, controller.scheduledTime),
    );
    if (handed > 0) log.warn('outbox_relayed_again', undefined, { messages: handed });
  },

  async queue(batch, env) {
    // A body of no known kind can never succeed: acknowledge it (and say so) rather than
    // let it block the batch through every retry.
    for (const m of batch.messages) {
      const kind = (m.body as { kind?: unknown } | null)?.kind;
      if (kind !== 'delivery' && kind !== 'audit') {
        log.error('queue_message_unknown_kind', undefined, { queue: batch.queue });
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
        await writeAuditBatch(
          database(env.DB),
          audit.map((m) => m.body.record),
        );
        for (const m of audit) m.ack();
      } catch (err) {
        // After max_retries the runtime moves them to the audit DLQ, where operators find
        // them (a DLQ keeps messages for days); nothing is lost silently.
        // The error's name only: D1's message carries the rows' parameters.
        log.error('audit_batch_not_written', err, { events: audit.length, retry: '5s' });
        for (const m of audit) m.retry({ delaySeconds: 5 });
      }
    }
  },
} satisfies ExportedHandler<Cloudflare.Env, QueuedMessage>;
