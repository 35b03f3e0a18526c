/**
 * The `counting` capability: closing and counting a constituency's box (issue 16, SPEC.md
 * "The ballot").
 *
 * - `tally`, after closing only: the sealed credentials wiped (if the cron has not yet), then
 *   the box ends its ballots and appends the encrypted tally — its running product, which
 *   `ballot tally` checks against a recomputation from the exported ballots.
 * - `publish`: the trustees' partial decryptions (each exactly what `election decrypt` prints:
 *   the decryption, then the owned record), every proof checked against its trustee's key and
 *   the box's tally — a missing, duplicated, foreign or forged one refused, named — the counts
 *   computed (a discrete logarithm of at most the number of ballots), appended to the box's
 *   archive with the result, and kept in D1 for the public results page.
 */
import { asc, eq, sql } from 'drizzle-orm';
import {
  computeResult,
  electionFingerprint,
  parseElection,
  parseEncryptedTally,
  parsePartialDecryption,
  parseTrustees,
  resultJson,
  sha256Hex,
  verifyPartialDecryption,
  type PartialDecryption,
} from '../../ballot';
import { ballotResults } from '../../db/schema';
import type { AuditRecord, AuditTrail } from '../audit';
import { CHAINS } from '../audit-chain';
import type { Database } from '../database';
import type { BallotBoxes } from './boxes';
import type { BoxPartial, TallyOutcome } from './box';
import { wipeCredentialsAtClosing } from './closing';

export type CountTally =
  | { kind: 'tallied' | 'already'; uuid: string; numTallied: number; talliedAt: number }
  | { kind: 'open' }
  | { kind: 'not_set_up' };

/** Why a set of partial decryptions is refused; `trustees` are 1-based trustee ids. */
export type PartialRefusal =
  | { kind: 'not_tallied' }
  | { kind: 'unreadable'; index: number }
  | { kind: 'unknown_trustee'; index: number; trustee: number }
  | { kind: 'duplicate'; trustee: number }
  | { kind: 'invalid'; trustee: number }
  | { kind: 'missing'; trustees: number[] };

export interface PublishedResult {
  constituency: string;
  uuid: string;
  fingerprint: string;
  question: string;
  counts: { answer: string; count: number }[];
  blank: number | null;
  ballots: number;
  resultHash: string;
  publishedAt: number;
}

export type CountPublish = { kind: 'published' | 'already'; result: PublishedResult } | PartialRefusal;

export interface Counting {
  tally(constituency: string, now: number, audit: AuditRecord): Promise<CountTally>;
  publish(constituency: string, partials: readonly string[], now: number, audit: AuditRecord): Promise<CountPublish>;
  /** Every published count, in constituency order (the public results page). */
  results(): Promise<PublishedResult[]>;
}

/** Reads one partial-decryption file: its two lines, the decryption and the owned record. */
function readPartial(text: string): { box: BoxPartial; owner: number; pd: PartialDecryption } | null {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 2) return null;
  const [pdJson, ownedJson] = lines as [string, string];
  try {
    const owned = JSON.parse(ownedJson) as { owner?: unknown; payload?: unknown };
    if (!Number.isSafeInteger(owned.owner) || typeof owned.payload !== 'string') return null;
    return { box: { pdJson, ownedJson }, owner: owned.owner as number, pd: parsePartialDecryption(pdJson) };
  } catch {
    return null;
  }
}

