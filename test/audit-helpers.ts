/** Reading the audit trail back as `npm run audit -- verify` does (id order, drizzle names). */
import { env } from 'cloudflare:test';
import { asc } from 'drizzle-orm';
import { auditEvents } from '../src/db/schema';
import type { StoredEvent } from '../src/platform/audit-chain';
import { database } from '../src/platform/database';

export async function storedEvents(): Promise<StoredEvent[]> {
  return database(env.DB).select().from(auditEvents).orderBy(asc(auditEvents.id)).all();
}
