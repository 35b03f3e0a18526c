import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { durableGuards, SHARD_COUNT } from '../../src/platform/guard/guards';
import { voterObject } from '../access-state';

const T = 1_650_000_000_000;
const guards = durableGuards(env.ACCESS_STATE, env.NUMIC_HMAC_KEY);

describe('AccessState', () => {
  it('lets exactly one of many concurrent consumers of a nonce win', async () => {
    const nonce = await guards.forUnknown('captcha', 'n1');
    const results = await Promise.all(Array.from({ length: 50 }, () => nonce.consume(T + 60_000, T)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await nonce.isConsumed(T)).toBe(true);
    expect(await (await guards.forUnknown('captcha', 'n2')).isConsumed(T)).toBe(false);
  });

  it('counts hits per subject, and a refused hit is not counted', async () => {
    const a = guards.forVoter('hits-test', 'a');
    const b = guards.forVoter('hits-test', 'b');
    for (let i = 0; i < 3; i++) expect((await a.hit(3, 60_000, T + i)).ok).toBe(true);
    expect(await a.hit(3, 60_000, T + 10)).toEqual({ ok: false, retryAfterMs: 60_000 - 10 });
    expect((await b.hit(3, 60_000, T + 10)).ok).toBe(true);
    expect((await a.hit(3, 60_000, T + 60_001)).ok).toBe(true);
  });

  it('counts a client at every tier in one object: allowed only if all allow, and then counted in all', async () => {
    const narrow = { key: '2001:db8:1:2::/64', limit: 2 };
    const wide = { key: '2001:db8:1::/48', limit: 3 };
    const both = await guards.forUnknownTiers('tiers-test', [narrow, wide]);
    // The /48 alone, as another /64 of it is counted: its subject is the same, in the same object.
    const wideOnly = await guards.forUnknownTiers('tiers-test', [wide]);
    expect(wideOnly.subjects).toEqual([both.subjects[1]]);
    expect((await both.hit(60_000, T)).ok).toBe(true);
    expect((await both.hit(60_000, T + 1)).ok).toBe(true);
    // The /64 is full: refused, and the /48 did not count it.
    expect(await both.hit(60_000, T + 2)).toEqual({ ok: false, retryAfterMs: 60_000 - 2 });
    expect((await wideOnly.hit(60_000, T + 3)).ok).toBe(true);
    // Now the /48 is full too (2 + 1): the strictest wait is the answer.
    expect(await both.hit(60_000, T + 4)).toEqual({ ok: false, retryAfterMs: 60_000 - 4 });
    expect((await both.hit(60_000, T + 60_004)).ok).toBe(true);
  });

  it("purges expired rows with its alarm, on the callers' clock, without keeping a clock of its own", async () => {
    const stub = voterObject('alarm-test');
    const rows = () =>
      runInDurableObject(stub, (_i, state) =>
        state.storage.sql
          .exec<{ k: string }>('SELECT k FROM kv ORDER BY k')
          .toArray()
          .map((r) => r.k),
      );
    // The injected clock is years behind the runtime's.
    await stub.consumeNonce('old', T + 60_000, T);
    await stub.consumeNonce('young', T + 3_600_000, T);
    // A read changes nothing in the object's storage, not even a note of the caller's time.
    const before = await runInDurableObject(stub, (_i, state) =>
      state.storage.sql.exec('SELECT * FROM purge').toArray(),
    );
    expect(await stub.isNonceUsed('young', T + 10)).toBe(true);
    expect(
      await runInDurableObject(stub, (_i, state) => state.storage.sql.exec('SELECT * FROM purge').toArray()),
    ).toEqual(before);
    // The alarm is set a minute from the runtime's present (the first expiry, a minute after
    // the caller's `now`), and purges what had expired by then — the live row survives.
    const alarmAt = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    expect(alarmAt! - Date.now()).toBeGreaterThan(50_000);
    expect(alarmAt! - Date.now()).toBeLessThanOrEqual(60_000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await rows()).toEqual(['nonce:young']);
    // The next alarm stands for the young row's expiry, an hour after the first one.
    const next = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    expect(next! - Date.now()).toBeGreaterThan(3_400_000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await rows()).toEqual([]);
  });

  it('shards attacker-keyed state over a bounded number of objects', async () => {
    const a = await guards.forUnknown('identifier', 'x');
    const b = await guards.forUnknown('identifier', 'x');
    expect(a.subject).toBe(b.subject);
    expect(a.subject).not.toContain('x:');
    expect(SHARD_COUNT).toBe(4096);
  });
});
