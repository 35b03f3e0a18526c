/**
 * Helpers shared by the renewal tests: queues captured and then delivered through the
 * Worker's own queue consumer (deterministic, no waiting on batch timeouts), the outbox,
 * and bindings that count every storage call.
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from 'cloudflare:test';
import worker from '../src/index';
import type { Harness } from './helpers';

export interface OutboxMessage {
  channel: 'email' | 'sms';
  to: string;
  subject?: string;
  text: string;
  html?: string;
  createdAt: string;
}

export interface Captured {
  queue: 'DELIVERY' | 'AUDIT';
  body: Record<string, unknown>;
}

/**
 * Bindings whose DELIVERY and AUDIT queues record what is sent. `flush()` hands everything
 * recorded so far to the Worker's queue handler, as the platform would.
 */
export function capturedQueues(base: Cloudflare.Env = env) {
  const sent: Captured[] = [];
  let flushed = 0;
  const queue = (name: Captured['queue']) =>
    ({
      async send(body: Record<string, unknown>) {
        sent.push({ queue: name, body: structuredClone(body) });
      },
      async sendBatch(messages: { body: Record<string, unknown> }[]) {
        for (const m of messages) sent.push({ queue: name, body: structuredClone(m.body) });
      },
    }) as unknown as Queue;
  const bindings = { ...base, DELIVERY: queue('DELIVERY'), AUDIT: queue('AUDIT') } as Cloudflare.Env;
  return {
    bindings,
    sent,
    deliveries: () => sent.filter((m) => m.queue === 'DELIVERY'),
    async flush() {
      const pending = sent.slice(flushed);
      flushed = sent.length;
      for (const name of ['DELIVERY', 'AUDIT'] as const) {
        const messages = pending
          .filter((m) => m.queue === name)
          .map((m, i) => ({ id: `m${flushed}-${i}`, timestamp: Date.now(), attempts: 1, body: m.body }));
        if (messages.length === 0) continue;
        const batch = createMessageBatch(name === 'DELIVERY' ? 'isoloir-delivery' : 'isoloir-audit', messages);
        const ctx = createExecutionContext();
        await (worker.queue as (b: MessageBatch, e: Cloudflare.Env, c: ExecutionContext) => Promise<void>)(
          batch,
          env,
          ctx,
        );
        await getQueueResult(batch, ctx);
      }
    },
  };
}

export async function outbox(h: Harness): Promise<OutboxMessage[]> {
  const res = await h.get('/_dev/outbox');
  return (await res.json()) as OutboxMessage[];
}

/** The renewal link of an e-mail: alone on its line, absolute. */
export function linkIn(message: OutboxMessage): string {
  const line = message.text.split('\n').find((l) => /^https?:\/\/\S+\/r\/\S+$/.test(l));
  if (!line) throw new Error(`no link line in: ${message.text}`);
  return line;
}

/** The path of a link, as the harness fetches it. */
export function pathOf(link: string): string {
  return new URL(link).pathname;
}

/** The page without its security code (every form carries a fresh one). */
export function withoutCode(html: string): string {
  return html.replace(/[A-Za-z0-9_-]{40,}/g, '<code>');
}

/** Runs the Worker's scheduled handler for `cron` at `at`, as the platform would. */
export async function runScheduled(bindings: Cloudflare.Env, cron: string, at: number): Promise<void> {
  const ctx = createExecutionContext();
  const scheduled = worker.scheduled as (
    c: ScheduledController,
    e: Cloudflare.Env,
    x: ExecutionContext,
  ) => Promise<void>;
  await scheduled(createScheduledController({ scheduledTime: at, cron }), bindings, ctx);
  await waitOnExecutionContext(ctx);
}
