/**
 * Locally (DEV_TOOLS), the delivery target is the outbox: a D1 table read by /_dev/outbox.
 */
import { devOutbox } from '../../../db/schema';
import { database } from '../../database';
import type { Provider } from '../types';

export function outboxProvider(db: D1Database, now: () => number): Provider {
  return {
    name: 'outbox',
    async deliver(m) {
      await database(db)
        .insert(devOutbox)
        .values({
          channel: m.channel,
          to: m.to,
          subject: m.subject ?? null,
          text: m.text,
          html: m.html ?? null,
          createdAt: now(),
        });
      return { ok: true, retryable: false, answer: 'stored in outbox', code: 'stored' };
    },
  };
}
