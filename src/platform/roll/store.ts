/**
 * The `roll` capability: the electoral roll as operators load it (`npm run roll -- import`),
 * chunk by chunk through the operator API.
 *
 * A chunk is read (its voters by NUMIC, a handful of statements of ≤ 99 parameters, one
 * round trip), sorted into new, changed and unchanged voters, and written in ONE D1 batch —
 * one transaction — with its audit events (the operator's chunk and each convoked voter's
 * changed contact) and the notices to a changed contact's old address and phone (outbox rows):
 * a chunk is loaded whole or not at all. Upserting by NUMIC makes a re-run of an interrupted
 * import finish the job: what was written is found unchanged, nothing is duplicated.
 *
 * Statements are chunked by bound parameters, never by rows (D1: 100 per statement).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { elections, voters } from '../../db/schema';
import type { AuditRecord, AuditTrail } from '../audit';
import type { Database } from '../database';
import { insertRows, type OutboxRow } from '../delivery/outbox';

export interface RollRow {
  line: number;
  numic: string;
  email: string;
  phone: string;
  constituency: string;
  language: 'fr' | 'en';
  consulate: string | null;
}

/** What a chunk needs to know of a voter already on the roll. */
export interface RollVoter {
  id: number;
  numic: string;
  email: string;
  phone: string;
  constituency: string;
  language: string;
  consulate: string | null;
  convokedAt: number | null;
  deactivatedAt: number | null;
}

export interface ChunkResult {
  imported: number;
  updated: number;
  unchanged: number;
}

/** A convoked voter whose e-mail or phone changes: their old contacts get a notice. */
export interface ContactChange {
  before: RollVoter;
  after: RollRow;
}

export interface ChunkWrite {
  rows: readonly RollRow[];
  /** The `--replace` run this chunk belongs to, if any: every NUMIC of it is marked seen. */
  seenRun: string | null;
  electionId: number;
  now: number;
  /** The operator's event of this chunk and one per changed contact. */
  audit: (result: ChunkResult, changes: readonly ContactChange[]) => AuditRecord[];
  /** The notices of changed contacts, as outbox rows of the same batch. */
  notices: (changes: readonly ContactChange[]) => Promise<OutboxRow[]>;
  chain: string;
  /**
   * Constituencies whose ballot is set up: their credential list is frozen, so they take no new
   * voter and no voter moves in or out of them (a contact change still goes through).
   */
  frozen?: ReadonlySet<string>;
}

export interface DeactivationPlan {
  /** Active voters the run did not see. */
  wouldDeactivate: number;
  active: number;
  /** Voters deactivated in the 24 hours before `now`. */
  recentlyDeactivated: number;
}

export interface RollStore {
  upsert(
    write: ChunkWrite,
  ): Promise<ChunkResult & { changes: ContactChange[]; frozenOut: { line: number; constituency: string }[] }>;
  /** Marks NUMICs as listed by the run (rows rejected by the command still protect their voter). */
  markSeen(run: string, numics: readonly string[]): Promise<number>;
  planDeactivation(run: string, now: number): Promise<DeactivationPlan>;
  /** Deactivates every active voter the run did not see, with its audit event; the count. */
  deactivateUnseen(run: string, now: number, chain: string, audit: (count: number) => AuditRecord): Promise<number>;
}

export const MAX_PARAMS = 100;
/**
 * Values bound per inserted voter: the twelve set below — drizzle would bind a column's schema
 * default too, so every one is given (D1 refuses the 101st parameter of a statement; the
 * 500-row test of test/integration/operator-roll.test.ts fails if this count is wrong).
 */
export const INSERT_PARAMS = 12;
export const ROWS_PER_INSERT = Math.floor(MAX_PARAMS / INSERT_PARAMS);
/** NUMICs per `IN (…)` list, with one more parameter beside them. */
export const NUMICS_PER_STATEMENT = MAX_PARAMS - 2;
export const DAY_MS = 86_400_000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const sameVoter = (v: RollVoter, r: RollRow) =>
  v.email === r.email &&
  v.phone === r.phone &&
  v.constituency === r.constituency &&
  v.language === r.language &&
  (v.consulate ?? null) === r.consulate &&
  v.deactivatedAt === null;

