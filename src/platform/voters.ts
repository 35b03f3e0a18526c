/**
 * The `voters` capability: the reads, one query each (SQL built once per isolate), and the two
 * renewal writes (through drizzle). A renewal writes the new credential's hash, bumps the
 * session generation (every open session ends) and records its audit event in one D1 batch —
 * one transaction: the change and its record stand or fall together. The event is the next
 * link of its voter's renewal chain, whose head is read first (one primary read): a renewal
 * that loses the race for that chain to another one is written again, whole, from the new head.
 */
import { eq, sql } from 'drizzle-orm';
import { voters, type Voter } from '../db/schema';
import type { AuditRecord, AuditTrail } from './audit';
import { CHAINS } from './audit-chain';
import { fieldColumns, type Database } from './database';
import { insertRows, type OutboxRow } from './delivery/outbox';

export interface VoterReads {
  byIdentifierHmac(hmac: string): Promise<Voter | undefined>;
  byNumic(numic: string): Promise<Voter | undefined>;
  byId(id: number): Promise<Voter | undefined>;
}

export interface RenewalWrite {
  /** The voter renewed, or null for a request that matched nobody (the update matches no row). */
  voterId: number | null;
  now: number;
  audit: AuditRecord;
  /** The messages announcing the renewal, written in the same batch (delivery/outbox.ts). */
  outbox: readonly OutboxRow[];
}

export interface VoterStore extends VoterReads {
  /** The same reads from the D1 primary, for the rare read a replica may not answer yet. */
  primary(): VoterReads;
  renewIdentifier(write: RenewalWrite & { voterId: number; identifierHmac: string }): Promise<void>;
  /**
   * With `voterId: null` the batch is the same two statements, the update matching no row:
   * a request that matched nobody costs D1 what a match costs.
   */
  renewPassword(write: RenewalWrite & { passwordHash: string }): Promise<void>;
}

/**
 * An active voter's row by one column, as drizzle would read it. A deactivated voter
 * (`roll import --replace`) is not there, so every voter screen treats them exactly like an
 * unknown one: the same query, the same answer, the same work that follows. Every login reads its voter (and
 * every /espace), and drizzle's query builder spent ~0.15 ms of CPU building this same
 * statement on each call: the SQL is built once per isolate from the table's columns, each
 * aliased to the row's field name, so D1 returns the `Voter` as is (no column is decoded).
 */
const selectVoterBy = (column: { name: string }) =>
  `SELECT ${fieldColumns(voters)} FROM "voters" WHERE "${column.name}" = ? AND "deactivated_at" IS NULL`;
const BY_IDENTIFIER_HMAC = selectVoterBy(voters.identifierHmac);
const BY_NUMIC = selectVoterBy(voters.numic);
const BY_ID = selectVoterBy(voters.id);

function reads(d1: () => D1DatabaseSession): VoterReads {
  const first = async (statement: string, value: string | number) =>
    (await d1().prepare(statement).bind(value).first<Voter>()) ?? undefined;
  return {
    byIdentifierHmac: (hmac) => first(BY_IDENTIFIER_HMAC, hmac),
    byNumic: (numic) => first(BY_NUMIC, numic),
    byId: (id) => first(BY_ID, id),
  };
}

// Row ids start at 1 (AUTOINCREMENT): id 0 matches nobody.
const NOBODY = 0;

/**
 * `d1` and `db` (the same session, without and with drizzle) are called on first use: most
 * screens never reach D1. `primary` opens a session on the primary. `trail` writes the
 * renewal's batch on `db` (its bookmark then covers the write).
 */
export function voterStore(
  d1: () => D1DatabaseSession,
  db: () => Database,
  primary: () => D1DatabaseSession,
  trail: AuditTrail,
): VoterStore {
  const renew = async ({ now, voterId, audit, outbox }: RenewalWrite, set: Partial<Voter>) => {
    await trail.append(CHAINS.renewal(audit.numicHmac), [audit], (d) => [
      d
        .update(voters)
        .set({ ...set, sessionGeneration: sql`${voters.sessionGeneration} + 1`, updatedAt: now })
        .where(eq(voters.id, voterId ?? NOBODY)),
      ...insertRows(d, outbox),
    ]);
  };
  return {
    ...reads(d1),
    primary: () => {
      const session = primary();
      return reads(() => session);
    },
    renewIdentifier: (write) => renew(write, { identifierHmac: write.identifierHmac, identifierRenewedAt: write.now }),
    renewPassword: (write) => renew(write, { passwordHash: write.passwordHash, passwordRenewedAt: write.now }),
  };
}
