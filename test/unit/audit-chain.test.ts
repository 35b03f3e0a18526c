// The chains' arithmetic and their verification (src/platform/audit-chain.ts), as pure
// functions over rows and heads: what `npm run audit -- verify` runs.
import { describe, expect, it } from 'vitest';
import {
  CHAINS,
  GENESIS_HASH,
  RENEWAL_CHAINS,
  canonicalEvent,
  eventHash,
  linkRecords,
  verifyAuditTrail,
  type ChainHead,
  type ChainedRecord,
  type StoredEvent,
} from '../../src/platform/audit-chain';
import type { AuditRecord } from '../../src/platform/audit';

const T0 = Date.UTC(2022, 3, 21, 9, 14);

const records = (n: number, event = 'login'): AuditRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    event,
    numicHmac: i % 3 ? `${i}`.repeat(64).slice(0, 64) : null,
    at: T0 + i,
    outcome: i % 2 ? 'success' : 'failure',
    detail: i % 4 ? null : `detail ${i}`,
  }));

let nextId = 1;
/** Links as D1 gives them back: ids, and NULL for absent optional fields. */
const stored = (links: ChainedRecord[]): StoredEvent[] =>
  links.map((l) => ({ id: nextId++, ...l, numicHmac: l.numicHmac ?? null, detail: l.detail ?? null }));

const headOf = (rows: StoredEvent[]): ChainHead => {
  const last = rows[rows.length - 1]!;
  return { chain: last.chain!, seq: last.seq!, hash: last.hash!, at: last.at };
};

/** Two chains of 5 events each, interleaved in id order as concurrent writers would leave them. */
async function trail() {
  nextId = 1;
  const a = await linkRecords('renewal-3', null, records(5, 'password-renewal'));
  const b = await linkRecords('queue', null, records(5));
  const rows = stored(a.flatMap((link, i) => [link, b[i]!]));
  const heads = [headOf(rows.filter((r) => r.chain === 'queue')), headOf(rows.filter((r) => r.chain === 'renewal-3'))];
  return { rows, heads };
}

/** Recomputes a row's own hash after it was changed (an attacker who knows the encoding). */
async function rehash(row: StoredEvent): Promise<StoredEvent> {
  return { ...row, hash: await eventHash({ ...row, chain: row.chain!, seq: row.seq!, prevHash: row.prevHash! }) };
}