export function d1Roll(db: () => Database, primary: () => Database, trail: AuditTrail): RollStore {
  /** Reads from the primary: a lagging replica would call a voter written a second ago new. */
  async function existing(numics: readonly string[]): Promise<Map<string, RollVoter>> {
    const d = primary();
    const reads = chunks(numics, NUMICS_PER_STATEMENT).map((part) =>
      d
        .select({
          id: voters.id,
          numic: voters.numic,
          email: voters.email,
          phone: voters.phone,
          constituency: voters.constituency,
          language: voters.language,
          consulate: voters.consulate,
          convokedAt: voters.convokedAt,
          deactivatedAt: voters.deactivatedAt,
        })
        .from(voters)
        .where(sql`${voters.numic} IN ${part}`),
    );
    const [first, ...rest] = reads;
    const answers = first ? await d.batch([first, ...rest]) : [];
    return new Map(answers.flat().map((v) => [v.numic, v]));
  }

  return {
    async upsert(write) {
      const { rows, now, seenRun, electionId } = write;
      const found = await existing(rows.map((r) => r.numic));
      const fresh: RollRow[] = [];
      const changed: { before: RollVoter; after: RollRow }[] = [];
      const unchanged: RollRow[] = [];
      const frozenOut: { line: number; constituency: string }[] = [];
      const frozen = write.frozen ?? new Set<string>();
      for (const row of rows) {
        const before = found.get(row.numic);
        const moving = before && before.constituency !== row.constituency;
        if (
          (!before && frozen.has(row.constituency)) ||
          (moving && (frozen.has(before.constituency) || frozen.has(row.constituency)))
        ) {
          frozenOut.push({
            line: row.line,
            constituency: frozen.has(row.constituency) ? row.constituency : before!.constituency,
          });
          continue;
        }
        if (!before) fresh.push(row);
        else if (sameVoter(before, row)) unchanged.push(row);
        else changed.push({ before, after: row });
      }
      const result: ChunkResult = { imported: fresh.length, updated: changed.length, unchanged: unchanged.length };
      const contactChanges = changed.filter(
        (c) => c.before.convokedAt !== null && (c.before.email !== c.after.email || c.before.phone !== c.after.phone),
      );
      const outbox = await write.notices(contactChanges);
      const records = write.audit(result, contactChanges);
      const change = (d: Database) => {
        const statements: BatchItem<'sqlite'>[] = [];
        for (const part of chunks(fresh, ROWS_PER_INSERT)) {
          statements.push(
            d.insert(voters).values(
              part.map((r) => ({
                electionId,
                numic: r.numic,
                email: r.email,
                phone: r.phone,
                language: r.language,
                constituency: r.constituency,
                consulate: r.consulate,
                seenRun,
                sessionGeneration: 0,
                convokedRound: 0,
                createdAt: now,
                updatedAt: now,
              })),
            ),
          );
        }
        for (const { before, after } of changed) {
          statements.push(
            d
              .update(voters)
              .set({
                email: after.email,
                phone: after.phone,
                language: after.language,
                constituency: after.constituency,
                consulate: after.consulate,
                deactivatedAt: null,
                seenRun,
                updatedAt: now,
              })
              .where(sql`${voters.id} = ${before.id}`),
          );
        }
        if (seenRun) {
          for (const part of chunks(
            unchanged.map((r) => r.numic),
            NUMICS_PER_STATEMENT,
          )) {
            statements.push(
              d
                .update(voters)
                .set({ seenRun })
                .where(sql`${voters.numic} IN ${part}`),
            );
          }
        }
        statements.push(...insertRows(d, outbox));
        // Renewal screens open once the roll is loaded (election.ts renewalState).
        statements.push(
          d
            .update(elections)
            .set({ rollLoadedAt: now })
            .where(sql`${elections.id} = ${electionId} AND ${elections.rollLoadedAt} > ${now}`),
        );
        return statements;
      };
      if (records.length > 0) await trail.append(write.chain, records, change);
      return { ...result, changes: contactChanges, frozenOut };
    },

    async markSeen(run, numics) {
      if (numics.length === 0) return 0;
      const d = db();
      const statements = chunks(numics, NUMICS_PER_STATEMENT).map((part) =>
        d
          .update(voters)
          .set({ seenRun: run })
          .where(sql`${voters.numic} IN ${part} AND ${voters.deactivatedAt} IS NULL`),
      );
      const [first, ...rest] = statements;
      const results = await d.batch([first!, ...rest]);
      return results.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
    },

    async planDeactivation(run, now) {
      const d = primary();
      const count = (where: SQL) =>
        d
          .select({ n: sql<number>`count(*)` })
          .from(voters)
          .where(where);
      const [unseen, active, recent] = await d.batch([
        count(sql`${voters.deactivatedAt} IS NULL AND (${voters.seenRun} IS NULL OR ${voters.seenRun} != ${run})`),
        count(sql`${voters.deactivatedAt} IS NULL`),
        count(sql`${voters.deactivatedAt} > ${now - DAY_MS}`),
      ]);
      return {
        wouldDeactivate: unseen[0]?.n ?? 0,
        active: active[0]?.n ?? 0,
        recentlyDeactivated: recent[0]?.n ?? 0,
      };
    },

    async deactivateUnseen(run, now, chain, audit) {
      const plan = await this.planDeactivation(run, now);
      if (plan.wouldDeactivate === 0) return 0;
      await trail.append(chain, [audit(plan.wouldDeactivate)], (d) => [
        d
          .update(voters)
          .set({ deactivatedAt: now, updatedAt: now })
          .where(sql`${voters.deactivatedAt} IS NULL AND (${voters.seenRun} IS NULL OR ${voters.seenRun} != ${run})`),
      ]);
      return plan.wouldDeactivate;
    },
  };
}

/**
 * Whether a `--replace` run may deactivate `plan.wouldDeactivate` voters: no more than 10 % of
 * the active roll in 24 hours, this run's included (SPEC.md), unless the operator insists.
 */
export function massDeactivation(plan: DeactivationPlan): boolean {
  const base = plan.active + plan.recentlyDeactivated;
  return plan.wouldDeactivate > 0 && (plan.wouldDeactivate + plan.recentlyDeactivated) * 10 > base;
}
