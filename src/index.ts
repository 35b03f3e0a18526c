/**
 * The Worker: the app's fetch handler, the queue consumers, the daily cron, and the Durable
 * Object classes.
 */
import { createApp } from './app';
import { outbox } from './db/schema';
import { d1AuditTrail } from './platform/audit';
import { consumeAudit, type QueuedAudit } from './platform/audit-consumer';
import { DAILY_HEADS_CRON, durableHeadWitness, headRecipients, mailHeads } from './platform/audit-head';
import { consumeConvocations, type QueuedConvocation } from './platform/convocation';
import { database } from './platform/database';
import { wipeCredentialsAtClosing } from './platform/ballot/closing';
import {
  consumeDelivery,
  queueDelivery,
  recordDeadLetters,
  relayPending,
  type QueuedDelivery,
} from './platform/delivery';
import { alertConfig, checkDeliveryAlerts } from './platform/delivery/alerts';
import { durableGuards } from './platform/guard/guards';
import { log } from './platform/log';
import { pbkdf2Hasher } from './platform/passwords';

export { AccessState } from './platform/guard/access-state';
export { AuditHead } from './platform/audit-head';
export { BallotBox } from './platform/ballot/box';

const app = createApp();

type QueuedMessage = QueuedAudit | QueuedDelivery | QueuedConvocation;

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    // A body of no known kind can never succeed: acknowledge it (and say so) rather than
    // let it block the batch through every retry.
    for (const m of batch.messages) {
      const kind = (m.body as { kind?: unknown } | null)?.kind;
      if (kind !== 'delivery' && kind !== 'audit' && kind !== 'convoke') {
        log.error('queue_message_unknown_kind', undefined, { queue: batch.queue });
        m.ack();
      }
    }
    const convocations = batch.messages.filter((m): m is Message<QueuedConvocation> => m.body?.kind === 'convoke');
    if (convocations.length > 0) await consumeConvocations(convocations, env, pbkdf2Hasher);
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

  /**
   * wrangler.toml [triggers]. Every minute: the outbox relay — renewals of the last minutes
   * confirmed in their voters' objects, and the messages the request's own relay could not
   * hand to the queue handed over again, until settled; the delivery alerts; once the vote has
   * closed, the sealed ballot credentials wiped. Daily: each audit chain's head
   * e-mailed to the operators.
   */
  async scheduled(controller, env) {
    if (controller.cron === DAILY_HEADS_CRON) {
      const delivery = queueDelivery(env.DELIVERY, env.DELIVERY_KEY);
      const at = controller.scheduledTime;
      await mailHeads(
        durableHeadWitness(env.AUDIT_HEAD),
        delivery,
        headRecipients(env.AUDIT_HEAD_RECIPIENTS),
        at,
        async (message) => {
          await database(env.DB)
            .insert(outbox)
            .values(await delivery.prepare(message, at));
        },
      );
      return;
    }
    // The alerts first and on their own: a failing D1 query there must not stop the relay.
    await checkDeliveryAlerts(
      { db: database(env.DB), send: queueDelivery(env.DELIVERY, env.DELIVERY_KEY).send, fetch: (i, o) => fetch(i, o) },
      alertConfig(env),
      controller.scheduledTime,
    ).catch((err: unknown) => log.error('delivery_alerts_failed', err));
    // At closing, the sealed ballot credentials go (platform/ballot/closing.ts), on their own too.
    await wipeCredentialsAtClosing(database(env.DB), Number(env.ELECTION_ID), controller.scheduledTime)
      .then((wiped) => wiped > 0 && log.warn('ballot_credentials_wiped', undefined, { credentials: wiped }))
      .catch((err: unknown) => log.error('ballot_credentials_wipe_failed', err));
    const guards = durableGuards(env.ACCESS_STATE, env.NUMIC_HMAC_KEY);
    const handed = await relayPending(database(env.DB), env.DELIVERY, controller.scheduledTime, (c) =>
      guards.forVoter(c.numicHmac, 'relay').confirmRenewal(c.credential, c.at, controller.scheduledTime),
    );
    if (handed > 0) log.warn('outbox_relayed_again', undefined, { messages: handed });
  },
} satisfies ExportedHandler<Cloudflare.Env, QueuedMessage>;