describe('audit chains', () => {
  it('hashes a fixed canonical encoding (a stored trail must verify for ever)', async () => {
    const e = {
      chain: 'queue',
      seq: 1,
      prevHash: GENESIS_HASH,
      event: 'login',
      numicHmac: null,
      at: 1650532440000,
      outcome: 'success',
      detail: 'é "x"',
    };
    expect(canonicalEvent(e)).toBe(
      `["isoloir-audit/1","queue",1,"${GENESIS_HASH}","login",null,1650532440000,"success","é \\"x\\""]`,
    );
    // sha256sum of the line above.
    expect(await eventHash(e)).toBe('1c9832346f463b6e7cae5966bc1683486a1c5ce9de82a4db1a30b8ef03499805');
    // Absent and null optional fields are the same event (D1 gives back NULL).
    expect(await eventHash({ ...e, detail: undefined })).toBe(await eventHash({ ...e, detail: null }));
  });

  it('links each event to the one before it, from 64 zeros', async () => {
    const links = await linkRecords('queue', null, records(3));
    expect(links.map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(links[0]!.prevHash).toBe(GENESIS_HASH);
    expect(links[1]!.prevHash).toBe(links[0]!.hash);
    expect(links[2]!.prevHash).toBe(links[1]!.hash);
    const more = await linkRecords('queue', links[2]!, records(1));
    expect(more[0]).toMatchObject({ seq: 4, prevHash: links[2]!.hash });
  });

  it('spreads renewals over RENEWAL_CHAINS chains by the NUMIC HMAC', () => {
    const names = new Set('0123456789abcdef'.split('').map((d) => CHAINS.renewal(d.repeat(64))));
    expect(names.size).toBe(RENEWAL_CHAINS);
    expect(CHAINS.renewal(null)).toBe('renewal-0');
    expect(CHAINS.renewal('zz')).toBe('renewal-0');
  });

  it('finds an intact trail intact', async () => {
    const { rows, heads } = await trail();
    expect(await verifyAuditTrail(rows, heads)).toEqual({
      ok: true,
      chains: 2,
      events: 10,
      unchained: 0,
      unwitnessed: 0,
    });
  });

  it('names a tampered event', async () => {
    const { rows, heads } = await trail();
    const i = rows.findIndex((r) => r.chain === 'renewal-3' && r.seq === 3);
    rows[i] = { ...rows[i]!, outcome: 'success' === rows[i]!.outcome ? 'failure' : 'success' };
    expect(await verifyAuditTrail(rows, heads)).toEqual({
      ok: false,
      chain: 'renewal-3',
      seq: 3,
      reason: `hash does not match the event (id ${rows[i]!.id}): altered`,
    });
  });

  it('names the link after a tampered event whose own hash was recomputed', async () => {
    const { rows, heads } = await trail();
    const i = rows.findIndex((r) => r.chain === 'queue' && r.seq === 2);
    rows[i] = await rehash({ ...rows[i]!, numicHmac: 'f'.repeat(64) });
    expect(await verifyAuditTrail(rows, heads)).toMatchObject({
      ok: false,
      chain: 'queue',
      seq: 3,
      reason: expect.stringMatching(/^prev_hash is not the hash of seq 2/),
    });
  });

  it('names a missing event', async () => {
    const { rows, heads } = await trail();
    const without = rows.filter((r) => !(r.chain === 'queue' && r.seq === 4));
    expect(await verifyAuditTrail(without, heads)).toMatchObject({
      ok: false,
      chain: 'queue',
      seq: 4,
      reason: expect.stringMatching(/^expected seq 4, found seq 5/),
    });
  });

  it('names a reordered event: out of order, or its seq swapped with its neighbour', async () => {
    const { rows, heads } = await trail();
    const i = rows.findIndex((r) => r.chain === 'renewal-3' && r.seq === 2);
    const j = rows.findIndex((r) => r.chain === 'renewal-3' && r.seq === 3);
    const swapped = [...rows];
    [swapped[i], swapped[j]] = [rows[j]!, rows[i]!];
    expect(await verifyAuditTrail(swapped, heads)).toMatchObject({
      ok: false,
      chain: 'renewal-3',
      seq: 2,
      reason: expect.stringMatching(/^expected seq 2, found seq 3/),
    });
    // The two events' seq exchanged in place, each hash recomputed: the links give it away.
    const renumbered = [...rows];
    renumbered[i] = await rehash({ ...rows[j]!, id: rows[i]!.id, seq: 2 });
    renumbered[j] = await rehash({ ...rows[i]!, id: rows[j]!.id, seq: 3 });
    expect(await verifyAuditTrail(renumbered, heads)).toMatchObject({
      ok: false,
      chain: 'renewal-3',
      seq: 2,
      reason: expect.stringMatching(/^prev_hash is not the hash of seq 1/),
    });
  });

  it('names a wrong head, a rewritten chain and a truncated one', async () => {
    const { rows, heads } = await trail();
    const queue = heads.find((h) => h.chain === 'queue')!;
    expect(await verifyAuditTrail(rows, [{ ...queue, hash: 'e'.repeat(64) }])).toEqual({
      ok: false,
      chain: 'queue',
      seq: 5,
      reason: 'hash differs from the head at seq 5: the chain was rewritten',
    });

    // Event 3 altered and every hash after it recomputed: the chain holds together, the head does not.
    const rewritten = rows.filter((r) => r.chain === 'queue');
    rewritten[2] = { ...rewritten[2]!, outcome: 'throttled' };
    for (let k = 2; k < rewritten.length; k++) {
      rewritten[k] = await rehash({ ...rewritten[k]!, prevHash: rewritten[k - 1]!.hash });
    }
    expect(await verifyAuditTrail(rewritten, [])).toMatchObject({ ok: true });
    expect(await verifyAuditTrail(rewritten, [queue])).toMatchObject({ ok: false, chain: 'queue', seq: 5 });
    // A head from an older e-mail names the altered event itself.
    const mailed = { chain: 'queue', seq: 3, hash: rows.find((r) => r.chain === 'queue' && r.seq === 3)!.hash!, at: 0 };
    expect(await verifyAuditTrail(rewritten, [mailed, queue])).toMatchObject({ ok: false, chain: 'queue', seq: 3 });

    // The last two events removed.
    const truncated = rows.filter((r) => !(r.chain === 'queue' && r.seq! > 3));
    expect(await verifyAuditTrail(truncated, heads)).toEqual({
      ok: false,
      chain: 'queue',
      seq: 4,
      reason: 'the chain ends at seq 3, its head is at seq 5: events removed',
    });
    // A whole chain removed.
    expect(
      await verifyAuditTrail(
        rows.filter((r) => r.chain !== 'queue'),
        heads,
      ),
    ).toMatchObject({
      ok: false,
      chain: 'queue',
      seq: 1,
    });
  });

  it('counts events past the head as unwitnessed, and events from before the chains apart', async () => {
    const { rows, heads } = await trail();
    const older = { ...heads.find((h) => h.chain === 'queue')! };
    const q3 = rows.find((r) => r.chain === 'queue' && r.seq === 3)!;
    const legacy: StoredEvent[] = [1, 2].map((k) => ({
      id: -k,
      event: 'login',
      numicHmac: null,
      at: k,
      outcome: 'failure',
      detail: null,
      chain: null,
      seq: null,
      prevHash: null,
      hash: null,
    }));
    expect(
      await verifyAuditTrail(
        [...legacy, ...rows],
        [{ ...older, seq: 3, hash: q3.hash!, at: q3.at }, heads.find((h) => h.chain === 'renewal-3')!],
      ),
    ).toEqual({ ok: true, chains: 2, events: 10, unchained: 2, unwitnessed: 2 });
    // An event without a chain once the chains have begun was not written by the Worker.
    expect(await verifyAuditTrail([...rows, legacy[0]!], heads)).toEqual({
      ok: false,
      chain: null,
      seq: null,
      reason: 'event id -1 has no chain, after the chains began',
    });
  });
});
