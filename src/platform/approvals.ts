/**
 * The `approvals` capability: a change to a voter that one administrator asks for and another
 * approves (a corrected e-mail or phone — the classic account-takeover lever — and a lifted
 * cooling-off). The request and its audit event are one batch; so are the decision, the change
 * it applies and its notices, each of them conditional on this decision having won: two
 * administrators approving at once apply the change once, and a lost race sends no notice.
 */
import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { approvals, voters } from '../db/schema';
import type { AuditRecord, AuditTrail } from './audit';
import { CHAINS } from './audit-chain';
import type { Database } from './database';
import { conditionalRow, type OutboxRow } from './delivery/outbox';

export const APPROVAL_KINDS = ['contact', 'lift'] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];
export type Approval = typeof approvals.$inferSelect;
export type NewApproval = Omit<typeof approvals.$inferInsert, 'decidedBy' | 'decidedAt' | 'outcome'>;

export interface Decision {
  id: string;
  by: string;
  at: number;
  outcome: 'approved' | 'refused';
}

export interface ApprovalStore {
  request(row: NewApproval, audit: AuditRecord): Promise<void>;
  pending(): Promise<Approval[]>;
  byId(id: string): Promise<Approval | undefined>;
  /**
   * Decides a pending request and, approved, applies `effect` in the same batch — each of its
   * statements guarded by this decision having been the one recorded. False when the request
   * was no longer pending (nothing applied, nothing sent).
   */
  decide(decision: Decision, audit: AuditRecord, effect?: Effect): Promise<boolean>;
}

/** What an approval applies: the voter's new contacts, and the notices to send. */
export interface Effect {
  voterId: number;
  contact?: { email?: string; phone?: string };
  notices: readonly OutboxRow[];
  at: number;
}

function effectStatements(d: Database, effect: Effect, mine: SQL): BatchItem<'sqlite'>[] {
  const won = sql`EXISTS (SELECT 1 FROM ${approvals} WHERE ${mine})`;
  const out: BatchItem<'sqlite'>[] = [];
  const { email, phone } = effect.contact ?? {};
  if (email !== undefined || phone !== undefined) {
    out.push(
      d
        .update(voters)
        .set({
          ...(email !== undefined ? { email } : {}),
          ...(phone !== undefined ? { phone } : {}),
          updatedAt: effect.at,
        })
        .where(and(eq(voters.id, effect.voterId), won)),
    );
  }
  for (const row of effect.notices) out.push(conditionalRow(d, row, approvals, mine));
  return out;
}

export function d1Approvals(primary: () => Database, trail: AuditTrail): ApprovalStore {
  return {
    async request(row, audit) {
      await trail.append(CHAINS.operator(), [audit], (d) => [d.insert(approvals).values(row)]);
    },
    pending: () =>
      primary().select().from(approvals).where(isNull(approvals.outcome)).orderBy(asc(approvals.requestedAt)).all(),
    byId: (id) => primary().select().from(approvals).where(eq(approvals.id, id)).get(),
    async decide(decision, audit, effect) {
      // True only if this decision is the one recorded: a concurrent one leaves it false.
      const mine = and(
        eq(approvals.id, decision.id),
        eq(approvals.decidedBy, decision.by),
        eq(approvals.decidedAt, decision.at),
      )!;
      await trail.append(CHAINS.operator(), [audit], (d) => [
        d
          .update(approvals)
          .set({ decidedBy: decision.by, decidedAt: decision.at, outcome: decision.outcome })
          .where(and(eq(approvals.id, decision.id), isNull(approvals.outcome))),
        ...(effect ? effectStatements(d, effect, mine) : []),
      ]);
      const row = await primary().select().from(approvals).where(eq(approvals.id, decision.id)).get();
      return row?.decidedBy === decision.by && row.decidedAt === decision.at;
    },
  };
}
