/**
 * The `voters` capability: the reads, one query each, and the two renewal writes (through
 * drizzle). A renewal writes the new credential's hash, bumps the session generation (every
 * open session ends) and records its audit event in one D1 batch — one transaction: the
 * change and its record stand or fall together.
 */
import { eq, getTableColumns, sql } from 'drizzle-orm';
import { voters, type Voter } from '../db/schema';
import { auditInsert, type AuditRecord } from './audit';
import type { Database } from './database';

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
 * A voter's row by one column, as drizzle would read it. Every login reads its voter (and
 * every /espace), and drizzle's query builder spent ~0.15 ms of CPU building this same
 * statement on each call: the SQL is built once per isolate from the table's columns, each
 * aliased to the row's field name, so D1 returns the `Voter` as is (no column is decoded).
 */
const selectVoterBy = (column: { name: string }) =>
  `SELECT ${Object.entries(getTableColumns(voters))
    .map(([field, c]) => `"${c.name}" AS "${field}"`)
    .join(', ')} FROM "voters" WHERE "${column.name}" = ?`;
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
 * screens never reach D1. `primary` opens a session on the primary.
 */
export function voterStore(
  d1: () => D1DatabaseSession,
  db: () => Database,
  primary: () => D1DatabaseSession,
): VoterStore {
  const renew = async (voterId: number | null, now: number, set: Partial<Voter>, audit: AuditRecord) => {
    const d = db();
    await d.batch([
      d
        .update(voters)
        .set({ ...set, sessionGeneration: sql`${voters.sessionGeneration} + 1`, updatedAt: now })
        .where(eq(voters.id, voterId ?? NOBODY)),
      auditInsert(d, audit),
    ]);
  };
  return {
    ...reads(d1),
    primary: () => {
      const session = primary();
      return reads(() => session);
    },
    renewIdentifier: ({ voterId, now, identifierHmac, audit }) =>
      renew(voterId, now, { identifierHmac, identifierRenewedAt: now }, audit),
    renewPassword: ({ voterId, now, passwordHash, audit }) =>
      renew(voterId, now, { passwordHash, passwordRenewedAt: now }, audit),
  };
}
