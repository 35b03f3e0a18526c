/**
 * The `ballotSetup` capability: `ballot setup` freezes each constituency's Belenios election
 * (SPEC.md "The ballot"), in three steps the command drives, so no request does unbounded work:
 *
 * 1. `prepare`: for every contest not yet set up, an election — a fresh uuid, the trustees'
 *    joint key (the product of their public keys: the portal never holds a trustee's private
 *    key), the contest's question — kept in `ballot_setups`.
 * 2. `credentials`: page by page, each active voter of the constituency gets a signing
 *    credential, independent of their identifier and password: the public one for the frozen
 *    list, the private one sealed (AES-GCM, bound to the election and the voter).
 * 3. `freeze`: once every active voter has one, the public list goes into the constituency's
 *    ballot box page by page (a list of 200 000 is ~124 MB: never read whole), then the box
 *    freezes it with the election and the trustees (its Setup event), and the contest is
 *    marked set up — from then on it takes no new voter and no voter moves in or out of it.
 *    The box first, then D1: a retry after a failure finds the box already set up and finishes.
 */
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import {
  derivePublicCredential,
  electionFingerprint,
  electionJson,
  electionPublicKey,
  generateElectionUuid,
  generatePrivateCredential,
  singleChoiceQuestion,
  trusteesJson,
  type Question,
  type TrusteePublicKey,
} from '../../ballot';
import { ballotCredentials, ballotSetups, contests, voters } from '../../db/schema';
import type { AuditRecord, AuditTrail } from '../audit';
import { CHAINS } from '../audit-chain';
import type { Database } from '../database';
import { sealSecret } from '../delivery/seal';
import { CREDENTIALS_PAGE } from './box';
import type { BallotBoxes } from './boxes';

/** Voters given a credential per call: 1 000 PBKDF2 iterations each (~0.3 ms), well in a request. */
export const CREDENTIALS_PER_CALL = 200;

export interface PreparedSetup {
  constituency: string;
  uuid: string;
  /** Active voters still without a credential. */
  pending: number;
}

export type FreezeOutcome =
  | { kind: 'frozen'; uuid: string; fingerprint: string; credentials: number }
  | { kind: 'missing_credentials'; pending: number }
  /** The staged list was not the one read (a concurrent freeze): nothing frozen, run it again. */
  | { kind: 'changed' }
  | { kind: 'not_prepared' };

export interface BallotSetup {
  /**
   * Each open contest's election written (once), with `audit(constituencies)` in the same D1
   * batch: a setup is never written without its event, nor its event without it.
   */
  prepare(input: {
    trustees: readonly TrusteePublicKey[];
    title: string;
    now: number;
    audit: (constituencies: string[]) => AuditRecord;
  }): Promise<PreparedSetup[]>;
  credentials(constituency: string, after: number, now: number): Promise<{ created: number; next: number | null }>;
  freeze(
    constituency: string,
    window: { opensAt: number; closesAt: number },
    now: number,
    audit: AuditRecord,
  ): Promise<FreezeOutcome>;
  /** The sealed-credential context: what a credential is bound to. */
  sealContext(uuid: string, voterId: number): { messageId: string };
}

