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
import {
  COOLING_OFF_MS,
  LINK_TTL_MS,
  MAX_WRONG_PASSWORDS,
  inCoolingOff,
  linkState,
  other,
  type CompletionRefusal,
  type Credential,
  type LinkState,
  type PendingLink,
} from './renewal';

// How long the object remembers a used or voided token, to say so on its page.
const TOKEN_MEMORY_MS = 2 * LINK_TTL_MS;

interface Row extends Record<string, SqlStorageValue> {
  v: string;
}

export class VoterGuard extends DurableObject<Cloudflare.Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL, expires_at INTEGER NOT NULL)`);
    this.sql.exec(`CREATE INDEX IF NOT EXISTS kv_expiry ON kv (expires_at)`);
  }

  // ---------------------------------------------------------------- storage helpers
  protected read<T>(key: string, now: number): T | undefined {
    this.clockOffset = now - Date.now();
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
   * Callers pass their own `now` (time is injected); rows expire on that clock. The alarm
   * fires on the runtime's clock, so it translates by the last offset seen (≈ 0 in
   * production), otherwise a test clock in the past would purge live rows at once.
   */
  private clockOffset = 0;

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
        const runtimeAt = at - this.clockOffset;
        if (current === null || current > runtimeAt) return this.ctx.storage.setAlarm(runtimeAt);
      });
    }
    return result;
  }

  /** Drops expired rows so shard objects stay small. */
  override async alarm(): Promise<void> {
    const now = Date.now() + this.clockOffset;
    this.sql.exec(`DELETE FROM kv WHERE expires_at <= ?`, now);
    const next = this.sql.exec<{ at: number | null }>(`SELECT MIN(expires_at) AS at FROM kv`).toArray()[0]?.at;
    if (next != null) await this.ctx.storage.setAlarm(Math.max(next, now + 1000) - this.clockOffset);
  }

  // ---------------------------------------------------------------- login throttling
  /**
   * May `subject` attempt a login at `now`? Changes nothing. Also says when this voter's
   * credentials were last renewed (within the cooling-off memory): the login compares it with
   * the voter row a read replica gave, and asks the primary when the replica is behind.
   */
  loginCheck(subject: string, now: number): Verdict & { credentialsRenewedAt: number | null; recentFailures: number } {
    const failures = this.read<number[]>(`login:${subject}`, now) ?? [];
    const renewed = [this.read<number>('renewed:identifier', now), this.read<number>('renewed:password', now)];
    const known = renewed.filter((t): t is number => t !== undefined);
    return {
      ...loginVerdict(failures, now),
      credentialsRenewedAt: known.length > 0 ? Math.max(...known) : null,
      recentFailures: failures.length,
    };
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

  // ---------------------------------------------------------------- renewals
  /**
   * Records `tokenHash` as the one pending link renewing `credential`; an older pending link
   * is voided. Requests never block one another: this always succeeds.
   */
  startRenewal(credential: Credential, tokenHash: string, expiresAt: number, now: number, voterId?: number): void {
    this.atomically(() => {
      const previous = this.read<PendingLink>(`pending:${credential}`, now);
      if (previous && previous.tokenHash !== tokenHash) {
        this.write(`token:${previous.tokenHash}`, 'voided', now + TOKEN_MEMORY_MS);
      }
      const link: PendingLink = { tokenHash, expiresAt, wrongPasswords: 0, voterId };
      this.write(`pending:${credential}`, link, expiresAt + TOKEN_MEMORY_MS);
    });
  }

  /** What a link's page should say. Reads only: opening a link changes nothing. */
  linkState(credential: Credential, tokenHash: string, now: number): LinkState {
    return linkState(
      tokenHash,
      this.read<PendingLink>(`pending:${credential}`, now),
      this.read<'used' | 'voided'>(`token:${tokenHash}`, now),
      now,
    );
  }

  /**
   * A link's state and, while it is pending, the voter it renews (the `voterId` given to
   * startRenewal). Reads only.
   */
  link(credential: Credential, tokenHash: string, now: number): { state: LinkState; voterId: number | null } {
    const state = this.linkState(credential, tokenHash, now);
    const pending = state === 'pending' ? this.read<PendingLink>(`pending:${credential}`, now) : undefined;
    return { state, voterId: pending?.voterId ?? null };
  }

  /**
   * A wrong password typed on a pending link; the fifth voids it.
   * Returns the link's state afterwards.
   */
  wrongPassword(credential: Credential, tokenHash: string, now: number): LinkState {
    return this.atomically(() => {
      const state = this.linkState(credential, tokenHash, now);
      if (state !== 'pending') return state;
      const link = this.read<PendingLink>(`pending:${credential}`, now)!;
      link.wrongPasswords += 1;
      if (link.wrongPasswords >= MAX_WRONG_PASSWORDS) {
        this.remove(`pending:${credential}`);
        this.write(`token:${tokenHash}`, 'voided', now + TOKEN_MEMORY_MS);
        return 'voided';
      }
      this.write(`pending:${credential}`, link, link.expiresAt + TOKEN_MEMORY_MS);
      return 'pending';
    });
  }

  /**
   * Consumes a pending link and records the renewal — or refuses. Check and mark happen in
   * one transaction with no await in between: of any number of concurrent completions of
   * one link exactly one gets "ok". Refused within the cooling-off period after the other
   * credential was renewed.
   */
  completeLinkRenewal(credential: Credential, tokenHash: string, now: number): 'ok' | CompletionRefusal {
    return this.atomically(() => {
      const state = this.linkState(credential, tokenHash, now);
      if (state !== 'pending') return state;
      if (inCoolingOff(this.read<number>(`renewed:${other(credential)}`, now), now)) return 'cooling-off';
      this.remove(`pending:${credential}`);
      this.write(`token:${tokenHash}`, 'used', now + TOKEN_MEMORY_MS);
      this.write(`renewed:${credential}`, now, now + COOLING_OFF_MS);
      return 'ok';
    });
  }

  /**
   * Records a renewal that needs no link (the password, renewed from identifier + NUMIC) —
   * or refuses it within the cooling-off period after the identifier was renewed.
   */
  completeDirectRenewal(credential: Credential, now: number): 'ok' | 'cooling-off' {
    return this.atomically(() => {
      if (inCoolingOff(this.read<number>(`renewed:${other(credential)}`, now), now)) return 'cooling-off';
      this.write(`renewed:${credential}`, now, now + COOLING_OFF_MS);
      return 'ok';
    });
  }

  /**
   * Undoes the record of a renewal at `at` when its D1 write failed afterwards, so a failure
   * of D1 does not leave the voter blocked by a renewal that never happened.
   */
  forgetRenewal(credential: Credential, at: number, now: number): void {
    this.atomically(() => {
      if (this.read<number>(`renewed:${credential}`, now) === at) this.remove(`renewed:${credential}`);
    });
  }

  /** When was `credential` last renewed (within the cooling-off memory)? For tests and operators. */
  renewedAt(credential: Credential, now: number): number | null {
    return this.read<number>(`renewed:${credential}`, now) ?? null;
  }

  /** Sets a renewal time directly (tests of the one-at-a-time rule, operator tools). */
  recordRenewal(credential: Credential, at: number): void {
    this.atomically(() => this.write(`renewed:${credential}`, at, at + COOLING_OFF_MS));
  }
}
