/**
 * The `deliveryWatch` capability: delivery receipts in (receipts.ts), the counts the console
 * shows out (stats.ts) — both against the D1 primary, which the receipts are written to and the
 * counts must see at once.
 */
import type { Database } from '../database';
import { recordReceipts, type Receipt } from './receipts';
import { channelSeries, segmentStats, type Bucket, type SegmentStats } from './stats';

export interface DeliveryWatch {
  /** Records receipts for messages of ours; returns how many named one. */
  record(receipts: readonly Receipt[], now: number): Promise<number>;
  segments(from: number, to: number): Promise<SegmentStats[]>;
  series(channel: 'email' | 'sms', to: number, size: number, count: number): Promise<Bucket[]>;
}

export function d1DeliveryWatch(primary: () => Database): DeliveryWatch {
  return {
    record: (receipts, now) => recordReceipts(primary(), receipts, now),
    segments: (from, to) => segmentStats(primary(), from, to),
    series: (channel, to, size, count) => channelSeries(primary(), channel, to, size, count),
  };
}
