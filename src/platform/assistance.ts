/**
 * The `assistance` capability: the requests voters send the assistance cell from `/aide`, and
 * the cell's work on them in the console — listed, answered (the answer e-mailed through the
 * outbox in the same D1 batch as the ticket's change and its audit event), closed.
 */
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { assistanceRequests, type AssistanceTicket } from '../db/schema';
import type { AuditRecord, AuditTrail } from './audit';
import { CHAINS } from './audit-chain';
import type { Database } from './database';
import { insertRows, type OutboxRow } from './delivery/outbox';

export type NewAssistanceRequest = typeof assistanceRequests.$inferInsert;
export type { AssistanceTicket };

/** What a voter can write about; the assistance cell sorts requests by it. */
export const TOPICS = ['identifier', 'password', 'email', 'sms', 'code', 'accessibility', 'data', 'other'] as const;
export type Topic = (typeof TOPICS)[number];

export const TICKET_STATUSES = ['open', 'answered', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export interface TicketFilter {
  status?: TicketStatus;
  topic?: string;
  /** Received at or after (epoch ms). */
  from?: number;
  /** Received before (epoch ms). */
  to?: number;
}

/** What a list shows at most: the cell narrows with the filters beyond that. */
export const TICKET_PAGE = 200;

export interface AssistanceStore {
  /** Stores one request; false when its reference is already taken (the caller draws another). */
  create(request: NewAssistanceRequest): Promise<boolean>;
  list(filter: TicketFilter): Promise<AssistanceTicket[]>;
  count(status: TicketStatus): Promise<number>;
  byReference(reference: string): Promise<AssistanceTicket | undefined>;
  /** The answer, its e-mail (an outbox row) and the audit event, in one batch. */
  answer(
    reference: string,
    answer: { text: string; by: string; at: number },
    mail: OutboxRow,
    audit: AuditRecord,
  ): Promise<void>;
  close(reference: string, by: string, at: number, audit: AuditRecord): Promise<void>;
}

export function d1Assistance(db: () => Database, primary: () => Database, trail: AuditTrail): AssistanceStore {
  return {
    async create(request) {
      // The unique index on `reference` decides; nothing else can make the insert ignore a row.
      const rows = await db().insert(assistanceRequests).values(request).onConflictDoNothing().returning({
        id: assistanceRequests.id,
      });
      return rows.length === 1;
    },
    list(filter) {
      const t = assistanceRequests;
      const conditions: SQL[] = [];
      if (filter.status) conditions.push(eq(t.status, filter.status));
      if (filter.topic) conditions.push(eq(t.topic, filter.topic));
      if (filter.from !== undefined) conditions.push(gte(t.createdAt, filter.from));
      if (filter.to !== undefined) conditions.push(lt(t.createdAt, filter.to));
      return primary()
        .select()
        .from(t)
        .where(and(...conditions))
        .orderBy(desc(t.createdAt))
        .limit(TICKET_PAGE)
        .all();
    },
    async count(status) {
      const row = await primary()
        .select({ n: sql<number>`COUNT(*)` })
        .from(assistanceRequests)
        .where(eq(assistanceRequests.status, status))
        .get();
      return row?.n ?? 0;
    },
    byReference: (reference) =>
      primary().select().from(assistanceRequests).where(eq(assistanceRequests.reference, reference)).get(),
    async answer(reference, answer, mail, audit) {
      await trail.append(CHAINS.operator(), [audit], (d) => [
        d
          .update(assistanceRequests)
          .set({ status: 'answered', answer: answer.text, answeredAt: answer.at, answeredBy: answer.by })
          .where(eq(assistanceRequests.reference, reference)),
        ...insertRows(d, [mail]),
      ]);
    },
    async close(reference, by, at, audit) {
      await trail.append(CHAINS.operator(), [audit], (d) => [
        d
          .update(assistanceRequests)
          .set({ status: 'closed', closedAt: at, closedBy: by })
          .where(eq(assistanceRequests.reference, reference)),
      ]);
    },
  };
}
