/**
 * AccessState: the Durable Object that holds the state of access to the portal that must be
 * exact — login failures, request counters, used single-use values, the pending renewal link,
 * when each credential was renewed. One object per known voter (named by the NUMIC's HMAC)
 * holds that voter's state; what is keyed by attacker input — unknown NUMICs or identifiers,
 * client addresses, security-code nonces — lives in a bounded set of shard objects
 * (guards.ts), so the number of objects never grows with attacks.
 *
 * Every method runs its reads and writes inside one `transactionSync`, with no await in
 * between: the object's single thread plus the synchronous SQLite API make each method
 * atomic. `now` is always an argument (time is injected); the object keeps no clock of its
 * own.
 */
import { DurableObject } from 'cloudflare:workers';
import type { BallotBox } from '../ballot/box';
import {
  beginDecision,
  emargementOf,
  FOREVER,
  PENDING_KEY,
  SETTLE_AFTER_MS,
  VOTED_KEY,
  type BeginOutcome,
  type CastSession,
  type Emargement,
  type PendingCast,
} from '../ballot/emargement';
import type { Network } from './network';
import {
  HOUR_MS,
  LOGIN_RESERVATION_MS,
  loginVerdict,
  NETWORK_LIMITS,
  strictest,
  WIDE_LIMITS,
  windowVerdict,
  type LoginLimits,
  type Verdict,
} from './throttle';
import {
  CONFIRM_WITHIN_MS,
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
// Links kept pending at once per credential (a renewal request allowance is 3 an hour per
// network; this bounds the object's row if many networks ask).
const MAX_PENDING_LINKS = 20;
// The alarm never fires sooner than this after the last one: purging is housekeeping.
const MIN_PURGE_GAP_MS = 1000;

interface Row extends Record<string, SqlStorageValue> {
  v: string;
}

export class AccessState extends DurableObject<Cloudflare.Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL, expires_at INTEGER NOT NULL)`);
    this.sql.exec(`CREATE INDEX IF NOT EXISTS kv_expiry ON kv (expires_at)`);
    // The purge the alarm is set for, as an expiry on the callers' clock (see purgeBy).
    this.sql.exec(`CREATE TABLE IF NOT EXISTS purge (id INTEGER PRIMARY KEY CHECK (id = 1), up_to INTEGER NOT NULL)`);
    // What the one alarm is for, each on the runtime's clock: the purge, and settling a cast.
    this.sql.exec(`CREATE TABLE IF NOT EXISTS alarms (kind TEXT PRIMARY KEY, due INTEGER NOT NULL)`);
  }

  private due(kind: 'purge' | 'settle'): number | undefined {
    return this.sql.exec<{ due: number }>(`SELECT due FROM alarms WHERE kind = ?`, kind).toArray()[0]?.due;
  }

  private setDue(kind: 'purge' | 'settle', due: number | null): void {
    if (due === null) this.sql.exec(`DELETE FROM alarms WHERE kind = ?`, kind);
    else
      this.sql.exec(
        `INSERT INTO alarms (kind, due) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET due = excluded.due`,
        kind,
        due,
      );
  }

  /** The alarm at the soonest thing due. */
  private armAlarm(): Promise<void> | undefined {
    const next = this.sql.exec<{ at: number | null }>(`SELECT MIN(due) AS at FROM alarms`).one().at;
    return next == null ? undefined : this.ctx.storage.setAlarm(next);
  }

  // ---------------------------------------------------------------- storage helpers
  /** Reads only: a read changes nothing, not even the object's idea of time. */
  private read<T>(key: string, now: number): T | undefined {
    const row = this.sql.exec<Row>(`SELECT v FROM kv WHERE k = ? AND expires_at > ?`, key, now).toArray()[0];
    return row ? (JSON.parse(row.v) as T) : undefined;
  }

  private write(key: string, value: unknown, expiresAt: number): void {
    this.sql.exec(
      `INSERT INTO kv (k, v, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (k) DO UPDATE SET v = excluded.v, expires_at = excluded.expires_at`,
      key,
      JSON.stringify(value),
      expiresAt,
    );
  }

  private remove(key: string): void {
    this.sql.exec(`DELETE FROM kv WHERE k = ?`, key);
  }

  /**
   * Runs `body` as one storage transaction at the caller's `now`, then makes sure the alarm
   * will purge what expires first. Rows expire on the callers' clock; the alarm fires on the
   * runtime's. The two are bridged by durations only: the alarm is set `expiry − now` from the
   * runtime's present, and the expiry it stands for is stored beside the rows (`purge.up_to`),
   * so a test clock years in the past never purges a live row, and the object never keeps a
   * clock offset of its own.
   */
  private atomically<T>(now: number, body: () => T): T {
    let alarmIn: number | null = null;
    const result = this.ctx.storage.transactionSync(() => {
      const out = body();
      // The émargement never expires (FOREVER): nothing to purge there.
      const next = this.sql
        .exec<{ at: number | null }>(`SELECT MIN(expires_at) AS at FROM kv WHERE expires_at < ?`, FOREVER)
        .one().at;
      if (next != null && (this.plannedPurge() ?? Infinity) > next) alarmIn = this.planPurge(next, next - now);
      if (alarmIn !== null) this.setDue('purge', Date.now() + alarmIn);
      return out;
    });
    if (alarmIn !== null) void this.armAlarm();
    return result;
  }

  private plannedPurge(): number | undefined {
    return this.sql.exec<{ up_to: number }>(`SELECT up_to FROM purge WHERE id = 1`).toArray()[0]?.up_to;
  }

  /** Records the purge of rows expiring by `upTo` (callers' clock); returns `inMs`, bounded. */
  private planPurge(upTo: number, inMs: number): number {
    this.sql.exec(
      `INSERT INTO purge (id, up_to) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET up_to = excluded.up_to`,
      upTo,
    );
    return Math.max(MIN_PURGE_GAP_MS, inMs);
  }

  /**
   * Settles a pending cast whose browser never came back (emargement.ts), and drops the rows
   * that had expired by the planned time, so shard objects stay small — each when it is due.
   */
  override async alarm(): Promise<void> {
    const runtimeNow = Date.now();
    const settle = this.due('settle');
    const settling = settle !== undefined && settle <= runtimeNow;
    if (settling) {
      const stillPending = await this.settlePendingCast();
      this.setDue('settle', stillPending ? runtimeNow + SETTLE_AFTER_MS : null);
    }
    // Woken for a cast, the purge waits for its own time (rows expire on the callers' clock).
    const purge = this.due('purge');
    if (!settling || purge === undefined || purge <= runtimeNow) {
      this.ctx.storage.transactionSync(() => {
        const upTo = this.plannedPurge();
        this.setDue('purge', null);
        if (upTo === undefined) return;
        this.sql.exec(`DELETE FROM kv WHERE expires_at <= ?`, upTo);
        this.sql.exec(`DELETE FROM purge`);
        const next = this.sql
          .exec<{ at: number | null }>(`SELECT MIN(expires_at) AS at FROM kv WHERE expires_at < ?`, FOREVER)
          .one().at;
        if (next != null)
          this.setDue('purge', runtimeNow + this.planPurge(Math.max(next, upTo + MIN_PURGE_GAP_MS), next - upTo));
      });
    }
    await this.armAlarm();
  }

  // ---------------------------------------------------------------- émargement (the ballot)
  /** Where the voter stands: not voted, a cast under way, or voted (with the tracker). */
  castState(now: number): Emargement {
    return emargementOf((k) => this.read(k, now));
  }

  /**
   * Begins a cast: none → pending(tracker), or the same pending cast again (a retry). Refused
   * when the voter has voted, while another cast is pending, or when `session` (the one the
   * cast came with, if given) has ended — the session's check and the intent in one round
   * trip. One transaction, no await.
   */
  beginCast(cast: PendingCast, now: number, session?: CastSession): BeginOutcome {
    const out = this.atomically(now, (): BeginOutcome => {
      if (session && !this.sessionCheck(session.hash, session.createdAt, now)) return { kind: 'session-ended' };
      const state = emargementOf((k) => this.read(k, now));
      const decided = beginDecision(state, cast);
      if (decided.kind === 'begun') {
        this.write(PENDING_KEY, cast, FOREVER);
        if (this.due('settle') === undefined) this.setDue('settle', Date.now() + SETTLE_AFTER_MS);
      }
      return decided;
    });
    if (out.kind === 'begun') void this.armAlarm();
    return out;
  }

  /** The box holds the ballot: pending(tracker) → voted(tracker). Idempotent. */
  finishCast(tracker: string, now: number): void {
    this.atomically(now, () => {
      const pending = this.read<PendingCast>(PENDING_KEY, now);
      if (!pending || pending.tracker !== tracker) return;
      this.remove(PENDING_KEY);
      this.write(VOTED_KEY, { tracker, at: pending.at }, FOREVER);
      this.setDue('settle', null);
    });
  }

  /** The box refused the ballot: pending(tracker) → none, as if it never began. */
  undoCast(tracker: string, now: number): void {
    this.atomically(now, () => {
      if (this.read<PendingCast>(PENDING_KEY, now)?.tracker !== tracker) return;
      this.remove(PENDING_KEY);
      this.setDue('settle', null);
    });
  }

  /** The alarm's half of a cast: the box decides; true while it cannot be reached. */
  private async settlePendingCast(): Promise<boolean> {
    const pending = this.read<PendingCast>(PENDING_KEY, 0);
    if (!pending) return false;
    let outcome: Awaited<ReturnType<BallotBox['cast']>>;
    try {
      const boxes = this.env.BALLOT_BOX;
      outcome = await boxes.get(boxes.idFromName(`box:${pending.constituency}`)).cast(pending.ballot, pending.at);
    } catch {
      return true;
    }
    if (outcome.kind === 'accepted' || outcome.kind === 'already') this.finishCast(pending.tracker, pending.at);
    else this.undoCast(pending.tracker, pending.at);
    return false;
  }

  // ---------------------------------------------------------------- login throttling
  /** The failure lists of `subject` that a login from `network` counts, with their limits. */
  private loginKeys(subject: string, network: Network): [string, LoginLimits][] {
    const keys: [string, LoginLimits][] = [[`login:${subject}:${network.key}`, NETWORK_LIMITS]];
    if (network.wide) keys.push([`login:${subject}:${network.wide}`, WIDE_LIMITS]);
    return keys;
  }

  /**
   * May `subject` attempt a login from `network` at `now`? If so the attempt is reserved at
   * once, in the same step: until its outcome is recorded (or LOGIN_RESERVATION_MS has passed)
   * it counts as a failure, so of any number of concurrent attempts only the free ones reach
   * the password check. Also says when this voter's credentials were last renewed (within the
   * cooling-off memory): the login compares it with the voter row a read replica gave, and asks
   * the primary when the replica is behind. `recentFailures` counts recorded failures only: a
   * success with none to clear need not call `loginRecord` (its reservation lapses by itself).
   */
  loginCheck(
    subject: string,
    network: Network,
    now: number,
  ): Verdict & { credentialsRenewedAt: number | null; recentFailures: number } {
    return this.atomically(now, () => {
      const lists = this.loginKeys(subject, network).map(([key, limits]) => ({
        key,
        failures: this.read<number[]>(key, now) ?? [],
        reserved: this.reservations(key, now),
        limits,
      }));
      const verdict = strictest(
        lists.map((l) =>
          loginVerdict(
            [...l.failures, ...l.reserved].sort((a, b) => a - b),
            now,
            l.limits,
          ),
        ),
      );
      if (verdict.ok)
        for (const l of lists) this.write(`reserved:${l.key}`, [...l.reserved, now], now + LOGIN_RESERVATION_MS);
      const renewed = [this.renewedAt('identifier', now), this.renewedAt('password', now)];
      const known = renewed.filter((t): t is number => t !== undefined);
      return {
        ...verdict,
        credentialsRenewedAt: known.length > 0 ? Math.max(...known) : null,
        recentFailures: lists.reduce((n, l) => n + l.failures.length, 0),
      };
    });
  }

  /** The attempts of a failure list still waiting for their outcome. */
  private reservations(key: string, now: number): number[] {
    return (this.read<number[]>(`reserved:${key}`, now) ?? []).filter((t) => t > now - LOGIN_RESERVATION_MS);
  }

  /**
   * Records the outcome of a login attempt from `network`: a success clears its failures and
   * reservations; a failure takes the place of its reservation.
   */
  loginRecord(subject: string, network: Network, success: boolean, now: number): void {
    this.atomically(now, () => {
      for (const [key, limits] of this.loginKeys(subject, network)) {
        if (success) {
          this.remove(key);
          this.remove(`reserved:${key}`);
          continue;
        }
        const reserved = this.reservations(key, now);
        if (reserved.length > 0) this.write(`reserved:${key}`, reserved.slice(1), now + LOGIN_RESERVATION_MS);
        const failures = (this.read<number[]>(key, now) ?? []).filter((t) => t > now - HOUR_MS);
        failures.push(now);
        this.write(key, failures.slice(-limits.hourlyCap), now + HOUR_MS);
      }
    });
  }

  // ---------------------------------------------------------------- sessions
  /**
   * Does the session `sessionHash`, opened at `createdAt`, still stand? Not after a logout of
   * it, nor after either credential was renewed (every session ends). KV (a deleted session
   * stays readable elsewhere for up to a minute) and a D1 replica may lag; this object does not.
   */
  sessionCheck(sessionHash: string, createdAt: number, now: number): boolean {
    if (this.read<number>(`ended:${sessionHash}`, now) !== undefined) return false;
    const renewed = [this.renewedAt('identifier', now), this.renewedAt('password', now)];
    return renewed.every((t) => t === undefined || t < createdAt);
  }

  /** Ends one session (a logout) everywhere at once, remembered until it would have expired. */
  endSession(sessionHash: string, expiresAt: number, now: number): void {
    this.atomically(now, () => this.write(`ended:${sessionHash}`, now, Math.max(expiresAt, now + 1000)));
  }

  // ---------------------------------------------------------------- counters
  /**
   * Counts one hit of `subject` against `limit` per `windowMs` and says whether it was
   * allowed. A refused hit is not counted, so waiting is always enough to recover.
   */
  hit(subject: string, limit: number, windowMs: number, now: number): Verdict {
    return this.hitTiers([[subject, limit]], windowMs, now);
  }

  /**
   * One hit of a client at several tiers at once (an IPv6 /64 and its /48: guards.ts puts both
   * in the widest tier's shard): allowed only if every tier allows it, and then counted in
   * every tier; refused, counted in none. The strictest wait is the answer.
   */
  hitTiers(tiers: readonly (readonly [subject: string, limit: number])[], windowMs: number, now: number): Verdict {
    return this.atomically(now, () => {
      const counts = tiers.map(([subject, limit]) => {
        const key = `hits:${subject}`;
        const hits = (this.read<number[]>(key, now) ?? []).filter((t) => t > now - windowMs);
        return { key, hits, limit, verdict: windowVerdict(hits, limit, windowMs, now) };
      });
      const verdict = strictest(counts.map((c) => c.verdict));
      if (verdict.ok) for (const c of counts) this.write(c.key, [...c.hits, now].slice(-c.limit), now + windowMs);
      return verdict;
    });
  }

  // ---------------------------------------------------------------- single-use values
  /**
   * Marks `nonce` as used; true only for the first call. Concurrent replays are serialised
   * by the object, so exactly one of them wins.
   */
  consumeNonce(nonce: string, expiresAt: number, now: number): boolean {
    return this.atomically(now, () => {
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
  // Every link mailed stays usable until it expires, is used, or has had five wrong
  // passwords: a newer request never voids one already mailed (whoever knows a voter's NUMIC
  // and address must not be able to void the voter's link). Each is single use, and using one
  // voids the others — one renewal per batch of links.
  private pendingKey(credential: Credential, tokenHash: string): string {
    return `pending:${credential}:${tokenHash}`;
  }

  private pendingLinks(credential: Credential, now: number): string[] {
    return this.read<string[]>(`pending:${credential}`, now) ?? [];
  }

  /**
   * Records `tokenHash` as a pending link renewing `credential`, beside any other still
   * pending. Requests never block one another: this always succeeds. At most MAX_PENDING_LINKS
   * are kept (the allowances bound them far below; past that the oldest is voided).
   */
  startRenewal(credential: Credential, tokenHash: string, expiresAt: number, now: number, voterId?: number): void {
    this.atomically(now, () => {
      const link: PendingLink = { tokenHash, expiresAt, wrongPasswords: 0, voterId };
      this.write(this.pendingKey(credential, tokenHash), link, expiresAt + TOKEN_MEMORY_MS);
      const live = this.pendingLinks(credential, now).filter(
        (h) => h !== tokenHash && this.read(this.pendingKey(credential, h), now) !== undefined,
      );
      const all = [...live, tokenHash];
      for (const h of all.slice(0, -MAX_PENDING_LINKS)) {
        this.remove(this.pendingKey(credential, h));
        this.write(`token:${h}`, 'voided', now + TOKEN_MEMORY_MS);
      }
      this.write(`pending:${credential}`, all.slice(-MAX_PENDING_LINKS), expiresAt + TOKEN_MEMORY_MS);
    });
  }

  /** What a link's page should say. Reads only: opening a link changes nothing. */
  private stateOf(credential: Credential, tokenHash: string, now: number): LinkState {
    // Consumed by a renewal not yet confirmed: used, unless that renewal lapses.
    if (this.read<Tentative>(`tentative:${credential}`, now)?.tokenHash === tokenHash) return 'used';
    return linkState(
      tokenHash,
      this.read<PendingLink>(this.pendingKey(credential, tokenHash), now),
      this.read<'used' | 'voided'>(`token:${tokenHash}`, now),
      now,
    );
  }

  /**
   * A link's state and, while it is pending, the voter it renews (the `voterId` given to
   * startRenewal). Reads only.
   */
  link(credential: Credential, tokenHash: string, now: number): { state: LinkState; voterId: number | null } {
    const state = this.stateOf(credential, tokenHash, now);
    const pending =
      state === 'pending' ? this.read<PendingLink>(this.pendingKey(credential, tokenHash), now) : undefined;
    return { state, voterId: pending?.voterId ?? null };
  }

  /**
   * A wrong password typed on a pending link; the fifth voids that link (the others stay).
   * Returns the link's state afterwards.
   */
  wrongPassword(credential: Credential, tokenHash: string, now: number): LinkState {
    return this.atomically(now, () => {
      const state = this.stateOf(credential, tokenHash, now);
      if (state !== 'pending') return state;
      const key = this.pendingKey(credential, tokenHash);
      const link = this.read<PendingLink>(key, now)!;
      link.wrongPasswords += 1;
      if (link.wrongPasswords >= MAX_WRONG_PASSWORDS) {
        this.remove(key);
        this.write(`token:${tokenHash}`, 'voided', now + TOKEN_MEMORY_MS);
        return 'voided';
      }
      this.write(key, link, link.expiresAt + TOKEN_MEMORY_MS);
      return 'pending';
    });
  }

  // A renewal is recorded in two steps. The object decides first (exactly one completion of
  // a link; an identifier and a password renewal racing cannot both win) and records the
  // renewal as tentative: it holds the other credential back and ends sessions, but lasts
  // CONFIRM_WITHIN_MS only. Once D1 has the change, the renewal is confirmed — by the request,
  // or, if the Worker died in between, by the outbox relay (delivery/outbox.ts) — and the
  // cooling-off runs its 24 hours. A change D1 never got lapses by itself: no cooling-off,
  // and a link it consumed is pending again.

  /** When `credential` was renewed, confirmed or tentatively, if within its memory. */
  private renewedAt(credential: Credential, now: number): number | undefined {
    return this.read<number>(`renewed:${credential}`, now) ?? this.read<Tentative>(`tentative:${credential}`, now)?.at;
  }

  /**
   * The renewal of `credential` whose cooling-off holds the other one back — unless operators
   * lifted it since (two of them, the console's approvals). Sessions still end at a renewal:
   * `renewedAt` keeps saying so; only the wait is lifted.
   */
  private coolingFrom(credential: Credential, now: number): number | undefined {
    const at = this.renewedAt(credential, now);
    const lifted = this.read<number>('cooling-lifted', now);
    return at !== undefined && (lifted === undefined || lifted < at) ? at : undefined;
  }

  /** Lifts a running cooling-off; false when none runs (nothing to lift). */
  liftCoolingOff(now: number): boolean {
    return this.atomically(now, () => {
      const running = (['identifier', 'password'] as const).some((c) => inCoolingOff(this.coolingFrom(c, now), now));
      if (!running) return false;
      this.write('cooling-lifted', now, now + COOLING_OFF_MS);
      return true;
    });
  }

  /**
   * Consumes a pending link and records the renewal, tentatively — or refuses. Check and mark
   * happen in one transaction with no await in between: of any number of concurrent
   * completions of one link exactly one gets "ok". Refused within the cooling-off period
   * after the other credential was renewed. The other links are voided at confirmation.
   */
  completeLinkRenewal(credential: Credential, tokenHash: string, now: number): 'ok' | CompletionRefusal {
    return this.atomically(now, () => {
      const state = this.stateOf(credential, tokenHash, now);
      if (state !== 'pending') return state;
      if (inCoolingOff(this.coolingFrom(other(credential), now), now)) return 'cooling-off';
      const tentative: Tentative = { at: now, tokenHash };
      this.write(`tentative:${credential}`, tentative, now + CONFIRM_WITHIN_MS);
      return 'ok';
    });
  }

  /**
   * Records a renewal that needs no link (the password, renewed from identifier + NUMIC),
   * tentatively — or refuses it within the cooling-off period after the identifier was renewed.
   */
  completeDirectRenewal(credential: Credential, now: number): 'ok' | 'cooling-off' {
    return this.atomically(now, () => {
      if (inCoolingOff(this.coolingFrom(other(credential), now), now)) return 'cooling-off';
      const tentative: Tentative = { at: now };
      this.write(`tentative:${credential}`, tentative, now + CONFIRM_WITHIN_MS);
      return 'ok';
    });
  }

  /**
   * D1 has the renewal made at `at`: the cooling-off runs from then, the link it used is used
   * and every other pending link voided. Idempotent (the request and the relay may both call).
   */
  confirmRenewal(credential: Credential, at: number, now: number): void {
    this.atomically(now, () => {
      const tentative = this.read<Tentative>(`tentative:${credential}`, now);
      if (!tentative || tentative.at !== at) return;
      this.remove(`tentative:${credential}`);
      this.write(`renewed:${credential}`, at, at + COOLING_OFF_MS);
      if (tentative.tokenHash === undefined) return;
      for (const h of this.pendingLinks(credential, now)) {
        this.remove(this.pendingKey(credential, h));
        if (h !== tentative.tokenHash) this.write(`token:${h}`, 'voided', now + TOKEN_MEMORY_MS);
      }
      this.remove(this.pendingKey(credential, tentative.tokenHash));
      this.remove(`pending:${credential}`);
      this.write(`token:${tentative.tokenHash}`, 'used', now + TOKEN_MEMORY_MS);
    });
  }

  /**
   * D1 did not take the renewal made at `at`: it never happened — no cooling-off, and the link
   * it consumed is pending again (what lapsing would do, at once).
   */
  forgetRenewal(credential: Credential, at: number, now: number): void {
    this.atomically(now, () => {
      if (this.read<Tentative>(`tentative:${credential}`, now)?.at === at) this.remove(`tentative:${credential}`);
    });
  }
}

/** A renewal decided by the object and not yet confirmed by D1. */
interface Tentative {
  at: number;
  /** The link it consumed, for a renewal by link. */
  tokenHash?: string;
}
