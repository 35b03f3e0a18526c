import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import worker from '../../src/index';
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

  it('refuses UPDATE and DELETE (append-only, enforced by the database)', async () => {
    await env.DB.prepare("INSERT INTO audit_events (event, at, outcome) VALUES ('login', 1, 'failure')").run();
    await expect(env.DB.prepare("UPDATE audit_events SET outcome = 'success'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare('DELETE FROM audit_events').run()).rejects.toThrow(/append-only/);
    expect(await auditRows()).toHaveLength(1);
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
