/**
 * What the console reads of a voter and of the audit trail: the messages sent to a voter with
 * their outcome and the provider's receipt, the voter's audit events, and the trail searched by
 * event, date and NUMIC (its HMAC). Never a credential, a token or a link: none of these tables
 * holds one.
 */
import { and, desc, eq, gte, like, lt, sql, type SQL } from 'drizzle-orm';
import { auditEvents, deliveryOutcomes, voters, type Voter } from '../db/schema';
import type { Database } from './database';

export interface SentMessage {
  at: number;
  channel: string;
  purpose: string;
  status: string;
  receipt: string | null;
  receiptAt: number | null;
}

export interface TrailEvent {
  at: number;
  event: string;
  outcome: string;
  detail: string | null;
  chain: string | null;
  seq: number | null;
}

export interface AuditFilter {
  /** A prefix of the event's name (`operator.`, `login`). */
  event?: string;
  numicHmac?: string;
  from?: number;
  to?: number;
}

/** What a screen shows at most; the CSV export takes more. */
export const TRAIL_PAGE = 500;
export const EXPORT_LIMIT = 100_000;

export interface RollCounts {
  active: number;
  deactivated: number;
  convoked: number;
}

export interface VoterFileReads {
  /** The voter with this NUMIC, deactivated or not (the cell must see both). */
  voter(numic: string): Promise<Voter | undefined>;
  rollCounts(): Promise<RollCounts>;
  messages(numicHmac: string): Promise<SentMessage[]>;
  trail(filter: AuditFilter, limit: number): Promise<TrailEvent[]>;
}

export function d1VoterFile(primary: () => Database): VoterFileReads {
  return {
    voter: (numic) => primary().select().from(voters).where(eq(voters.numic, numic)).get(),
    async rollCounts() {
      const row = await primary()
        .select({
          active: sql<number>`COALESCE(SUM(${voters.deactivatedAt} IS NULL), 0)`,
          deactivated: sql<number>`COALESCE(SUM(${voters.deactivatedAt} IS NOT NULL), 0)`,
          convoked: sql<number>`COALESCE(SUM(${voters.deactivatedAt} IS NULL AND ${voters.convokedAt} IS NOT NULL), 0)`,
        })
        .from(voters)
        .get();
      return row ?? { active: 0, deactivated: 0, convoked: 0 };
    },
    messages: (numicHmac) =>
      primary()
        .select({
          at: deliveryOutcomes.createdAt,
          channel: deliveryOutcomes.channel,
          purpose: deliveryOutcomes.purpose,
          status: deliveryOutcomes.status,
          receipt: deliveryOutcomes.receipt,
          receiptAt: deliveryOutcomes.receiptAt,
        })
        .from(deliveryOutcomes)
        .where(eq(deliveryOutcomes.numicHmac, numicHmac))
        .orderBy(desc(deliveryOutcomes.createdAt))
        .limit(200)
        .all(),
    trail(filter, limit) {
      const a = auditEvents;
      const conditions: SQL[] = [];
      if (filter.event) conditions.push(like(a.event, `${filter.event.replace(/[%_\\]/g, '')}%`));
      if (filter.numicHmac) conditions.push(eq(a.numicHmac, filter.numicHmac));
      if (filter.from !== undefined) conditions.push(gte(a.at, filter.from));
      if (filter.to !== undefined) conditions.push(lt(a.at, filter.to));
      return primary()
        .select({ at: a.at, event: a.event, outcome: a.outcome, detail: a.detail, chain: a.chain, seq: a.seq })
        .from(a)
        .where(and(...conditions))
        .orderBy(desc(a.at), desc(a.id))
        .limit(limit)
        .all();
    },
  };
}
