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
  /**
   * The convocation round (`roll convoke`): 0 before the first. A round stays open until every
   * active voter holds its credentials; a run that stopped midway, run again, resumes it.
   */
  convocationRound: integer('convocation_round').notNull().default(0),
  convocationOpen: integer('convocation_open', { mode: 'boolean' }).notNull().default(false),
});

/**
 * The electoral roll. The identifier is kept only as an HMAC (secret key), the password
 * only as a salted PBKDF2-SHA256 hash. `sessionGeneration` is bumped by every renewal (a
 * second fence behind the voter's AccessState object, which ends sessions at once). The
 * renewal timestamps are the durable record of when each credential was last renewed, for
 * the operators; the one-at-a-time rule itself is decided by the voter's object, which must
 * be exact under concurrency where a D1 read could not be.
 */
export const voters = sqliteTable(
  'voters',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    electionId: integer('election_id').notNull(),
    numic: text('numic').notNull(),
    email: text('email').notNull(),
    phone: text('phone').notNull(),
    /** Null until the voter is convoked (credentials are generated then, not at import). */
    identifierHmac: text('identifier_hmac'),
    passwordHash: text('password_hash'),
    language: text('language').notNull().default('fr'),
    /** `1` to `11`. */
    constituency: text('constituency').notNull(),
    consulate: text('consulate'),
    /** When the convocation (credentials) was sent; null for a voter never convoked. */
    convokedAt: integer('convoked_at'),
    /** The round of the voter's last convocation: a redelivered batch of that round issues nothing. */
    convokedRound: integer('convoked_round').notNull().default(0),
    /**
     * Set by `roll import --replace` for a voter absent from the file: such a voter can no
     * longer log in, renew or vote, and every read of the voter screens treats them exactly
     * like an unknown one. Never deleted; a later import that lists them again reactivates.
     */
    deactivatedAt: integer('deactivated_at'),
    /** The last `--replace` import run whose file listed this NUMIC (platform/roll). */
    seenRun: text('seen_run'),
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
    index('voters_deactivated_idx').on(t.deactivatedAt),
  ],
);

/**
 * The question of each constituency (`election contests`). `answers` is a JSON array of
 * strings; `blank`: whether a blank vote is offered. `ballotSetUpAt`: when the ballot box of
 * this contest was set up (the ballot issue) — from then on the contest cannot change.
 */
export const contests = sqliteTable(
  'contests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    electionId: integer('election_id').notNull(),
    constituency: text('constituency').notNull(),
    question: text('question').notNull(),
    answers: text('answers').notNull(),
    blank: integer('blank', { mode: 'boolean' }).notNull(),
    ballotSetUpAt: integer('ballot_set_up_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('contests_constituency_uq').on(t.electionId, t.constituency)],
);

export type Contest = typeof contests.$inferSelect;

/**
 * Append-only audit trail (triggers refuse UPDATE, DELETE and REPLACE). Never a secret: the
 * NUMIC only as an HMAC, no identifier, password, token or link.
 *
 * Tamper-evident: each event is the next link of a chain (platform/audit-chain.ts) — its
 * `seq` in the chain, the `hash` of the previous event (`prev_hash`) and its own `hash` over
 * both and its fields. (chain, seq) is unique and a trigger refuses anything but the next link,
 * so a writer that lost a race fails and retries instead of forking the chain. Rows from
 * before migration 0003 have no chain (NULL), and no new row may be written without one.
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
    chain: text('chain'),
    seq: integer('seq'),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    index('audit_numic_at_idx').on(t.numicHmac, t.at),
    index('audit_at_idx').on(t.at),
    uniqueIndex('audit_chain_seq_uq').on(t.chain, t.seq),
  ],
);

export type Election = typeof elections.$inferSelect;
export type Voter = typeof voters.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferInsert;

/**
 * Final outcome of every queued message (e-mail or SMS): sent or failed, attempts, the
 * provider's answer. Never the message's secret part (a link, a password) nor a link token.
 */
export const deliveryOutcomes = sqliteTable(
  'delivery_outcomes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageId: text('message_id').notNull(),
    channel: text('channel').notNull(),
    purpose: text('purpose').notNull(),
    numicHmac: text('numic_hmac'),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull(),
    provider: text('provider').notNull(),
    providerAnswer: text('provider_answer'),
    createdAt: integer('created_at').notNull(),
    /** The provider's own id of the message (Brevo's `messageId`), which its receipts name. */
    providerMessageId: text('provider_message_id'),
    /**
     * What the console groups by: an SMS's country calling code (`+33`), an e-mail's recipient
     * domain (`example.org`) — never the address itself.
     */
    segment: text('segment'),
    /** The provider's latest word on the message (receipts.ts): delivered, bounced, failed, deferred. */
    receipt: text('receipt'),
    receiptAt: integer('receipt_at'),
  },
  (t) => [
    index('delivery_message_idx').on(t.messageId),
    index('delivery_created_idx').on(t.createdAt),
    index('delivery_provider_id_idx').on(t.providerMessageId),
    index('delivery_numic_idx').on(t.numicHmac, t.createdAt),
  ],
);

/**
 * Delivery receipts as the provider's webhooks sent them (platform/delivery/receipts.ts): one
 * row per message and event, so a replayed webhook changes nothing. Only receipts for a
 * message we sent are kept.
 */
export const deliveryReceipts = sqliteTable(
  'delivery_receipts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    providerMessageId: text('provider_message_id').notNull(),
    event: text('event').notNull(),
    /** When the provider says the event happened. */
    at: integer('at').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [uniqueIndex('delivery_receipts_uq').on(t.providerMessageId, t.event)],
);

