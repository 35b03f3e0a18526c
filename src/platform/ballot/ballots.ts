/**
 * The `ballots` capability: what casting reads and writes in D1 around the box — the voter's
 * frozen election and credential (the private one opened for the booth), and once the box holds
 * a ballot, in one batch: the sealed credential wiped, the voter counted as having voted, the
 * tracker indexed for `/verifier`, the receipt and the cast notices in the outbox. The batch is
 * idempotent: a retry after the box already took the ballot writes no second notice.
 */
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { electionFingerprint, parseElection, type Election } from '../../ballot';
import { ballotCredentials, ballotSetups, trackers } from '../../db/schema';
import type { AuditRecord, AuditTrail } from '../audit';
import { CHAINS } from '../audit-chain';
import type { Database } from '../database';
import { conditionalRow, type OutboxRow } from '../delivery/outbox';
import { openSecret } from '../delivery/seal';

export interface VoterBallot {
  constituency: string;
  uuid: string;
  electionJson: string;
  election: Election;
  fingerprint: string;
  publicCredential: string;
  /** The private credential, opened (null once wiped: the voter has voted, or the vote closed). */
  privateCredential: string | null;
  /** When the voter's ballot went into the box, once recorded (the cheap émargement check). */
  votedAt: number | null;
}

export interface Ballots {
  /** The voter's frozen ballot, or null when their constituency is not set up. */
  forVoter(voterId: number, opts?: { open?: boolean }): Promise<VoterBallot | null>;
  /** After the box took `tracker`: wipe, count, index, notify — once. */
  recordCast(
    write: { voterId: number; constituency: string; tracker: string; at: number; notices: readonly OutboxRow[] },
    audit: AuditRecord,
  ): Promise<void>;
  /** The constituency holding a ballot with this tracker, if any. */
  constituencyOf(tracker: string): Promise<string | null>;
  /** Per set-up constituency, the voters counted as having voted (the public émargement count). */
  emargements(): Promise<{ constituency: string; voted: number }[]>;
}

// Parsed elections per isolate: a setup never changes once frozen.
const parsed = new Map<string, Election>();

export function d1Ballots(db: () => Database, primary: () => Database, trail: AuditTrail, sealingKey: string): Ballots {
  return {
    async forVoter(voterId, opts = {}) {
      const row = await primary()
        .select({
          constituency: ballotSetups.constituency,
          uuid: ballotSetups.uuid,
          electionJson: ballotSetups.electionJson,
          publicCredential: ballotCredentials.publicCredential,
          sealed: ballotCredentials.sealed,
          votedAt: ballotCredentials.votedAt,
        })
        .from(ballotCredentials)
        .innerJoin(ballotSetups, eq(ballotSetups.constituency, ballotCredentials.constituency))
        .where(and(eq(ballotCredentials.voterId, voterId), isNotNull(ballotSetups.frozenAt)))
        .get();
      if (!row) return null;
      let election = parsed.get(row.uuid);
      if (!election) {
        election = parseElection(row.electionJson);
        parsed.set(row.uuid, election);
      }
      const privateCredential =
        opts.open && row.sealed
          ? await openSecret(sealingKey, row.sealed, { messageId: `ballot-credential:${row.uuid}:${voterId}` })
          : null;
      return {
        constituency: row.constituency,
        uuid: row.uuid,
        electionJson: row.electionJson,
        election,
        fingerprint: await electionFingerprint(row.electionJson),
        publicCredential: row.publicCredential,
        privateCredential,
        votedAt: row.votedAt,
      };
    },
    async recordCast(write, audit) {
      const fresh = sql`NOT EXISTS (SELECT 1 FROM ${trackers} WHERE ${trackers.tracker} = ${write.tracker})`;
      await trail.append(CHAINS.renewal(audit.numicHmac), [audit], (d) => [
        // The notices first, while the tracker is not indexed yet: a retry finds it and sends none.
        ...write.notices.map((row) =>
          conditionalRow(d, row, ballotSetups, and(eq(ballotSetups.constituency, write.constituency), fresh)!),
        ),
        d
          .update(ballotCredentials)
          .set({ sealed: null, votedAt: sql`COALESCE(${ballotCredentials.votedAt}, ${write.at})` })
          .where(eq(ballotCredentials.voterId, write.voterId)),
        d
          .insert(trackers)
          .values({ tracker: write.tracker, constituency: write.constituency, at: write.at })
          .onConflictDoNothing(),
      ]);
    },
    emargements: () =>
      db()
        .select({
          constituency: ballotSetups.constituency,
          voted: sql<number>`(SELECT COUNT(*) FROM ${ballotCredentials} WHERE ${ballotCredentials.constituency} = ${ballotSetups.constituency} AND ${ballotCredentials.votedAt} IS NOT NULL)`,
        })
        .from(ballotSetups)
        .where(isNotNull(ballotSetups.frozenAt))
        .orderBy(sql`CAST(${ballotSetups.constituency} AS INTEGER)`)
        .all(),
    async constituencyOf(tracker) {
      const row = await db()
        .select({ c: trackers.constituency })
        .from(trackers)
        .where(eq(trackers.tracker, tracker))
        .get();
      return row?.c ?? null;
    },
  };
}
