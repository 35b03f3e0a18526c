/**
 * The audit trail's chains: the one place that computes and checks them. Pure (Web Crypto's
 * SHA-256 and nothing else, no runtime import), so the Worker writes with it and
 * `npm run audit -- verify` (scripts/audit.mjs, in Node) checks with the very same code.
 *
 * Each event is a link of one chain: `seq` counts from 1, `prevHash` is the previous event's
 * `hash` (64 zeros for the first) and `hash` is the SHA-256 of the canonical encoding of the
 * chain, seq, prevHash and every field of the event. Changing, removing or reordering an event
 * breaks the links after it; the chain's head (the last seq and hash), kept apart in the
 * AuditHead Durable Object and e-mailed daily to the operators, shows a truncation or a chain
 * rewritten from the altered event onwards.
 *
 * Several chains, not one: a writer must read its chain's head before its D1 batch, so writers
 * of one chain serialise (the loser of a race retries, platform/audit.ts). Renewals, written
 * on the request path by voters all over the world, spread over RENEWAL_CHAINS chains by the
 * NUMIC's HMAC; the AUDIT queue's consumer and the dead-letter consumer (one batch at a time
 * each, wrangler.toml max_concurrency) have a chain of their own.
 */
import type { AuditRecord } from './audit';

export const GENESIS_HASH = '0'.repeat(64);
export const RENEWAL_CHAINS = 8;
export const OPERATOR_CHAINS = 4;

/** The chains the Worker writes. */
export const CHAINS = {
  /** A renewal's event: its voter's shard (HMACs are uniform, the first hex digit will do). */
  renewal(numicHmac: string | null | undefined): string {
    const digit = parseInt(numicHmac?.[0] ?? '', 16);
    return `renewal-${Number.isNaN(digit) ? 0 : digit % RENEWAL_CHAINS}`;
  },
  /** The AUDIT queue's consumer (login attempts, refused renewals). */
  queue: 'queue',
  /** Events the AUDIT queue gave up on, written late by the dead-letter consumer. */
  deadLetter: 'dead-letter',
  /**
   * Operators' actions, on OPERATOR_CHAINS chains: an import's chunks, sent a few at a time,
   * go to different chains (by their position in the file) instead of racing for one.
   */
  operator(lane = 0): string {
    return `operator-${Math.abs(Math.trunc(lane)) % OPERATOR_CHAINS}`;
  },
} as const;

export interface ChainLink {
  chain: string;
  seq: number;
  prevHash: string;
  hash: string;
}

export type ChainedRecord = AuditRecord & ChainLink;

/** Where a chain stands: its last event's seq and hash, and that event's time. */
export interface ChainHead {
  chain: string;
  seq: number;
  hash: string;
  at: number;
}

/**
 * The bytes hashed: a JSON array, so no field can bleed into the next, with absent optional
 * fields as null (D1 gives back NULL for them). A new field or encoding gets a new tag.
 */
export function canonicalEvent(e: Omit<ChainedRecord, 'hash'>): string {
  return JSON.stringify([
    'isoloir-audit/1',
    e.chain,
    e.seq,
    e.prevHash,
    e.event,
    e.numicHmac ?? null,
    e.at,
    e.outcome,
    e.detail ?? null,
  ]);
}

export async function eventHash(e: Omit<ChainedRecord, 'hash'>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalEvent(e)));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `records` as the links that follow `head` (null: the chain is empty) on `chain`, in order. */
export async function linkRecords(
  chain: string,
  head: Pick<ChainHead, 'seq' | 'hash'> | null,
  records: readonly AuditRecord[],
): Promise<ChainedRecord[]> {
  const out: ChainedRecord[] = [];
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  for (const record of records) {
    const unhashed = { ...record, chain, seq: ++seq, prevHash };
    const hash = await eventHash(unhashed);
    out.push({ ...unhashed, hash });
    prevHash = hash;
  }
  return out;
}

// ---------------------------------------------------------------- verification

/** An event as stored (audit_events, in the drizzle column names): chain fields NULL before 0003. */
export interface StoredEvent {
  id: number;
  event: string;
  numicHmac: string | null;
  at: number;
  outcome: string;
  detail: string | null;
  chain: string | null;
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
}