/** Which channels and segments are alerting now (platform/delivery/alerts.ts), so each change is told once. */
export const deliveryAlerts = sqliteTable('delivery_alerts', {
  key: text('key').primaryKey(),
  alerting: integer('alerting', { mode: 'boolean' }).notNull(),
  share: integer('share_permille').notNull(),
  changedAt: integer('changed_at').notNull(),
});

/**
 * An operator's change to a voter that a second operator must approve (a corrected contact, a
 * lifted cooling-off): requested with a reason, then approved or refused by someone else.
 */
export const approvals = sqliteTable(
  'approvals',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    voterId: integer('voter_id').notNull(),
    numicHmac: text('numic_hmac').notNull(),
    /** JSON: what the change is (the new e-mail or phone, the credential). */
    payload: text('payload').notNull(),
    reason: text('reason').notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: integer('requested_at').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    /** `approved` or `refused`; null while pending. */
    outcome: text('outcome'),
  },
  (t) => [index('approvals_pending_idx').on(t.outcome, t.requestedAt)],
);

/** Development outbox: what the local delivery target received (only with DEV_TOOLS). */
export const devOutbox = sqliteTable('dev_outbox', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  channel: text('channel').notNull(),
  to: text('to').notNull(),
  subject: text('subject'),
  text: text('text').notNull(),
  html: text('html'),
  createdAt: integer('created_at').notNull(),
});

/** Messages to the assistance cell from the help page's contact form. */
export const assistanceRequests = sqliteTable(
  'assistance_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reference: text('reference').notNull(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    numic: text('numic'),
    topic: text('topic').notNull(),
    message: text('message').notNull(),
    language: text('language').notNull(),
    createdAt: integer('created_at').notNull(),
    /** `open`, then `answered` once the cell has written back, `closed` when done. */
    status: text('status').notNull().default('open'),
    answer: text('answer'),
    answeredAt: integer('answered_at'),
    answeredBy: text('answered_by'),
    closedAt: integer('closed_at'),
    closedBy: text('closed_by'),
  },
  (t) => [
    uniqueIndex('assistance_reference_uq').on(t.reference),
    index('assistance_created_idx').on(t.createdAt),
    index('assistance_status_idx').on(t.status, t.createdAt),
  ],
);

export type AssistanceTicket = typeof assistanceRequests.$inferSelect;

/**
 * The transactional outbox: a message is written here in the same D1 batch as the change it
 * announces (a new password and its SMS), so that once a page says "sent", the message exists
 * durably even if the queue or the Worker fails right after. `body` is the queued form
 * (the secret sealed), wiped as soon as the message has its final outcome; a row that stands
 * for nobody (the decoy of a request that matched no voter) is written already done.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    body: text('body'),
    createdAt: integer('created_at').notNull(),
    /** Last hand-over to the queue; the scheduled relay hands over again what stays undone. */
    relayedAt: integer('relayed_at'),
    doneAt: integer('done_at'),
    /**
     * The renewal this row announces, `{ numicHmac, credential, at }`, for the relay to
     * confirm in the voter's AccessState object if the request could not (the Worker died
     * after D1 took the change).
     */
    confirms: text('confirms'),
  },
  (t) => [index('outbox_pending_idx').on(t.doneAt, t.relayedAt)],
);

/**
 * A constituency's ballot as `ballot setup` prepares it (platform/ballot/setup.ts): its Belenios
 * election (fresh uuid, the trustees' joint key, the contest's question) and trustees, until it
 * is frozen into the constituency's ballot box (`frozenAt`).
 */
export const ballotSetups = sqliteTable('ballot_setups', {
  constituency: text('constituency').primaryKey(),
  uuid: text('uuid').notNull(),
  electionJson: text('election_json').notNull(),
  trusteesJson: text('trustees_json').notNull(),
  createdAt: integer('created_at').notNull(),
  frozenAt: integer('frozen_at'),
});

/**
 * Each voter's signing credential for their constituency's ballot, generated at setup,
 * independent of the identifier and password: the public one (in the frozen list) and the
 * private one sealed (AES-GCM under DELIVERY_KEY, bound to the election and the voter), which
 * the booth signs with; wiped once the voter has voted and at closing (docs/ballot.md).
 */
export const ballotCredentials = sqliteTable(
  'ballot_credentials',
  {
    voterId: integer('voter_id').primaryKey(),
    constituency: text('constituency').notNull(),
    publicCredential: text('public_credential').notNull(),
    sealed: text('sealed'),
    createdAt: integer('created_at').notNull(),
    /** When the voter's ballot went into the box (the public émargement count). */
    votedAt: integer('voted_at'),
  },
  (t) => [index('ballot_credentials_constituency_idx').on(t.constituency, t.voterId)],
);

/** Every ballot's tracker and its constituency: `/verifier` answers from here, not from every box. */
export const trackers = sqliteTable('trackers', {
  tracker: text('tracker').primaryKey(),
  constituency: text('constituency').notNull(),
  at: integer('at').notNull(),
});

/**
 * Each constituency's published count (`ballot result`, features/operator/counting.ts), read
 * by the public results page: the counts per answer in the contest's order then blank (the
 * Belenios result's order is blank first: it is reordered here once), the ballots counted, and
 * what identifies the box's archive (uuid, fingerprint, the result record's hash).
 */
export const ballotResults = sqliteTable('ballot_results', {
  constituency: text('constituency').primaryKey(),
  uuid: text('uuid').notNull(),
  fingerprint: text('fingerprint').notNull(),
  question: text('question').notNull(),
  /** JSON: `[{"answer","count"}…]` in the contest's order. */
  counts: text('counts').notNull(),
  /** Blank votes, or null when the contest allows none. */
  blank: integer('blank'),
  ballots: integer('ballots').notNull(),
  resultHash: text('result_hash').notNull(),
  publishedAt: integer('published_at').notNull(),
});
