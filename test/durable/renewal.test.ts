import { describe, expect, it } from 'vitest';
import { renewedAt, voterObject } from '../access-state';
import { CONFIRM_WITHIN_MS, COOLING_OFF_MS, LINK_TTL_MS } from '../../src/platform/guard/renewal';

const now = () => Math.floor(Date.now() / 1000) * 1000;

describe('AccessState — renewals', () => {
  it('knows the voter of a pending link only while it is pending', async () => {
    const t = now();
    const stub = voterObject('link-voter');
    await stub.startRenewal('identifier', 'h1', t + LINK_TTL_MS, t, 42);
    expect(await stub.link('identifier', 'h1', t)).toEqual({ state: 'pending', voterId: 42 });
    expect(await stub.link('identifier', 'h2', t)).toEqual({ state: 'unknown', voterId: null });
    expect(await stub.link('identifier', 'h1', t + LINK_TTL_MS)).toEqual({ state: 'expired', voterId: null });
    // A newer link leaves the older one pending; using one voids the other.
    await stub.startRenewal('identifier', 'h2', t + LINK_TTL_MS, t, 42);
    expect(await stub.link('identifier', 'h1', t)).toEqual({ state: 'pending', voterId: 42 });
    expect(await stub.completeLinkRenewal('identifier', 'h2', t)).toBe('ok');
    expect(await stub.link('identifier', 'h2', t)).toEqual({ state: 'used', voterId: null });
    await stub.confirmRenewal('identifier', t, t);
    expect(await stub.link('identifier', 'h2', t)).toEqual({ state: 'used', voterId: null });
    expect(await stub.link('identifier', 'h1', t)).toEqual({ state: 'voided', voterId: null });
    expect(await stub.completeLinkRenewal('identifier', 'h1', t)).toBe('voided');
  });

  it('keeps at most 20 links pending, voiding the oldest beyond', async () => {
    const t = now();
    const stub = voterObject('many-links');
    for (let i = 0; i < 21; i++) await stub.startRenewal('identifier', `m${i}`, t + LINK_TTL_MS, t, 3);
    expect((await stub.link('identifier', 'm0', t)).state).toBe('voided');
    expect((await stub.link('identifier', 'm1', t)).state).toBe('pending');
    expect(await stub.completeLinkRenewal('identifier', 'm20', t)).toBe('ok');
    await stub.confirmRenewal('identifier', t, t);
    expect((await stub.link('identifier', 'm1', t)).state).toBe('voided');
  });

  it('keeps the count of wrong passwords, and voids the link at the fifth', async () => {
    const t = now();
    const stub = voterObject('wrong-passwords');
    await stub.startRenewal('identifier', 'h', t + LINK_TTL_MS, t, 7);
    for (let i = 0; i < 4; i++) expect(await stub.wrongPassword('identifier', 'h', t)).toBe('pending');
    expect((await stub.link('identifier', 'h', t)).voterId).toBe(7);
    expect(await stub.wrongPassword('identifier', 'h', t)).toBe('voided');
    expect(await stub.completeLinkRenewal('identifier', 'h', t)).toBe('voided');
  });

  it('applies the one-at-a-time rule in both orders, for 24 hours', async () => {
    const t = now();
    const a = voterObject('order-a');
    expect(await a.completeDirectRenewal('password', t)).toBe('ok');
    await a.confirmRenewal('password', t, t);
    await a.startRenewal('identifier', 'h', t + LINK_TTL_MS, t, 1);
    expect(await a.completeLinkRenewal('identifier', 'h', t + 1000)).toBe('cooling-off');
    // The refusal does not consume the link.
    expect((await a.link('identifier', 'h', t + 1000)).state).toBe('pending');

    const b = voterObject('order-b');
    await b.startRenewal('identifier', 'h', t + LINK_TTL_MS, t, 1);
    expect(await b.completeLinkRenewal('identifier', 'h', t)).toBe('ok');
    await b.confirmRenewal('identifier', t, t);
    expect(await b.completeDirectRenewal('password', t + COOLING_OFF_MS - 1)).toBe('cooling-off');
    expect(await b.completeDirectRenewal('password', t + COOLING_OFF_MS)).toBe('ok');
  });

  it('lets exactly one of an identifier completion and a password renewal racing win, in either arrival order', async () => {
    const t = now();
    for (let round = 0; round < 20; round++) {
      const stub = voterObject(`race-${round}`);
      await stub.startRenewal('identifier', 'h', t + LINK_TTL_MS, t, 1);
      const calls = [
        async () => ({ credential: 'identifier', result: await stub.completeLinkRenewal('identifier', 'h', t) }),
        async () => ({ credential: 'password', result: await stub.completeDirectRenewal('password', t) }),
      ];
      if (round % 2) calls.reverse();
      const results = await Promise.all([...calls.map((f) => f()), ...calls.map((f) => f())]);
      const won = new Set(results.filter((r) => r.result === 'ok').map((r) => r.credential));
      expect(won.size).toBe(1);
    }
  });

  it('forgets only the renewal it is told about, and a forgotten link is pending again', async () => {
    const t = now();
    const stub = voterObject('forget');
    await stub.completeDirectRenewal('password', t);
    await stub.forgetRenewal('password', t - 1, t);
    await stub.startRenewal('identifier', 'h', t + LINK_TTL_MS, t, 1);
    // The tentative password renewal still holds the identifier back.
    expect(await stub.completeLinkRenewal('identifier', 'h', t)).toBe('cooling-off');
    await stub.forgetRenewal('password', t, t);
    expect(await stub.completeLinkRenewal('identifier', 'h', t)).toBe('ok');
    expect((await stub.link('identifier', 'h', t)).state).toBe('used');
    await stub.forgetRenewal('identifier', t, t);
    expect((await stub.link('identifier', 'h', t)).state).toBe('pending');
    expect(await renewedAt('forget', 'identifier', t)).toBeNull();
  });

  it('lets a renewal D1 never confirmed lapse: no cooling-off, and its link pending again', async () => {
    const t = now();
    const stub = voterObject('lapse');
    await stub.startRenewal('identifier', 'h', t + LINK_TTL_MS, t, 1);
    expect(await stub.completeLinkRenewal('identifier', 'h', t)).toBe('ok');
    // The Worker died before D1 took the change: nothing confirms it.
    expect(await stub.completeDirectRenewal('password', t + CONFIRM_WITHIN_MS - 1)).toBe('cooling-off');
    expect((await stub.link('identifier', 'h', t + CONFIRM_WITHIN_MS)).state).toBe('pending');
    expect(await stub.completeDirectRenewal('password', t + CONFIRM_WITHIN_MS)).toBe('ok');
  });

  it('confirms once, late confirmations of another renewal changing nothing', async () => {
    const t = now();
    const stub = voterObject('confirm');
    await stub.completeDirectRenewal('password', t);
    await stub.confirmRenewal('password', t - 5, t);
    expect(await renewedAt('confirm', 'password', t)).toBeNull();
    await stub.confirmRenewal('password', t, t);
    await stub.confirmRenewal('password', t, t + 1000);
    expect(await renewedAt('confirm', 'password', t + CONFIRM_WITHIN_MS + 1)).toBe(t);
  });
});
