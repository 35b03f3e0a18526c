/**
 * Helpers to drive the DELIVERY consumer by hand: capture what the producer queues, then hand
 * it to the consumer as the runtime would (createMessageBatch) and read back ack/retry.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import type { QueuedDelivery } from '../../src/platform/delivery';

/** An env whose DELIVERY queue only records what is sent (nothing is consumed). */
export function capturingEnv(base: Cloudflare.Env = env): {
  env: Cloudflare.Env;
  queued: QueuedDelivery[];
  raw: string[];
} {
  const queued: QueuedDelivery[] = [];
  const raw: string[] = [];
  const DELIVERY = {
    async send(body: QueuedDelivery) {
      queued.push(structuredClone(body));
      raw.push(JSON.stringify(body));
    },
    async sendBatch() {
      throw new Error('not used');
    },
  } as unknown as Queue;
  return { env: { ...base, DELIVERY }, queued, raw };
}

/** One message of the queue as the runtime hands it over on attempt number `attempts`. */
export function batchOf(body: unknown, attempts = 1, queue = 'isoloir-delivery') {
  const id = (body as { id?: string }).id ?? crypto.randomUUID();
  return createMessageBatch(queue, [{ id: `q-${id}`, timestamp: new Date(), attempts, body }]);
}

/**
 * Runs `consume` on a batch and returns what it asked of the runtime: acks and retries as
 * getQueueResult reports them, plus each retry's delay (which getQueueResult leaves out).
 */
export async function settle(batch: MessageBatch, consume: (messages: readonly Message<unknown>[]) => Promise<void>) {
  const ctx = createExecutionContext();
  const delays: (number | undefined)[] = [];
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options?: QueueRetryOptions) => {
      delays.push(options?.delaySeconds);
      retry(options);
    };
  }
  await consume(batch.messages);
  return { ...(await getQueueResult(batch, ctx)), delays };
}