export function d1Counting(
  primary: () => Database,
  electionId: number,
  boxes: BallotBoxes,
  trail: AuditTrail,
): Counting {
  const rowOf = (r: typeof ballotResults.$inferSelect): PublishedResult => ({
    ...r,
    counts: JSON.parse(r.counts) as PublishedResult['counts'],
  });

  return {
    async tally(constituency, now, audit) {
      // "Wiped … at closing": before the count, whatever the cron has done so far.
      await wipeCredentialsAtClosing(primary(), electionId, now);
      const box = boxes.forConstituency(constituency);
      const out: TallyOutcome = await box.tally(now);
      if (out.kind === 'open' || out.kind === 'not_set_up') return out;
      if (out.kind === 'tallied') await trail.append(CHAINS.operator(), [audit]);
      return { kind: out.kind, uuid: out.uuid, numTallied: out.numTallied, talliedAt: out.talliedAt };
    },

    async publish(constituency, texts, now, audit) {
      const box = boxes.forConstituency(constituency);
      const counting = await box.counting();
      if (!counting) return { kind: 'not_tallied' };
      const [electionRecord, trusteesRecord] = await box.records(0, 2);
      const electionJson = electionRecord!.body;
      const election = parseElection(electionJson);
      const trustees = parseTrustees(trusteesRecord!.body);
      const fingerprint = await electionFingerprint(electionJson);
      const tally = parseEncryptedTally(counting.tallyJson);

      const byOwner = new Map<number, { box: BoxPartial; pd: PartialDecryption }>();
      for (const [i, text] of texts.entries()) {
        const p = readPartial(text);
        if (!p || (await sha256Hex(p.box.pdJson)) !== (JSON.parse(p.box.ownedJson) as { payload: string }).payload) {
          return { kind: 'unreadable', index: i + 1 };
        }
        if (p.owner < 1 || p.owner > trustees.length)
          return { kind: 'unknown_trustee', index: i + 1, trustee: p.owner };
        if (byOwner.has(p.owner)) return { kind: 'duplicate', trustee: p.owner };
        // A decryption of another tally (another election, an earlier box) fails here too.
        if (!(await verifyPartialDecryption(tally, p.pd, trustees[p.owner - 1]!.publicKey, fingerprint))) {
          return { kind: 'invalid', trustee: p.owner };
        }
        byOwner.set(p.owner, p);
      }
      const missing = trustees.map((_, i) => i + 1).filter((id) => !byOwner.has(id));
      if (missing.length > 0) return { kind: 'missing', trustees: missing };

      const ordered = trustees.map((_, i) => byOwner.get(i + 1)!);
      const counts = computeResult(
        tally,
        ordered.map((p) => p.pd),
        BigInt(counting.numTallied),
      );
      const result = resultJson(counts);
      const published = await box.publish(
        ordered.map((p) => p.box),
        result,
        now,
      );
      if (published === 'not_tallied') return { kind: 'not_tallied' };
      if (published === 'malformed') throw new Error('ballot result: the box refused the verified partials');

      // Belenios orders a blank question's counts blank first, then the answers.
      const question = election.questions[0]!;
      const q = counts[0]!.map(Number);
      const [blank, answers] = question.blank ? [q[0]!, q.slice(1)] : [null, q];
      const row = {
        constituency,
        uuid: election.uuid,
        fingerprint,
        question: question.question,
        counts: JSON.stringify(question.answers.map((answer, i) => ({ answer, count: answers[i]! }))),
        blank,
        ballots: counting.numTallied,
        resultHash: await sha256Hex(result),
        publishedAt: counting.countedAt ?? now,
      };
      // The box first, then D1: a retry after a failure finds the box counted and keeps the row.
      if (published === 'published') {
        await trail.append(CHAINS.operator(), [audit], (d) => [
          d.insert(ballotResults).values(row).onConflictDoNothing(),
        ]);
      } else {
        await primary().insert(ballotResults).values(row).onConflictDoNothing();
      }
      const stored = await primary()
        .select()
        .from(ballotResults)
        .where(eq(ballotResults.constituency, constituency))
        .get();
      return { kind: published, result: rowOf(stored ?? row) };
    },

    async results() {
      const rows = await primary()
        .select()
        .from(ballotResults)
        .orderBy(asc(sql`CAST(${ballotResults.constituency} AS INTEGER)`))
        .all();
      return rows.map(rowOf);
    },
  };
}
