/**
 * BallotBox: the ballot box of one constituency, a SQLite Durable Object — one thread, so every
 * cast is decided exactly, against the window the box itself holds (never a cache).
 *
 * It is the Belenios archive as it grows (BELENIOS.md §6): its records — the election, trustees
 * and public credentials, setup_data and the Setup event, then each ballot and its Ballot event
 * — kept in order as rows, each event hash-chained to the previous one, so an export streams
 * the rows into `<uuid>.bel` without reading the box into memory (a box of 200 000 ballots of
 * ~25 KB is ~5 GB). Appends are idempotent by tracker: a cast retried after a lost answer finds
 * its ballot. The French rule holds here: one ballot per credential, never replaced. A running
 * encrypted tally (the product of the ciphertexts) is kept with each append, so counting at
 * closing does not re-read the ballots.
 *
 * The public credentials come in page by page before the setup (`stageCredentials`): a list of
 * 200 000 credentials of ~620 bytes is ~124 MB, more than a request's memory. The setup freezes
 * what was staged, computing the credentials record's hash row by row; that record is kept as
 * its rows, not as a body, and an export streams it (`credentialsPage`).
 *
 * The caller verifies a ballot (proofs, credential in the frozen list and the voter's own)
 * before it reaches the box; the box re-parses only what it multiplies.
 */
import { DurableObject } from 'cloudflare:workers';
import { createHash } from 'node:crypto';
import { parseBallot } from '../../ballot/ballot-json';
import { parseElection } from '../../ballot/election';
import { addToTally, emptyTally, encryptedTallyJson, parseEncryptedTally, sizedTallyJson } from '../../ballot/tally';
import { eventJson, setupDataJson, type ChainState, type EventType } from '../../ballot/archive';

export interface BoxSetup {
  electionJson: string;
  trusteesJson: string;
  /** How many public credentials were staged: the setup freezes them only if all are there. */
  credentials: number;
  /** The archive's timestamp (unix seconds), every tar entry's mtime. */
  timestamp: number;
  opensAt: number;
  closesAt: number;
}

export type CastOutcome =
  | { kind: 'accepted'; tracker: string; at: number; ballots: number }
  /** The same ballot again (a retry): already in, nothing appended. */
  | { kind: 'already'; tracker: string; at: number; ballots: number }
  /** Another ballot of this credential is in: validation is final. */
  | { kind: 'credential_used' }
  | { kind: 'unknown_credential' }
  | { kind: 'before_opening' }
  | { kind: 'closed' }
  | { kind: 'not_set_up' };

export interface BoxInfo {
  setUp: boolean;
  uuid?: string;
  fingerprint?: string;
  timestamp?: number;
  ballots: number;
  records: number;
  /** Public credentials staged, then frozen. */
  credentials: number;
  opensAt?: number;
  closesAt?: number;
  endedAt?: number | null;
  tallyJson?: string;
}

/** The encrypted tally as the archive holds it (BELENIOS.md §4), and when it was appended. */
export interface BoxTally {
  /** The box's election. */
  uuid: string;
  tallyJson: string;
  sizedJson: string;
  numTallied: number;
  talliedAt: number;
  /** The result record, once published. */
  resultJson: string | null;
  countedAt: number | null;
}

export type TallyOutcome =
  | ({ kind: 'tallied' | 'already' } & BoxTally)
  /** The box's own window says the vote is still open. */
  | { kind: 'open' }
  | { kind: 'not_set_up' };

/** A trustee's partial decryption and its owned record, exactly as `election decrypt` prints them. */
export interface BoxPartial {
  pdJson: string;
  ownedJson: string;
}

export type PublishOutcome = 'published' | 'already' | 'not_tallied' | 'malformed';

export interface BoxRecord extends Record<string, SqlStorageValue> {
  pos: number;
  kind: 'data' | 'event';
  hash: string;
  /** Empty when the body is streamed. */
  body: string;
  /** The body's size in bytes when it is the credentials record, streamed by `credentialsPage`. */
  streamed: number | null;
}

/** Public credentials staged per call, and returned per page of `credentialsPage` (~620 KB). */
export const CREDENTIALS_PAGE = 1000;

/** A public credential as the box stores it: g^s in decimal, no weight. */
const PUBLIC_CREDENTIAL = /^[1-9][0-9]{0,700}$/;

export type StageOutcome = { staged: number } | 'frozen' | 'malformed';

const sha256hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const sha256b64 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64').replace(/=+$/, '');

interface Meta extends Record<string, SqlStorageValue> {
  election: string;
  fingerprint: string;
  uuid: string;
  timestamp: number;
  opens_at: number;
  closes_at: number;
  parent: string;
  height: number;
  tally: string;
  ballots: number;
  ended_at: number | null;
}

