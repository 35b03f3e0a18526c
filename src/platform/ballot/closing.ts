/**
 * At closing, the sealed signing credentials go (issue 15: "wiped once the voter has voted and
 * at closing"): from then on nobody — the portal included — can sign a ballot for an abstainer.
 * The public credentials stay (the frozen list is part of every box's archive). Run by the
 * minute cron, in pages, so no statement touches an unbounded number of rows; a run stopped
 * midway is finished by the next.
 */
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import { ballotCredentials, elections } from '../../db/schema';
import type { Database } from '../database';

/** Rows per statement, and statements per run (the next minute's run goes on). */
export const WIPE_PAGE = 1000;
export const WIPE_PAGES_PER_RUN = 100;

/** Wipes the sealed credentials if the election has closed at `now`; how many were wiped. */
export async function wipeCredentialsAtClosing(db: Database, electionId: number, now: number): Promise<number> {
  const election = await db
    .select({ closesAt: elections.closesAt })
    .from(elections)
    .where(eq(elections.id, electionId))
    .get();
  if (!election || now < election.closesAt) return 0;
  let wiped = 0;
  for (let page = 0; page < WIPE_PAGES_PER_RUN; page++) {
    const ids = db
      .select({ id: ballotCredentials.voterId })
      .from(ballotCredentials)
      .where(isNotNull(ballotCredentials.sealed))
      .limit(WIPE_PAGE);
    const res = await db
      .update(ballotCredentials)
      .set({ sealed: null })
      .where(and(isNotNull(ballotCredentials.sealed), inArray(ballotCredentials.voterId, ids)))
      .run();
    const changed = res.meta.changes ?? 0;
    wiped += changed;
    if (changed < WIPE_PAGE) break;
  }
  return wiped;
}
