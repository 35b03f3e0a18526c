/**
 * The `convocations` capability: what `roll convoke` drives through the operator API — open
 * (or resume) a round, hand its voters to the CONVOKE queue page by page, watch it drain, close
 * it. The credentials themselves are the queue consumer's (convocation.ts).
 */
import { and, asc, count, eq, gt, gte, isNull, like, lt, sql, type SQL } from 'drizzle-orm';
import { deliveryOutcomes, elections, outbox, voters } from '../db/schema';
import type { AuditRecord, AuditTrail } from './audit';
import { CHAINS } from './audit-chain';
import type { QueuedConvocation } from './convocation';
import type { Database } from './database';

export interface Round {
  round: number;
  onlyNew: boolean;
  /** Whether the round was already open (a run that stopped midway, resumed). */
  resumed: boolean;
}

export interface ConvocationStatus {
  /** Active voters the round (or --only-new) has still to convoke. */
  remaining: number;
  /** Voters convoked since `since`. */
  convoked: number;
  /** Convocation messages in the outbox not yet settled. */
  pending: number;
  sent: number;
  failed: number;
}

export interface ConvocationControl {
  start(onlyNew: boolean, audit: (round: number, resumed: boolean) => AuditRecord): Promise<Round>;
  /** The next voters (by id, after `after`), handed to the queue: how many, and the last id. */
  enqueue(round: Round, after: number, limit: number): Promise<{ enqueued: number; last: number }>;
  status(round: Round, since: number): Promise<ConvocationStatus>;
  /** Closes the round once nobody is left; false while voters remain. */
  finish(round: number, audit: AuditRecord): Promise<boolean>;
}

/** sendBatch takes at most 100 messages. */
const SEND_BATCH = 100;

function target(round: Pick<Round, 'round' | 'onlyNew'>): SQL {
  return round.onlyNew
    ? sql`${voters.deactivatedAt} IS NULL AND ${voters.convokedAt} IS NULL`
    : sql`${voters.deactivatedAt} IS NULL AND ${voters.convokedRound} < ${round.round}`;
}

export function d1Convocations(
  primary: () => Database,
  electionId: number,
  trail: AuditTrail,
  queue: Queue<QueuedConvocation>,
): ConvocationControl {
  const election = async () => {
    const [row] = await primary().select().from(elections).where(eq(elections.id, electionId));
    return row ?? null;
  };
  return {
    async start(onlyNew, audit) {
      const e = await election();
      if (!e) throw new Error('convocation: no election');
      if (onlyNew) return { round: e.convocationRound, onlyNew, resumed: false };
      const resumed = e.convocationOpen;
      const round = resumed ? e.convocationRound : e.convocationRound + 1;
      await trail.append(CHAINS.operator(), [audit(round, resumed)], (d) =>
        resumed
          ? []
          : [
              d
                .update(elections)
                .set({ convocationRound: round, convocationOpen: true })
                .where(eq(elections.id, electionId)),
            ],
      );
      return { round, onlyNew, resumed };
    },

    async enqueue(round, after, limit) {
      const ids = await primary()
        .select({ id: voters.id })
        .from(voters)
        .where(and(gt(voters.id, after), target(round)))
        .orderBy(asc(voters.id))
        .limit(limit);
      for (let i = 0; i < ids.length; i += SEND_BATCH) {
        await queue.sendBatch(
          ids.slice(i, i + SEND_BATCH).map(({ id }) => ({
            body: { kind: 'convoke', voterId: id, round: round.round, onlyNew: round.onlyNew },
          })),
        );
      }
      return { enqueued: ids.length, last: ids.length ? ids[ids.length - 1]!.id : after };
    },

    async status(round, since) {
      const d = primary();
      const [remaining, convoked, pending, outcomes] = await d.batch([
        d.select({ n: count() }).from(voters).where(target(round)),
        d.select({ n: count() }).from(voters).where(gte(voters.convokedAt, since)),
        d
          .select({ n: count() })
          .from(outbox)
          .where(
            and(isNull(outbox.doneAt), gte(outbox.createdAt, since), like(outbox.body, '%"purpose":"convocation-%')),
          ),
        d
          .select({ status: deliveryOutcomes.status, n: count() })
          .from(deliveryOutcomes)
          .where(and(like(deliveryOutcomes.purpose, 'convocation-%'), gte(deliveryOutcomes.createdAt, since)))
          .groupBy(deliveryOutcomes.status),
      ]);
      const of = (s: string) => outcomes.find((o) => o.status === s)?.n ?? 0;
      return {
        remaining: remaining[0]?.n ?? 0,
        convoked: convoked[0]?.n ?? 0,
        pending: pending[0]?.n ?? 0,
        sent: of('sent'),
        failed: of('failed') + of('expired'),
      };
    },

    async finish(round, audit) {
      const d = primary();
      const [left] = await d
        .select({ n: count() })
        .from(voters)
        .where(and(isNull(voters.deactivatedAt), lt(voters.convokedRound, round)));
      if ((left?.n ?? 0) > 0) return false;
      await trail.append(CHAINS.operator(), [audit], (db) => [
        db
          .update(elections)
          .set({ convocationOpen: false })
          .where(and(eq(elections.id, electionId), eq(elections.convocationRound, round))),
      ]);
      return true;
    },
  };
}