export function d1BallotSetup(
  primary: () => Database,
  electionId: number,
  sealingKey: string,
  boxes: BallotBoxes,
  trail: AuditTrail,
): BallotSetup {
  const sealContext = (uuid: string, voterId: number) => ({ messageId: `ballot-credential:${uuid}:${voterId}` });

  async function pending(d: Database, constituency: string): Promise<number> {
    const row = await d
      .select({ n: sql<number>`COUNT(*)` })
      .from(voters)
      .leftJoin(ballotCredentials, eq(ballotCredentials.voterId, voters.id))
      .where(
        and(eq(voters.constituency, constituency), isNull(voters.deactivatedAt), isNull(ballotCredentials.voterId)),
      )
      .get();
    return row?.n ?? 0;
  }

  return {
    sealContext,
    async prepare({ trustees, title, now, audit }) {
      const d = primary();
      const open = await d
        .select()
        .from(contests)
        .where(and(eq(contests.electionId, electionId), isNull(contests.ballotSetUpAt)))
        .orderBy(asc(sql`CAST(${contests.constituency} AS INTEGER)`))
        .all();
      const existing = new Set(
        (await d.select({ constituency: ballotSetups.constituency }).from(ballotSetups).all()).map(
          (r) => r.constituency,
        ),
      );
      const rows = open
        .filter((contest) => !existing.has(contest.constituency))
        .map((contest) => {
          const answers = JSON.parse(contest.answers) as string[];
          const question: Question = contest.blank
            ? singleChoiceQuestion(contest.question, answers)
            : { question: contest.question, answers, min: 1, max: 1 };
          const uuid = generateElectionUuid();
          return {
            constituency: contest.constituency,
            uuid,
            electionJson: electionJson({
              uuid,
              name: `${title} — ${contest.constituency}`,
              description: contest.question,
              publicKey: electionPublicKey(trustees),
              questions: [question],
            }),
            trusteesJson: trusteesJson(trustees),
            createdAt: now,
          };
        });
      await trail.append(CHAINS.operator(), [audit(open.map((c) => c.constituency))], (b) =>
        rows.map((row) => b.insert(ballotSetups).values(row).onConflictDoNothing()),
      );
      const out: PreparedSetup[] = [];
      for (const contest of open) {
        const setup = await d
          .select({ uuid: ballotSetups.uuid })
          .from(ballotSetups)
          .where(eq(ballotSetups.constituency, contest.constituency))
          .get();
        out.push({
          constituency: contest.constituency,
          uuid: setup!.uuid,
          pending: await pending(d, contest.constituency),
        });
      }
      return out;
    },

    async credentials(constituency, after, now) {
      const d = primary();
      const setup = await d.select().from(ballotSetups).where(eq(ballotSetups.constituency, constituency)).get();
      if (!setup || setup.frozenAt !== null) return { created: 0, next: null };
      const page = await d
        .select({ id: voters.id })
        .from(voters)
        .leftJoin(ballotCredentials, eq(ballotCredentials.voterId, voters.id))
        .where(
          and(
            eq(voters.constituency, constituency),
            isNull(voters.deactivatedAt),
            isNull(ballotCredentials.voterId),
            gt(voters.id, after),
          ),
        )
        .orderBy(asc(voters.id))
        .limit(CREDENTIALS_PER_CALL)
        .all();
      if (page.length === 0) return { created: 0, next: null };
      const rows = await Promise.all(
        page.map(async ({ id }) => {
          const credential = generatePrivateCredential();
          return {
            voterId: id,
            constituency,
            publicCredential: (await derivePublicCredential(credential, setup.uuid)).toString(),
            sealed: await sealSecret(sealingKey, credential, sealContext(setup.uuid, id)),
            createdAt: now,
          };
        }),
      );
      const [first, ...rest] = rows.map((r) => d.insert(ballotCredentials).values(r).onConflictDoNothing());
      await d.batch([first!, ...rest]);
      return { created: rows.length, next: page.length < CREDENTIALS_PER_CALL ? null : page.at(-1)!.id };
    },

    async freeze(constituency, window, now, audit) {
      const d = primary();
      const setup = await d.select().from(ballotSetups).where(eq(ballotSetups.constituency, constituency)).get();
      if (!setup) return { kind: 'not_prepared' };
      const missing = await pending(d, constituency);
      if (missing > 0) return { kind: 'missing_credentials', pending: missing };
      const box = boxes.forConstituency(constituency);
      // The frozen list: the credentials of the constituency's active voters, staged a page at a
      // time in credential order; the first page forgets what an interrupted freeze staged.
      const active = and(eq(ballotCredentials.constituency, constituency), isNull(voters.deactivatedAt));
      let total = 0;
      let last: string | null = null;
      for (;;) {
        const page = await d
          .select({ credential: ballotCredentials.publicCredential })
          .from(ballotCredentials)
          .innerJoin(voters, eq(voters.id, ballotCredentials.voterId))
          .where(last === null ? active : and(active, gt(ballotCredentials.publicCredential, last)))
          .orderBy(asc(ballotCredentials.publicCredential))
          .limit(CREDENTIALS_PAGE)
          .all();
        const staged = await box.stageCredentials(
          page.map((r) => r.credential),
          last === null,
        );
        if (staged === 'frozen') break;
        if (staged === 'malformed') throw new Error('ballot setup: the box refused a page of credentials');
        total += page.length;
        if (page.length < CREDENTIALS_PAGE) break;
        last = page.at(-1)!.credential;
      }
      const answer = await box.setup({
        electionJson: setup.electionJson,
        trusteesJson: setup.trusteesJson,
        credentials: total,
        timestamp: Math.floor(now / 1000),
        ...window,
      });
      if (answer === 'different') throw new Error('ballot setup: the box holds another election');
      // Another freeze of this constituency ran at the same time and reset the staging.
      if (answer === 'incomplete') return { kind: 'changed' };
      const frozen = answer === 'ok' ? total : (await box.info()).credentials;
      if (setup.frozenAt === null) {
        await trail.append(CHAINS.operator(), [audit], (t) => [
          t.update(ballotSetups).set({ frozenAt: now }).where(eq(ballotSetups.constituency, constituency)),
          t
            .update(contests)
            .set({ ballotSetUpAt: now })
            .where(and(eq(contests.electionId, electionId), eq(contests.constituency, constituency))),
        ]);
      }
      return {
        kind: 'frozen',
        uuid: setup.uuid,
        fingerprint: await electionFingerprint(setup.electionJson),
        credentials: frozen,
      };
    },
  };
}
