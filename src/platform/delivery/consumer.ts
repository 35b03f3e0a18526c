/**
 * The DELIVERY queue consumer: puts the secret back into the texts and hands each message
 * to the provider; records the final outcome in D1.
 */
import { deliveryOutcomes, devOutbox } from '../../db/schema';
import { database } from '../database';
import { SECRET_PLACEHOLDER, type OutboundMessage, type Provider } from './types';
import type { QueuedDelivery } from './index';

/** Locally (DEV_TOOLS), the delivery target is the outbox behind /_dev/outbox. */
export function outboxProvider(env: Cloudflare.Env, now: () => number): Provider {
  return {
    name: 'outbox',
    async deliver(m) {
      await database(env.DB)
        .insert(devOutbox)
        .values({ channel: m.channel, to: m.to, subject: m.subject ?? null, text: m.text, html: m.html ?? null, createdAt: now() });
      return { ok: true, retryable: false, answer: 'stored in outbox' };
    },
  };
}

export async function consumeDelivery(
  batch: readonly Message<QueuedDelivery>[],
  env: Cloudflare.Env,
  now: () => number = Date.now,
): Promise<void> {
  const provider = outboxProvider(env, now);
  const db = database(env.DB);
  for (const msg of batch) {
    const { message, sealedSecret } = msg.body;
    const secret = sealedSecret ?? '';
    const filled: Omit<OutboundMessage, 'secret'> = {
      ...message,
      text: message.text.replaceAll(SECRET_PLACEHOLDER, secret),
      html: message.html?.replaceAll(SECRET_PLACEHOLDER, secret),
    };
    const answer = await provider.deliver(filled);
    await db.insert(deliveryOutcomes).values({
      messageId: msg.body.id,
      channel: message.channel,
      purpose: message.purpose,
      numicHmac: message.numicHmac ?? null,
      status: answer.ok ? 'sent' : 'failed',
      attempts: msg.attempts,
      provider: provider.name,
      providerAnswer: answer.answer,
      createdAt: now(),
    });
    msg.ack();
  }
}
