/**
 * VoterGuard: the Durable Object that serialises what must be exact for one voter —
 * throttling, consuming a single-use value, which renewal is under way. One object per known
 * NUMIC (named by the NUMIC's HMAC); state for unknown voters, client addresses and used
 * security-code nonces lives in a bounded set of shard objects (see client.ts), so the number
 * of objects never grows with attacker input.
 *
 * Every method runs its reads and writes inside one `transactionSync`, with no await in
 * between: the object's single thread plus the synchronous SQLite API make each method
 * atomic. `now` is always an argument (time is injected).
 */
import { DurableObject } from 'cloudflare:workers';
import { loginVerdict, windowVerdict, HOUR_MS, type Verdict } from './throttle';

interface Row extends Record<string, SqlStorageValue> {
  v: string;
}

export class VoterGuard extends DurableObject<Cloudflare.Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL, expires_at INTEGER NOT NULL)`,
    );
    this.sql.exec(`CREATE INDEX IF NOT EXISTS kv_expiry ON kv (expires_at)`);
  }

  // ---------------------------------------------------------------- storage helpers
  protected read<T>(key: string, now: number): T | undefined {
    const row = this.sql.exec<Row>(`SELECT v FROM kv WHERE k = ? AND expires_at > ?`, key, now).toArray()[0];
    return row ? (JSON.parse(row.v) as T) : undefined;
  }

  protected write(key: string, value: unknown, expiresAt: number): void {
    this.sql.exec(
      `INSERT INTO kv (k, v, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (k) DO UPDATE SET v = excluded.v, expires_at = excluded.expires_at`,
      key,
      JSON.stringify(value),
      expiresAt,
    );
    this.earliestExpiry = Math.min(this.earliestExpiry, expiresAt);
  }

  protected remove(key: string): void {
    this.sql.exec(`DELETE FROM kv WHERE k = ?`, key);
  }

  private earliestExpiry = Infinity;

  /**
   * Runs `body` as one storage transaction, then makes sure an alarm will purge what it
   * wrote once expired. The alarm is set outside the transaction (it is asynchronous).
   */
  protected atomically<T>(body: () => T): T {
    const result = this.ctx.storage.transactionSync(body);
    if (this.earliestExpiry !== Infinity) {
      const at = this.earliestExpiry;
      this.earliestExpiry = Infinity;
      void this.ctx.storage.getAlarm().then((current) => {
        if (current === null || current > at) return this.ctx.storage.setAlarm(at);
      });
    }
    return result;
  }

  /** Drops expired rows so shard objects stay small. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.sql.exec(`DELETE FROM kv WHERE expires_at <= ?`, now);
    const next = this.sql
      .exec<{ at: number | null }>(`SELECT MIN(expires_at) AS at FROM kv`)
      .toArray()[0]?.at;
    if (next != null) await this.ctx.storage.setAlarm(Math.max(next, now + 1000));
  }

  // ---------------------------------------------------------------- login throttling
  /** May `subject` attempt a login at `now`? Changes nothing. */
  loginCheck(subject: string, now: number): Verdict {
    return loginVerdict(this.read<number[]>(`login:${subject}`, now) ?? [], now);
  }

  /** Records the outcome of a login attempt: a success clears the failures. */
  loginRecord(subject: string, success: boolean, now: number): void {
    this.atomically(() => {
      const key = `login:${subject}`;
      if (success) return this.remove(key);
      const failures = (this.read<number[]>(key, now) ?? []).filter((t) => t > now - HOUR_MS);
      failures.push(now);
      this.write(key, failures.slice(-200), now + HOUR_MS);
    });
  }

  // ---------------------------------------------------------------- counters
  /**
   * Counts one hit of `subject` against `limit` per `windowMs` and says whether it was
   * allowed. A refused hit is not counted, so waiting is always enough to recover.
   */
  hit(subject: string, limit: number, windowMs: number, now: number): Verdict {
    return this.atomically(() => {
      const key = `hits:${subject}`;
      const hits = (this.read<number[]>(key, now) ?? []).filter((t) => t > now - windowMs);
      const verdict = windowVerdict(hits, limit, windowMs, now);
      if (verdict.ok) {
        hits.push(now);
        this.write(key, hits.slice(-limit), now + windowMs);
      }
      return verdict;
    });
  }

  // ---------------------------------------------------------------- single-use values
  /**
   * Marks `nonce` as used; true only for the first call. Concurrent replays are serialised
   * by the object, so exactly one of them wins.
   */
  consumeNonce(nonce: string, expiresAt: number, now: number): boolean {
    return this.atomically(() => {
      const key = `nonce:${nonce}`;
      if (this.read<number>(key, now) !== undefined) return false;
      this.write(key, now, Math.max(expiresAt, now + 1000));
      return true;
    });
  }

  /** Was `nonce` already consumed? (development tools only) */
  isNonceUsed(nonce: string, now: number): boolean {
    return this.read<number>(`nonce:${nonce}`, now) !== undefined;
  }
}
