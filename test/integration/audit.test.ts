import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { linkRecords, verifyAuditTrail, type ChainedRecord } from '../../src/platform/audit-chain';
import { durableHeadWitness } from '../../src/platform/audit-head';
import { storedEvents } from '../audit-helpers';
import { DEMO, harness, seedElection, seedVoter } from '../helpers';

async function auditRows() {
  return (await env.DB.prepare('SELECT event, numic_hmac, outcome, detail FROM audit_events ORDER BY id').all())
    .results;
}

describe('audit trail', () => {
  beforeEach(async () => {
    await seedElection();
    await seedVoter();
  });

  it('takes only the next link of a chain: no event outside one, no gap, no fork, no wrong prev_hash', async () => {
    const [first] = await linkRecords('queue', null, [{ event: 'login', at: 1, outcome: 'failure' }]);
    const insert = ({ event, at, outcome, chain, seq, prevHash, hash }: Partial<ChainedRecord>) =>
      env.DB.prepare(
        'INSERT INTO audit_events (event, at, outcome, chain, seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
        .bind(event, at, outcome, chain ?? null, seq ?? null, prevHash ?? null, hash ?? null)
        .run();
    const refusals = [
      { event: 'login', at: 1, outcome: 'failure' }, // outside any chain
      { ...first, seq: 2 }, // a gap: seq 1 is missing
      { ...first, prevHash: 'f'.repeat(64) }, // not linked to the chain's start
      { ...first, hash: 'short' },
    ];
    for (const e of refusals) await expect(insert(e), JSON.stringify(e)).rejects.toThrow(/not the next link/);
    await insert(first!);
    // A second event at seq 1: what a writer that lost a race would write. Refused, not forked.
    const [rival] = await linkRecords('queue', null, [{ event: 'login', at: 2, outcome: 'success' }]);
    await expect(insert(rival!)).rejects.toThrow(/not the next link/);
    const [second] = await linkRecords('queue', first!, [{ event: 'login', at: 2, outcome: 'success' }]);
    await insert(second!);
    expect(await auditRows()).toHaveLength(2);
  });

  // Security issue, item 7: `INSERT OR REPLACE … (id = 1, …)` turned a password-renewal/success
  // row into another. REPLACE deletes the row in its way and inserts, and with
  // recursive_triggers off (SQLite's default, and D1's) the delete trigger does not fire.
  it('refuses every way of rewriting a row: REPLACE, UPSERT, UPDATE, DELETE (the row unchanged)', async () => {
    // A renewal's event, written as the Worker writes events (through its AUDIT consumer).
    await worker.queue(
      {
        queue: 'isoloir-audit',
        messages: [
          {
            body: {
              kind: 'audit',
              record: { event: 'password-renewal', numicHmac: 'a'.repeat(64), at: 1, outcome: 'success' },
            },
            attempts: 1,
            ack() {},
            retry() {},
          },
        ],
      } as never,
      env,
    );
    const before = (await env.DB.prepare('SELECT * FROM audit_events').all()).results;
    expect(before).toHaveLength(1);
    const row = before[0]!;
    const forged: Record<string, unknown> = { ...row, outcome: 'failure' };
    const columns = Object.keys(forged);
    const values = (r: Record<string, unknown>) => columns.map((c) => r[c]);
    const list = columns.join(', ');
    const marks = columns.map(() => '?').join(', ');
    const withoutId = columns.filter((c) => c !== 'id');
    const attempts: [string, unknown[]][] = [
      [`INSERT OR REPLACE INTO audit_events (${list}) VALUES (${marks})`, values(forged)],
      [`REPLACE INTO audit_events (${list}) VALUES (${marks})`, values(forged)],
      // The same event under a new id: REPLACE would remove a row that conflicts on any other
      // unique index (a chain position).
      [
        `INSERT OR REPLACE INTO audit_events (${withoutId.join(', ')}) VALUES (${withoutId.map(() => '?').join(', ')})`,
        withoutId.map((c) => forged[c]),
      ],
      [
        `INSERT INTO audit_events (${list}) VALUES (${marks}) ON CONFLICT (id) DO UPDATE SET outcome = excluded.outcome`,
        values(forged),
      ],
      [
        'INSERT INTO audit_events (id, event, at, outcome) VALUES (?, ?, 1, ?) ON CONFLICT DO UPDATE SET outcome = excluded.outcome',
        [row.id, 'password-renewal', 'failure'],
      ],
      ["UPDATE audit_events SET outcome = 'failure'", []],
      ['DELETE FROM audit_events', []],
    ];
    for (const [sql, params] of attempts) {
      await expect(
        env.DB.prepare(sql)
          .bind(...params)
          .run(),
        sql,
      ).rejects.toThrow(/append-only/);
    }
    // Even as the chain's true next link, an event may not take an existing row's id.
    const [next] = await linkRecords('queue', { seq: Number(row.seq), hash: String(row.hash) }, [
      { event: 'password-renewal', numicHmac: String(row.numic_hmac), at: 1, outcome: 'failure' },
    ]);
    await expect(
      env.DB.prepare(
        'INSERT OR REPLACE INTO audit_events (id, event, numic_hmac, at, outcome, chain, seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
        .bind(
          row.id,
          next!.event,
          next!.numicHmac,
          next!.at,
          next!.outcome,
          next!.chain,
          next!.seq,
          next!.prevHash,
          next!.hash,
        )
        .run(),
    ).rejects.toThrow(/append-only/);
    expect((await env.DB.prepare('SELECT * FROM audit_events').all()).results).toEqual(before);
    const heads = await durableHeadWitness(env.AUDIT_HEAD).heads();
    expect(await verifyAuditTrail(await storedEvents(), heads)).toMatchObject({ ok: true, events: 1 });
  });

  it('records every login attempt through the queue, without a secret', async () => {
    const h = harness();
    const html = await (await h.get('/')).text();
    const res = await h.post('/login', {
      identifier: DEMO.identifier,
      password: DEMO.password,
      ...(await h.code(html)),
    });
    expect(res.status).toBe(303);
    // The queue consumer runs in the test runtime; give it its batch timeout.
    let rows: Record<string, unknown>[] = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = await auditRows();
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ event: 'login', outcome: 'success' });
    expect(String(rows[0]!.numic_hmac)).toMatch(/^[0-9a-f]{64}$/);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(DEMO.numic);
    expect(dump).not.toContain(DEMO.password);
    expect(dump).not.toContain('ABCD');
    // The next link of the queue consumer's chain, and its head told to the AuditHead object.
    const [event] = await storedEvents();
    expect(event).toMatchObject({ chain: 'queue', seq: 1, prevHash: '0'.repeat(64) });
    expect(await durableHeadWitness(env.AUDIT_HEAD).heads()).toEqual([
      { chain: 'queue', seq: 1, hash: event!.hash, at: event!.at },
    ]);
  });

  it('retries an audit batch D1 could not take', async () => {
    let retried = 0;
    const message = {
      body: { kind: 'audit', record: { event: 'login', at: 1, outcome: 'failure' } },
      attempts: 1,
      ack() {},
      retry() {
        retried++;
      },
    };
    const broken = {
      ...env,
      DB: {
        prepare() {
          throw new Error('D1 down');
        },
        batch() {
          throw new Error('D1 down');
        },
      } as unknown as D1Database,
    };
    await worker.queue({ messages: [message], queue: 'isoloir-audit' } as never, broken);
    expect(retried).toBe(1);
  });
});