export class BallotBox extends DurableObject<Cloudflare.Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 1), election TEXT NOT NULL,
      fingerprint TEXT NOT NULL, uuid TEXT NOT NULL, timestamp INTEGER NOT NULL, opens_at INTEGER NOT NULL,
      closes_at INTEGER NOT NULL, parent TEXT NOT NULL, height INTEGER NOT NULL, tally TEXT NOT NULL,
      ballots INTEGER NOT NULL, ended_at INTEGER)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS records (pos INTEGER PRIMARY KEY, kind TEXT NOT NULL,
      hash TEXT NOT NULL, body TEXT NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS credentials (credential TEXT PRIMARY KEY, tracker TEXT)`);
    // The record whose body is the credentials table itself (its JSON list, in credential order).
    this.sql.exec(`CREATE TABLE IF NOT EXISTS streamed (pos INTEGER PRIMARY KEY, size INTEGER NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS ballots (tracker TEXT PRIMARY KEY, credential TEXT NOT NULL UNIQUE,
      at INTEGER NOT NULL)`);
    // The count after closing: the encrypted tally appended once, then the trustees' partial
    // decryptions and the result appended once.
    this.sql.exec(`CREATE TABLE IF NOT EXISTS counting (id INTEGER PRIMARY KEY CHECK (id = 1), tally TEXT NOT NULL,
      sized TEXT NOT NULL, tallied_at INTEGER NOT NULL, result TEXT, counted_at INTEGER)`);
  }

  private meta(): Meta | undefined {
    return this.sql.exec<Meta>(`SELECT * FROM meta WHERE id = 1`).toArray()[0];
  }

  private append(kind: 'data' | 'event', body: string): string {
    const hash = sha256hex(body);
    this.sql.exec(`INSERT INTO records (kind, hash, body) VALUES (?, ?, ?)`, kind, hash, body);
    return hash;
  }

  /**
   * Appends the credentials record — `["<c1>","<c2>",…]` in credential order — hashed row by row
   * as it would be written, and kept as its size: its body is the credentials table.
   */
  private appendCredentials(): string {
    const digest = createHash('sha256');
    let size = 0;
    const put = (text: string) => {
      digest.update(text, 'utf8');
      size += text.length;
    };
    put('[');
    let first = true;
    for (const { credential } of this.sql.exec<{ credential: string }>(
      `SELECT credential FROM credentials ORDER BY credential`,
    )) {
      put(first ? `"${credential}"` : `,"${credential}"`);
      first = false;
    }
    put(']');
    const hash = digest.digest('hex');
    const { pos } = this.sql
      .exec<{ pos: number }>(`INSERT INTO records (kind, hash, body) VALUES ('data', ?, '') RETURNING pos`, hash)
      .one();
    this.sql.exec(`INSERT INTO streamed (pos, size) VALUES (?, ?)`, pos, size);
    return hash;
  }

  /** Appends an event after the chain's head and moves the head. */
  private appendEvent(m: Meta, type: EventType, payload?: string): void {
    const state: ChainState = m.height === 0 ? { height: 0 } : { parent: m.parent, height: m.height };
    const hash = this.append('event', eventJson(state, type, payload));
    this.sql.exec(`UPDATE meta SET parent = ?, height = height + 1 WHERE id = 1`, hash);
  }

  /**
   * Before the setup: takes a page of public credentials (at most CREDENTIALS_PAGE, each once —
   * a retried page is harmless). `reset` first forgets what an earlier, interrupted freeze staged,
   * so a voter deactivated since is not frozen in. 'frozen' once set up: the list cannot change.
   */
  stageCredentials(credentials: readonly string[], reset: boolean): StageOutcome {
    return this.ctx.storage.transactionSync((): StageOutcome => {
      if (this.meta()) return 'frozen';
      if (credentials.length > CREDENTIALS_PAGE || !credentials.every((c) => PUBLIC_CREDENTIAL.test(c)))
        return 'malformed';
      if (reset) this.sql.exec(`DELETE FROM credentials`);
      for (const c of credentials) this.sql.exec(`INSERT OR IGNORE INTO credentials (credential) VALUES (?)`, c);
      return { staged: this.staged() };
    });
  }

  private staged(): number {
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM credentials`).one().n;
  }

  /**
   * Freezes the box's election, trustees and the staged public credentials, once. 'already' when
   * set up with the same election (a retried setup), 'different' when another one is asked,
   * 'incomplete' when the staged credentials are not the `credentials` expected.
   */
  setup(s: BoxSetup): 'ok' | 'already' | 'different' | 'incomplete' {
    return this.ctx.storage.transactionSync(() => {
      const existing = this.meta();
      if (existing) return existing.election === s.electionJson ? 'already' : 'different';
      if (this.staged() !== s.credentials) return 'incomplete';
      const election = parseElection(s.electionJson);
      this.sql.exec(
        `INSERT INTO meta (id, election, fingerprint, uuid, timestamp, opens_at, closes_at, parent, height, tally,
           ballots, ended_at) VALUES (1, ?, ?, ?, ?, ?, ?, '', 0, ?, 0, NULL)`,
        s.electionJson,
        sha256b64(s.electionJson),
        election.uuid,
        s.timestamp,
        s.opensAt,
        s.closesAt,
        encryptedTallyJson(emptyTally(election)),
      );
      const e = this.append('data', s.electionJson);
      const t = this.append('data', s.trusteesJson);
      const c = this.appendCredentials();
      const setupData = this.append('data', setupDataJson(e, t, c));
      this.appendEvent(this.meta()!, 'Setup', setupData);
      return 'ok';
    });
  }

  /** The election's window as operators set it (`election set` takes effect here at once). */
  setWindow(opensAt: number, closesAt: number): boolean {
    return this.ctx.storage.transactionSync(() => {
      if (!this.meta()) return false;
      this.sql.exec(`UPDATE meta SET opens_at = ?, closes_at = ? WHERE id = 1`, opensAt, closesAt);
      return true;
    });
  }

  /**
   * Puts a verified ballot in the box at `now`, or says why not. One transaction, no await:
   * of any number of concurrent casts of one credential exactly one is accepted.
   */
  cast(ballotJson: string, now: number): CastOutcome {
    return this.ctx.storage.transactionSync((): CastOutcome => {
      const m = this.meta();
      if (!m) return { kind: 'not_set_up' };
      const tracker = sha256b64(ballotJson);
      const known = this.sql.exec<{ at: number }>(`SELECT at FROM ballots WHERE tracker = ?`, tracker).toArray()[0];
      if (known) return { kind: 'already', tracker, at: known.at, ballots: m.ballots };
      if (m.ended_at !== null || now >= m.closes_at) return { kind: 'closed' };
      if (now < m.opens_at) return { kind: 'before_opening' };
      const ballot = parseBallot(ballotJson);
      const credential = ballot.credential.toString();
      const slot = this.sql
        .exec<{ tracker: string | null }>(`SELECT tracker FROM credentials WHERE credential = ?`, credential)
        .toArray()[0];
      if (!slot) return { kind: 'unknown_credential' };
      if (slot.tracker !== null) return { kind: 'credential_used' };
      const tally = addToTally(parseEncryptedTally(m.tally), ballot.answers);
      const record = this.append('data', ballotJson);
      this.appendEvent(m, 'Ballot', record);
      this.sql.exec(`INSERT INTO ballots (tracker, credential, at) VALUES (?, ?, ?)`, tracker, credential, now);
      this.sql.exec(`UPDATE credentials SET tracker = ? WHERE credential = ?`, tracker, credential);
      this.sql.exec(`UPDATE meta SET tally = ?, ballots = ballots + 1 WHERE id = 1`, encryptedTallyJson(tally));
      return { kind: 'accepted', tracker, at: now, ballots: m.ballots + 1 };
    });
  }

  /** Is a ballot with this tracker in the box? (When it went in, if so.) */
  has(tracker: string): { at: number } | null {
    return this.sql.exec<{ at: number }>(`SELECT at FROM ballots WHERE tracker = ?`, tracker).toArray()[0] ?? null;
  }

  /** After closing: the box takes no more ballots (EndBallots appended, once). */
  endBallots(now: number): 'ok' | 'already' | 'open' | 'not_set_up' {
    return this.ctx.storage.transactionSync(() => {
      const m = this.meta();
      if (!m) return 'not_set_up';
      if (m.ended_at !== null) return 'already';
      if (now < m.closes_at) return 'open';
      this.appendEvent(m, 'EndBallots');
      this.sql.exec(`UPDATE meta SET ended_at = ? WHERE id = 1`, now);
      return 'ok';
    });
  }

  info(): BoxInfo {
    const m = this.meta();
    const records = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM records`).one().n;
    const credentials = this.staged();
    if (!m) return { setUp: false, ballots: 0, records, credentials };
    return {
      setUp: true,
      credentials,
      uuid: m.uuid,
      fingerprint: m.fingerprint,
      timestamp: m.timestamp,
      ballots: m.ballots,
      records,
      opensAt: m.opens_at,
      closesAt: m.closes_at,
      endedAt: m.ended_at,
      tallyJson: m.tally,
    };
  }

  /**
   * After closing: the box takes no more ballots (EndBallots, if not yet) and appends the
   * encrypted tally — its running product of the ballots' ciphertexts, the sized record naming
   * it, and the EncryptedTally event — once. Refused while the box's window is open.
   */
  tally(now: number): TallyOutcome {
    return this.ctx.storage.transactionSync((): TallyOutcome => {
      const m = this.meta();
      if (!m) return { kind: 'not_set_up' };
      const done = this.counting();
      if (done) return { kind: 'already', ...done };
      if (m.ended_at === null) {
        if (now < m.closes_at) return { kind: 'open' };
        this.appendEvent(m, 'EndBallots');
        this.sql.exec(`UPDATE meta SET ended_at = ? WHERE id = 1`, now);
      }
      const tallyHash = this.append('data', m.tally);
      // One ballot per credential, each of weight 1: N ballots tallied, a total weight of N.
      const sized = sizedTallyJson(m.ballots, m.ballots, tallyHash);
      const sizedHash = this.append('data', sized);
      this.appendEvent(this.meta()!, 'EncryptedTally', sizedHash);
      this.sql.exec(`INSERT INTO counting (id, tally, sized, tallied_at) VALUES (1, ?, ?, ?)`, m.tally, sized, now);
      return { kind: 'tallied', ...this.counting()! };
    });
  }

  /** The count so far: the encrypted tally once appended, the result once published. */
  counting(): BoxTally | null {
    const row = this.sql
      .exec<{
        tally: string;
        sized: string;
        tallied_at: number;
        result: string | null;
        counted_at: number | null;
      }>(`SELECT tally, sized, tallied_at, result, counted_at FROM counting WHERE id = 1`)
      .toArray()[0];
    if (!row) return null;
    const m = this.meta()!;
    return {
      uuid: m.uuid,
      tallyJson: row.tally,
      sizedJson: row.sized,
      numTallied: m.ballots,
      talliedAt: row.tallied_at,
      resultJson: row.result,
      countedAt: row.counted_at,
    };
  }

  /**
   * Appends every trustee's partial decryption (its record, its owned record, the
   * PartialDecryption event), in trustee order, then the result and the Result event — once.
   * The caller has checked each proof against the trustee's key and computed the result; the box
   * checks the records' shape: one per trustee, each owned record naming its decryption's hash.
   */
  publish(partials: readonly BoxPartial[], resultJson: string, now: number): PublishOutcome {
    return this.ctx.storage.transactionSync((): PublishOutcome => {
      const m = this.meta();
      const done = this.counting();
      if (!m || !done) return 'not_tallied';
      if (done.resultJson !== null) return done.resultJson === resultJson ? 'already' : 'malformed';
      const trustees = (JSON.parse(this.firstRecords()[1]!.body) as unknown[]).length;
      if (partials.length !== trustees) return 'malformed';
      for (const [i, p] of partials.entries()) {
        const owned = JSON.parse(p.ownedJson) as { owner?: unknown; payload?: unknown };
        if (owned.owner !== i + 1 || owned.payload !== sha256hex(p.pdJson)) return 'malformed';
      }
      for (const p of partials) {
        this.append('data', p.pdJson);
        const ownedHash = this.append('data', p.ownedJson);
        this.appendEvent(this.meta()!, 'PartialDecryption', ownedHash);
      }
      const resultHash = this.append('data', resultJson);
      this.appendEvent(this.meta()!, 'Result', resultHash);
      this.sql.exec(`UPDATE counting SET result = ?, counted_at = ? WHERE id = 1`, resultJson, now);
      return 'published';
    });
  }

  /** The election and trustees records (positions 1 and 2). */
  private firstRecords(): BoxRecord[] {
    return this.records(0, 2);
  }

  /**
   * Up to `limit` records after position `after`, in order: an export pulls them page by page,
   * and the credentials record's body, `streamed`, through `credentialsPage`.
   */
  records(after: number, limit: number): BoxRecord[] {
    return this.sql
      .exec<BoxRecord>(
        `SELECT r.pos, r.kind, r.hash, r.body, s.size AS streamed FROM records r LEFT JOIN streamed s ON s.pos = r.pos
           WHERE r.pos > ? ORDER BY r.pos LIMIT ?`,
        after,
        Math.min(Math.max(limit, 1), 500),
      )
      .toArray();
  }

  /** The frozen public credentials after `after`, in order, a page at a time (the first after ''). */
  credentialsPage(after: string, limit = CREDENTIALS_PAGE): string[] {
    return this.sql
      .exec<{ credential: string }>(
        `SELECT credential FROM credentials WHERE credential > ? ORDER BY credential LIMIT ?`,
        after,
        Math.min(Math.max(limit, 1), CREDENTIALS_PAGE),
      )
      .toArray()
      .map((r) => r.credential);
  }
}
