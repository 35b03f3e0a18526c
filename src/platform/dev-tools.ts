/**
 * The development tools' own reads (SPEC.md: `GET /_dev/outbox`, `GET /_dev/captcha/:id`),
 * present on Services only when `DEV_TOOLS` is "1" — which only `.dev.vars` sets.
 */
import { asc } from 'drizzle-orm';
import { devOutbox } from '../db/schema';
import type { Captcha } from './captcha';
import type { Database } from './database';

export interface OutboxEntry {
  channel: string;
  to: string;
  subject?: string;
  text: string;
  html?: string;
  createdAt: string;
}

export interface DevTools {
  /** Every message delivered locally, oldest first (SPEC.md's shape). */
  outbox(): Promise<OutboxEntry[]>;
  /** The digits of a code still pending. */
  captchaDigits(id: string, now: number): Promise<string | null>;
}

export function localDevTools(db: () => Database, captcha: Captcha): DevTools {
  return {
    async outbox() {
      const rows = await db().select().from(devOutbox).orderBy(asc(devOutbox.id)).all();
      return rows.map((r) => ({
        channel: r.channel,
        to: r.to,
        ...(r.subject != null ? { subject: r.subject } : {}),
        text: r.text,
        ...(r.html != null ? { html: r.html } : {}),
        createdAt: new Date(r.createdAt).toISOString(),
      }));
    },
    captchaDigits: (id, now) => captcha.pendingDigits(id, now),
  };
}
