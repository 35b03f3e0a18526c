// Security issue, item 10: the audit dead-letter queue had no consumer, so the events the
// AUDIT consumer gave up on were lost after the queue's retention. Now they are written anyway,
// into a chain of their own, and nothing a consumer cannot write as it is gets dropped.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import wranglerToml from '../../wrangler.toml?raw';
import worker from '../../src/index';
import { verifyAuditTrail } from '../../src/platform/audit-chain';
import { AUDIT_DLQ_MAX_RETRIES } from '../../src/platform/audit-consumer';
import { durableHeadWitness } from '../../src/platform/audit-head';
import { storedEvents } from '../audit-helpers';
import { T0 } from '../helpers';

const event = (i: number) => ({
  kind: 'audit',
  record: { event: 'login', numicHmac: 'c'.repeat(64), at: T0 + i, outcome: 'failure' },
});

async function consume(queue: string, bodies: unknown[], attempts = 1, bindings: Cloudflare.Env = env) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m-${i}`, timestamp: new Date(T0), attempts, body })),
  );
  const delays: (number | undefined)[] = [];
  for (const m of batch.messages) {
    const retry = m.retry.bind(m);
    m.retry = (options?: QueueRetryOptions) => (delays.push(options?.delaySeconds), retry(options));
  }
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<never>, bindings);
  return { ...(await getQueueResult(batch, ctx)), delays };
}

const downD1 = {
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

/** Every `[[queues.consumers]]` of wrangler.toml, top level and environments, as key → value. */
function consumers(): Record<string, string>[] {
  const blocks = [...wranglerToml.matchAll(/^\[\[queues\.consumers\]\]\n((?:[a-z_]+ = .*\n)+)/gm)].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/^([a-z_]+) = "?([^"\n]*)"?$/gm)].map((kv) => [kv[1]!, kv[2]!])),
  );
  const inline = [...wranglerToml.matchAll(/^ {2}\{ (queue = .*) \},?$/gm)].map((m) =>
    Object.fromEntries(m[1]!.split(', ').map((kv) => kv.split(' = ').map((s) => s.replace(/"/g, '')))),
  );
  return [...blocks, ...inline] as Record<string, string>[];
}

describe('the audit dead-letter queue', () => {
  it('has a consumer in every environment, one batch at a time, retrying as long as the code expects', () => {
    const all = consumers();
    const audit = all.filter((c) => /-audit$/.test(c.queue!));
    expect(audit.map((c) => c.queue)).toEqual(['isoloir-audit', 'isoloir-staging-audit', 'isoloir-production-audit']);
    for (const c of audit) {
      expect(c.dead_letter_queue).toBe(`${c.queue}-dlq`);
      expect(c.max_concurrency).toBe('1');
      const dlq = all.find((d) => d.queue === c.dead_letter_queue);
      expect(dlq, c.dead_letter_queue).toBeDefined();
      expect(dlq!.max_retries).toBe(String(AUDIT_DLQ_MAX_RETRIES));
      expect(dlq!.max_concurrency).toBe('1');
      expect(dlq!.dead_letter_queue).toBeUndefined();
    }
  });

  it('writes the events anyway, late, into the dead-letter chain', async () => {
    const result = await consume('isoloir-audit-dlq', [event(1), event(2)], 1);
    expect(result.explicitAcks).toHaveLength(2);
    expect(result.retryMessages).toHaveLength(0);
    const rows = await storedEvents();
    expect(rows).toMatchObject([
      { chain: 'dead-letter', seq: 1, event: 'login', at: T0 + 1, outcome: 'failure', numicHmac: 'c'.repeat(64) },
      { chain: 'dead-letter', seq: 2, at: T0 + 2 },
    ]);
    expect(await verifyAuditTrail(rows, await durableHeadWitness(env.AUDIT_HEAD).heads())).toMatchObject({
      ok: true,
      events: 2,
      unwitnessed: 0,
    });
  });

  it('records what it cannot write as it is, in its place, and so does the AUDIT consumer', async () => {
    const malformed = { kind: 'audit', record: { event: 'login', outcome: 'failure' } }; // no `at`
    for (const queue of ['isoloir-audit', 'isoloir-audit-dlq']) {
      const result = await consume(queue, [event(1), malformed, { kind: 'audit' }]);
      expect(result.explicitAcks, queue).toHaveLength(3);
    }
    const rows = await storedEvents();
    expect(rows.map((r) => [r.chain, r.event])).toEqual([
      ['queue', 'login'],
      ['queue', 'audit-malformed'],
      ['queue', 'audit-malformed'],
      ['dead-letter', 'login'],
      ['dead-letter', 'audit-malformed'],
      ['dead-letter', 'audit-malformed'],
    ]);
    expect(JSON.parse(rows[1]!.detail!)).toEqual(malformed);
    expect(rows[1]).toMatchObject({ outcome: 'recorded', numicHmac: null });
  });

  it('keeps retrying while D1 refuses, for up to 12 hours apart, and logs each event on its last try', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const first = await consume('isoloir-audit-dlq', [event(1)], 1, downD1);
    expect(first.retryMessages).toHaveLength(1);
    expect(first.delays).toEqual([30]);
    expect((await consume('isoloir-audit-dlq', [event(1)], 8, downD1)).delays).toEqual([3840]);
    expect((await consume('isoloir-audit-dlq', [event(1)], 20, downD1)).delays).toEqual([43_200]);
    expect(error).not.toHaveBeenCalledWith(expect.stringMatching(/given_up/));
    await consume('isoloir-audit-dlq', [event(7)], AUDIT_DLQ_MAX_RETRIES + 1, downD1);
    const line = error.mock.calls.map(([l]) => String(l)).find((l) => l.includes('given_up'));
    // The event's own fields (no secret, the NUMIC only as its HMAC), for an operator to write back.
    const r = event(7).record;
    expect(line).toContain(`isoloir: audit_dead_letter_given_up event=${r.event} outcome=${r.outcome} at=${r.at}`);
    error.mockRestore();
  });
});