export interface Intact {
  ok: true;
  chains: number;
  /** Chained events, every one checked. */
  events: number;
  /** Events from before the chains (migration 0003), which nothing can check. */
  unchained: number;
  /** Events after the last head known for their chain: linked, but witnessed by no head yet. */
  unwitnessed: number;
}

/** The first broken link: the chain and seq where the trail stops being what was written. */
export interface Broken {
  ok: false;
  chain: string | null;
  seq: number | null;
  reason: string;
}

interface ChainState {
  seq: number;
  hash: string;
}

/**
 * Checks the trail event by event, in id order (the order of writing: a link is written only
 * once the one before it is, and AUTOINCREMENT ids only grow), so it runs over pages of any
 * size. `heads` are the points known from elsewhere — the AuditHead object's heads, heads from
 * the daily e-mails — and every one of them must be on its chain.
 */
export class ChainVerifier {
  private readonly chains = new Map<string, ChainState>();
  private readonly expected = new Map<string, ChainHead[]>();
  private unchained = 0;
  private events = 0;
  private broken: Broken | null = null;

  constructor(heads: readonly ChainHead[]) {
    for (const h of heads) this.expected.set(h.chain, [...(this.expected.get(h.chain) ?? []), h]);
  }

  /** The next event; returns the first broken link as soon as there is one (then stays on it). */
  async push(row: StoredEvent): Promise<Broken | null> {
    if (this.broken) return this.broken;
    return (this.broken = await this.check(row));
  }

  private async check(row: StoredEvent): Promise<Broken | null> {
    const broken = (chain: string | null, seq: number | null, reason: string): Broken => ({
      ok: false,
      chain,
      seq,
      reason,
    });
    if (row.chain === null) {
      if (this.events > 0) return broken(null, null, `event id ${row.id} has no chain, after the chains began`);
      this.unchained++;
      return null;
    }
    const last = this.chains.get(row.chain) ?? { seq: 0, hash: GENESIS_HASH };
    const next = last.seq + 1;
    if (row.seq !== next) return broken(row.chain, next, `expected seq ${next}, found seq ${row.seq} (id ${row.id})`);
    if (row.prevHash !== last.hash) {
      return broken(row.chain, next, `prev_hash is not the hash of seq ${last.seq} (id ${row.id})`);
    }
    const hash = await eventHash({ ...row, chain: row.chain, seq: next, prevHash: last.hash });
    if (row.hash !== hash) return broken(row.chain, next, `hash does not match the event (id ${row.id}): altered`);
    for (const h of this.expected.get(row.chain) ?? []) {
      if (h.seq === next && h.hash !== hash) {
        return broken(row.chain, next, `hash differs from the head at seq ${next}: the chain was rewritten`);
      }
    }
    this.chains.set(row.chain, { seq: next, hash });
    this.events++;
    return null;
  }

  /** After the last event: every head must have been reached. */
  finish(): Intact | Broken {
    if (this.broken) return this.broken;
    let unwitnessed = 0;
    for (const [chain, heads] of this.expected) {
      const last = this.chains.get(chain)?.seq ?? 0;
      const furthest = Math.max(...heads.map((h) => h.seq));
      if (last < furthest) {
        return {
          ok: false,
          chain,
          seq: last + 1,
          reason: `the chain ends at seq ${last}, its head is at seq ${furthest}: events removed`,
        };
      }
    }
    for (const [chain, state] of this.chains) {
      const heads = this.expected.get(chain) ?? [];
      unwitnessed += state.seq - Math.max(0, ...heads.map((h) => h.seq));
    }
    return { ok: true, chains: this.chains.size, events: this.events, unchained: this.unchained, unwitnessed };
  }
}

/** The whole trail at once (rows in id order). */
export async function verifyAuditTrail(
  rows: readonly StoredEvent[],
  heads: readonly ChainHead[],
): Promise<Intact | Broken> {
  const verifier = new ChainVerifier(heads);
  for (const row of rows) if (await verifier.push(row)) break;
  return verifier.finish();
}
