/**
 * Delivery as the operators watch it (the console's delivery page, the alerts): per channel and
 * segment (segments.ts) over a window, how many messages we handed to the provider, how many it
 * says were delivered, how many bounced or failed, and how many still have no news a quarter of
 * an hour later. Everything is counted from our own send records (`delivery_outcomes`): a
 * message the provider never answered for counts as "no news", never as delivered, so an outage
 * cannot hide behind missing or forged receipts.
 */
import { and, gt, lte, ne, sql } from 'drizzle-orm';
import { deliveryOutcomes } from '../../db/schema';
import type { Database } from '../database';

/** After this long without a receipt, a sent message counts as "no news". */
export const NO_NEWS_AFTER_MS = 15 * 60_000;
export const HOUR_MS = 60 * 60_000;
export const DAY_MS = 24 * HOUR_MS;

export interface SegmentStats {
  channel: 'email' | 'sms';
  segment: string;
  /** Handed to the provider (accepted or refused by it). */
  attempted: number;
  delivered: number;
  /** Refused by the provider, given up, or bounced by the recipient's side. */
  failed: number;
  /** Accepted, and still no delivery or bounce NO_NEWS_AFTER_MS later. */
  noNews: number;
}

export interface Bucket {
  start: number;
  attempted: number;
  delivered: number;
  failed: number;
}

const delivered = sql<number>`COALESCE(SUM(${deliveryOutcomes.receipt} = 'delivered'), 0)`;
const failed = sql<number>`COALESCE(SUM(${deliveryOutcomes.status} = 'failed' OR ${deliveryOutcomes.receipt} = 'bounced'), 0)`;

/** Counts per channel and segment of the messages handed over in (from, to]. */
export async function segmentStats(db: Database, from: number, to: number): Promise<SegmentStats[]> {
  const stale = to - NO_NEWS_AFTER_MS;
  const rows = await db
    .select({
      channel: deliveryOutcomes.channel,
      segment: deliveryOutcomes.segment,
      attempted: sql<number>`COUNT(*)`,
      delivered,
      failed,
      noNews: sql<number>`COALESCE(SUM(${deliveryOutcomes.status} = 'sent'
        AND (${deliveryOutcomes.receipt} IS NULL OR ${deliveryOutcomes.receipt} = 'deferred')
        AND ${deliveryOutcomes.createdAt} <= ${stale}), 0)`,
    })
    .from(deliveryOutcomes)
    .where(inWindow(from, to))
    .groupBy(deliveryOutcomes.channel, deliveryOutcomes.segment)
    .orderBy(deliveryOutcomes.channel, sql`COUNT(*) DESC`)
    .all();
  return rows
    .filter((r) => r.channel === 'email' || r.channel === 'sms')
    .map((r) => ({ ...r, channel: r.channel as 'email' | 'sms', segment: r.segment ?? 'unknown' }));
}

/** One channel's counts in `count` buckets of `size` ms ending at `to` (for the charts). */
export async function channelSeries(
  db: Database,
  channel: 'email' | 'sms',
  to: number,
  size: number,
  count: number,
): Promise<Bucket[]> {
  const from = to - size * count;
  const index = sql<number>`(${deliveryOutcomes.createdAt} - ${from + 1}) / ${size}`;
  const rows = await db
    .select({ index, attempted: sql<number>`COUNT(*)`, delivered, failed })
    .from(deliveryOutcomes)
    .where(and(inWindow(from, to), sql`${deliveryOutcomes.channel} = ${channel}`))
    .groupBy(index)
    .all();
  const buckets: Bucket[] = Array.from({ length: count }, (_, i) => ({
    start: from + i * size,
    attempted: 0,
    delivered: 0,
    failed: 0,
  }));
  for (const r of rows) {
    const b = buckets[Math.min(Math.max(Math.floor(r.index), 0), count - 1)]!;
    b.attempted += r.attempted;
    b.delivered += r.delivered;
    b.failed += r.failed;
  }
  return buckets;
}

/** A message whose content expired before it could go was never handed over: not counted. */
function inWindow(from: number, to: number) {
  return and(
    gt(deliveryOutcomes.createdAt, from),
    lte(deliveryOutcomes.createdAt, to),
    ne(deliveryOutcomes.status, 'expired'),
  );
}

/** delivered / attempted, in thousandths (0 when nothing was attempted). */
export function deliveredPermille(s: Pick<SegmentStats, 'attempted' | 'delivered'>): number {
  return s.attempted === 0 ? 0 : Math.floor((s.delivered * 1000) / s.attempted);
}
