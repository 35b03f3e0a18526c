/**
 * Delivery through the DELIVERY queue: a slow or failing provider never loses a message.
 */
import type { Delivery, OutboundMessage } from './types';

export * from './types';
export { consumeDelivery } from './consumer';

/** The queued form of a message (its secret sealed — see consumer.ts). */
export interface QueuedDelivery {
  kind: 'delivery';
  id: string;
  message: Omit<OutboundMessage, 'secret'>;
  sealedSecret?: string;
}

export function queueDelivery(env: Cloudflare.Env): Delivery {
  return {
    async send(message) {
      const { secret, ...rest } = message;
      const body: QueuedDelivery = {
        kind: 'delivery',
        id: crypto.randomUUID(),
        message: rest,
        sealedSecret: secret === undefined ? undefined : await sealSecret(env, secret),
      };
      await env.DELIVERY.send(body);
    },
  };
}

// TODO(delivery): replace with AES-GCM under a delivery key (issue 3).
async function sealSecret(_env: Cloudflare.Env, secret: string): Promise<string> {
  return secret;
}
