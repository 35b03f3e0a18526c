/**
 * Delivery through the DELIVERY queue: a slow or failing provider never loses a message.
 * The producer seals the secret (seal.ts); the consumer (consumer.ts) opens it, picks a
 * provider (providers/), retries with backoff (retry.ts) and records the outcome.
 */
import { sealSecret } from './seal';
import { SECRET_PLACEHOLDER, type Delivery, type OutboundMessage } from './types';

export * from './types';
export { consumeDelivery, recordDeadLetters } from './consumer';
export { openSecret, sealSecret } from './seal';
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
 * The `delivery` capability every flow uses: `s.delivery.send(message)`. Resolves once the message
 * is durably on the queue. Throws on a message that breaks the `{{secret}}` contract (a bug in
 * the flow, caught by its tests) rather than queue a secret in clear or a placeholder unfilled.
 */
export function queueDelivery(queue: Queue, sealingKey: string): Delivery {
  return {
    async send(message) {
      checkSecretContract(message);
      const { secret, ...rest } = message;
      const id = crypto.randomUUID();
      const body: QueuedDelivery = {
        kind: 'delivery',
        id,
        message: rest,
        ...(secret !== undefined
          ? { sealedSecret: await sealSecret(sealingKey, secret, { messageId: id, expiresAt: rest.expiresAt }) }
          : {}),
      };
      // JSON, not the default structured clone: dead letters stay readable in the dashboard.
      await queue.send(body, { contentType: 'json' });
    },
  };
}

/**
 * The secret travels apart and appears in the texts only as `{{secret}}`: never in clear
 * (it would sit in the queue), never in the subject (subjects show in notifications and
 * provider logs), and a placeholder without a secret would reach the voter unfilled.
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
