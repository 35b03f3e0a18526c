/**
 * The development tools' own reads (SPEC.md: `GET /_dev/outbox`, `GET /_dev/captcha/:id`;
 * and the audit trail with its heads, for `npm run audit -- verify`), present on Services
 * only when `DEV_TOOLS` is "1" — which only `.dev.vars` sets.
 */
import { asc, gt } from 'drizzle-orm';
import { auditEvents, devOutbox } from '../db/schema';
import type { ChainHead, StoredEvent } from './audit-chain';
import type { HeadWitness } from './audit-head';
import type { Captcha } from './captcha';
import type { Database } from './database';

/**
 * A request to a loopback host (`127.x.x.x`, `localhost`, `[::1]`, with any port): the only
 * requests the development tools and the local operator password answer.
 */
export function isLoopbackHost(host: string): boolean {
  return /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::\d+)?$/.test(host);
}

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
  /** Up to `limit` audit events after id `afterId`, in id order (the order of writing). */
  auditEvents(afterId: number, limit: number): Promise<StoredEvent[]>;
  /** The chains' heads as the AuditHead object keeps them. */
  auditHeads(): Promise<ChainHead[]>;
}

export function localDevTools(db: () => Database, captcha: Captcha, heads: HeadWitness): DevTools {
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
    auditEvents: (afterId, limit) =>
      db()
        .select()
        .from(auditEvents)
        .where(gt(auditEvents.id, afterId))
        .orderBy(asc(auditEvents.id))
        .limit(limit)
        .all(),
    auditHeads: () => heads.heads(),
  };
}
