import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { AUDIT_ROWS_PER_INSERT, writeAuditBatch, type AuditRecord } from '../../src/platform/audit';
import { database } from '../../src/platform/database';
import { T0 } from '../helpers';

// The AUDIT consumer gets up to 100 messages per batch (wrangler.toml max_batch_size): a
// full batch must land in D1, whose statements bind at most 100 parameters.
describe('audit queue consumer', () => {
  it('writes a full batch of 100 events, detail included', async () => {
    const before = await env.DB.prepare('SELECT count(*) AS n FROM audit_events').first<{ n: number }>();
    const records: AuditRecord[] = Array.from({ length: 100 }, (_, i) => ({
      event: 'login',
      numicHmac: `hmac-${i}`,
      at: T0 + i,
      outcome: i % 2 ? 'success' : 'failure',
      detail: `detail ${i}`,
    }));
    await writeAuditBatch(database(env.DB), records);
    const after = await env.DB.prepare('SELECT count(*) AS n FROM audit_events').first<{ n: number }>();
    expect(after!.n - before!.n).toBe(100);
    expect(AUDIT_ROWS_PER_INSERT * 5).toBeLessThanOrEqual(100);
  });
});
