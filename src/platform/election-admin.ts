/**
 * The `electionAdmin` capability: the operators' writes of the election's settings and of
 * each constituency's contest, each in one D1 batch with its audit event (the next link of an
 * operator chain). The rules (what makes sense) are the operator feature's; this only writes.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { contests, elections, type Contest, type Election } from '../db/schema';
import type { AuditRecord, AuditTrail } from './audit';
import { CHAINS } from './audit-chain';
import type { Database } from './database';
import { AppError } from './errors';
import { forgetElection } from './election';

export interface ContestInput {
  constituency: string;
  question: string;
  answers: string[];
  blank: boolean;
}

export interface ElectionAdmin {
  /** From the primary: what the operator changes is what is there now (null: no election yet). */
  read(): Promise<{ election: Election | null; contests: Contest[] }>;
  /** Creates the election's row on first use (a new deployment's D1 has none). */
  update(set: Pick<Election, 'title' | 'opensAt' | 'closesAt'>, audit: AuditRecord): Promise<Election>;
  setContests(list: readonly ContestInput[], now: number, audit: AuditRecord): Promise<Contest[]>;
}

export function d1ElectionAdmin(primary: () => Database, electionId: number, trail: AuditTrail): ElectionAdmin {
  async function read() {
    const d = primary();
    const [election, list] = await d.batch([
      d.select().from(elections).where(eq(elections.id, electionId)),
      d
        .select()
        .from(contests)
        .where(eq(contests.electionId, electionId))
        .orderBy(asc(sql`CAST(${contests.constituency} AS INTEGER)`)),
    ]);
    return { election: election[0] ?? null, contests: list };
  }
  return {
    read,
    async update(set, audit) {
      await trail.append(CHAINS.operator(), [audit], (d) => [
        d
          .insert(elections)
          // Until a roll is imported, renewals open with the vote (roll/store.ts moves it earlier).
          .values({ id: electionId, ...set, rollLoadedAt: set.opensAt })
          .onConflictDoUpdate({ target: elections.id, set }),
      ]);
      forgetElection();
      const { election } = await read();
      if (!election) throw new AppError('misconfigured', 'election_not_loaded');
      return election;
    },
    async setContests(list, now, audit) {
      await trail.append(CHAINS.operator(), [audit], (d) =>
        list.map((c) =>
          d
            .insert(contests)
            .values({
              electionId,
              constituency: c.constituency,
              question: c.question,
              answers: JSON.stringify(c.answers),
              blank: c.blank,
              updatedAt: now,
            })
            .onConflictDoUpdate({
              target: [contests.electionId, contests.constituency],
              set: { question: c.question, answers: JSON.stringify(c.answers), blank: c.blank, updatedAt: now },
              // A contest whose ballot box is set up never changes, even if a check raced.
              setWhere: and(sql`${contests.ballotSetUpAt} IS NULL`),
            }),
        ),
      );
      return (await read()).contests;
    },
  };
}
