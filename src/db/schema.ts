/**
 * D1 tables (drizzle). `drizzle-kit generate` writes the SQL into `migrations/`; the
 * append-only triggers of `audit_events` are added by hand in the same migration because
 * drizzle has no notion of triggers.
 */
import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** One election: its title and its voting window (epoch milliseconds). */
export const elections = sqliteTable('elections', {
  id: integer('id').primaryKey(),
  title: text('title').notNull(),
  opensAt: integer('opens_at').notNull(),
  closesAt: integer('closes_at').notNull(),
  /** When the electoral roll was loaded: renewal screens work from then until closing. */
  rollLoadedAt: integer('roll_loaded_at').notNull(),
});

/**
 * The electoral roll. The identifier is kept only as an HMAC (secret key), the password
 * only as a salted PBKDF2-SHA256 hash. `sessionGeneration` ends every session at once when
 * bumped (renewals); the renewal timestamps feed the one-at-a-time rule.
 */
export const voters = sqliteTable(
  'voters',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    electionId: integer('election_id').notNull(),
    numic: text('numic').notNull(),
    email: text('email').notNull(),
    phone: text('phone').notNull(),
    identifierHmac: text('identifier_hmac').notNull(),
    passwordHash: text('password_hash').notNull(),
    language: text('language').notNull().default('fr'),
    sessionGeneration: integer('session_generation').notNull().default(0),
    identifierRenewedAt: integer('identifier_renewed_at'),
    passwordRenewedAt: integer('password_renewed_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('voters_numic_uq').on(t.numic),
    uniqueIndex('voters_identifier_hmac_uq').on(t.identifierHmac),
    index('voters_election_idx').on(t.electionId),
  ],
);

/**
 * Append-only audit trail (triggers refuse UPDATE and DELETE). Never a secret: the NUMIC
 * only as an HMAC, no identifier, password, token or link.
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    event: text('event').notNull(),
    numicHmac: text('numic_hmac'),
    at: integer('at').notNull(),
    outcome: text('outcome').notNull(),
    detail: text('detail'),
  },
  (t) => [index('audit_numic_at_idx').on(t.numicHmac, t.at), index('audit_at_idx').on(t.at)],
);

export type Election = typeof elections.$inferSelect;
export type Voter = typeof voters.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferInsert;
