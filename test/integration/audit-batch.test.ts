import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
  AUDIT_PARAMS_PER_ROW,
  AUDIT_ROWS_PER_INSERT,
  d1AuditTrail,
  writeAuditBatch,
  type AuditRecord,
} from '../../src/platform/audit';
import { verifyAuditTrail } from '../../src/platform/audit-chain';
import { durableHeadWitness } from '../../src/platform/audit-head';
import { database } from '../../src/platform/database';
import { T0 } from '../helpers';
import { storedEvents } from '../audit-helpers';

// The AUDIT consumer gets up to 100 messages per batch (wrangler.toml max_batch_size): a
// full batch must land in D1, whose statements bind at most 100 parameters.
describe('audit queue consumer', () => {
  it('writes a full batch of 100 events, detail included, as 100 links of its chain', async () => {
    const before = await env.DB.prepare('SELECT count(*) AS n FROM audit_events').first<{ n: number }>();
    const records: AuditRecord[] = Array.from({ length: 100 }, (_, i) => ({
      event: 'login',
      numicHmac: `hmac-${i}`,
      at: T0 + i,
      outcome: i % 2 ? 'success' : 'failure',
      detail: `detail ${i}`,
    }));
    const db = () => database(env.DB);
    const witness = durableHeadWitness(env.AUDIT_HEAD);
    const head = await writeAuditBatch(d1AuditTrail({ write: db, head: db, witness }), records, 'queue');
    const after = await env.DB.prepare('SELECT count(*) AS n FROM audit_events').first<{ n: number }>();
    expect(after!.n - before!.n).toBe(100);
    expect(head).toMatchObject({ chain: 'queue', seq: 100, at: T0 + 99 });
    expect(AUDIT_ROWS_PER_INSERT * AUDIT_PARAMS_PER_ROW).toBeLessThanOrEqual(100);
    expect(await verifyAuditTrail(await storedEvents(), await witness.heads())).toEqual({
      ok: true,
      chains: 1,
      events: 100,
      unchained: 0,
      unwitnessed: 0,
    });
  });
});
