import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { SHARD_COUNT, shardGuard, voterGuard } from '../../src/platform/guard/client';
import type { VoterGuard } from '../../src/platform/guard/voter-guard';

const T = 1_650_000_000_000;

describe('VoterGuard', () => {
  it('lets exactly one of many concurrent consumers of a nonce win', async () => {
    const stub = voterGuard(env, 'nonce-test');
    const results = await Promise.all(Array.from({ length: 50 }, () => stub.consumeNonce('n1', T + 60_000, T)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await stub.isNonceUsed('n1', T)).toBe(true);
    expect(await stub.isNonceUsed('n2', T)).toBe(false);
  });

  it('counts hits per subject, and a refused hit is not counted', async () => {
    const stub = voterGuard(env, 'hits-test');
    for (let i = 0; i < 3; i++) expect((await stub.hit('a', 3, 60_000, T + i)).ok).toBe(true);
    expect(await stub.hit('a', 3, 60_000, T + 10)).toEqual({ ok: false, retryAfterMs: 60_000 - 10 });
    expect((await stub.hit('b', 3, 60_000, T + 10)).ok).toBe(true);
    expect((await stub.hit('a', 3, 60_000, T + 60_001)).ok).toBe(true);
  });

  it("purges expired rows with its alarm, on the callers' clock", async () => {
    const stub = voterGuard(env, 'alarm-test');
    const count = (state: DurableObjectState) => state.storage.sql.exec('SELECT COUNT(*) AS n FROM kv').one().n;
    await stub.consumeNonce('old', T + 60_000, T);
    await stub.consumeNonce('young', T + 3_600_000, T);
    // The injected clock is years behind the runtime's: live rows must survive the alarm.
    await runInDurableObject(stub, async (instance: VoterGuard, state) => {
      await instance.alarm();
      expect(count(state)).toBe(2);
    });
    expect(await stub.isNonceUsed('old', T + 120_000)).toBe(false);
    await runInDurableObject(stub, async (instance: VoterGuard, state) => {
      await instance.alarm();
      expect(count(state)).toBe(1);
    });
  });

  it('shards attacker-keyed state over a bounded number of objects', async () => {
    const a = await shardGuard(env, 'identifier', 'x');
    const b = await shardGuard(env, 'identifier', 'x');
    expect(a.subject).toBe(b.subject);
    expect(a.subject).not.toContain('x:');
    expect(SHARD_COUNT).toBe(4096);
  });
});
