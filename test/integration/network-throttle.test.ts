// Throttles and allowances count networks, not accounts or single addresses: whoever knows a
// voter's identifier cannot keep the voter out, and an IPv6 client cannot escape an allowance
// by changing the last 64 bits of its address.
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { ASSISTANCE_LIMIT } from '../../src/features/help/service';
import { issueChallenge } from '../../src/platform/captcha/challenge';
import { hmacHex } from '../../src/platform/crypto';
import { durableGuards } from '../../src/platform/guard/guards';
import { networkOf, WIDE_FACTOR } from '../../src/platform/guard/network';
import { attemptLogin } from '../../src/features/login/service';
import { buildServices } from '../../src/platform/services';
import { DEMO, T0, countingHasher, harness, seedElection, seedVoter, type Harness } from '../helpers';

async function code(h: Harness) {
  const { id, challenge } = await issueChallenge(env.CAPTCHA_KEY, h.now, 'fr');
  return { captchaId: id, captcha: challenge.digits };
}

/**
 * The login itself, without HTTP or a page to render (what the long simulations need): the
 * same service the route calls, with a security code issued and read back as a form would.
 */
function directLogin(clock: { now: number }) {
  const { counts, hasher } = countingHasher();
  const s = buildServices(env, { clock: () => clock.now, hasher });
  const retryAfter = async (address: string) => {
    const numicHmac = await hmacHex(env.NUMIC_HMAC_KEY, DEMO.numic);
    const verdict = await s.guards.forVoter(numicHmac, 'account').loginCheck(networkOf(address), clock.now);
    return verdict.ok ? 0 : verdict.retryAfterMs;
  };
  const attempt = async (password: string, address: string) => {
    const captchaId = await s.captcha.issue(clock.now, 'fr');
    const captcha = (await s.captcha.pendingDigits(captchaId, clock.now))!;
    return (
      await attemptLogin(s, { identifier: DEMO.identifier, password, captcha, captchaId, clientAddress: address })
    ).kind;
  };
  return { attempt, retryAfter, counts };
}

function login(h: Harness, password: string, address: string) {
  return code(h).then((c) =>
    h.post('/login', { identifier: DEMO.identifier, password, ...c }, { 'cf-connecting-ip': address }),
  );
}

describe('login throttling per network', () => {
  beforeEach(async () => {
    await seedElection();
    await seedVoter();
  });

  it('lets the voter in at the first try, every time, while an attacker on another network fails on the same identifier for an hour', async () => {
    const clock = { now: T0 };
    const { attempt, retryAfter, counts } = directLogin(clock);
    let attackerFailures = 0;
    const voter = { tries: 0, refused: 0 };
    let nextVoterTry = T0 + 97_000;
    let attackerNext = T0;
    // The attacker polls every 3 s and fails whenever the throttle lets him; the voter tries
    // the right password every 97 s. A refused poll changes nothing an attempt reads (it
    // records no failure), so the simulation sends only the polls the throttle lets through,
    // plus the first refused one after each wait — 1 200 polls' worth in ~100 requests.
    for (let i = 0; clock.now < T0 + 3_600_000; i++, clock.now += 3_000) {
      if (clock.now >= attackerNext) {
        const kind = await attempt(`guess-${i}`, '198.51.100.7');
        if (kind === 'failed') attackerFailures++;
        else {
          expect(kind).toBe('throttled');
          attackerNext = clock.now + (await retryAfter('198.51.100.7'));
        }
      }
      if (clock.now >= nextVoterTry) {
        voter.tries++;
        if ((await attempt(DEMO.password, '203.0.113.5')) !== 'ok') voter.refused++;
        nextVoterTry += 97_000;
      }
    }
    expect(voter.tries).toBe(37);
    expect(voter.refused).toBe(0);
    // The attacker's guesses stay bounded on his network (≤ 100 an hour per account).
    expect(attackerFailures).toBeGreaterThan(5);
    expect(attackerFailures).toBeLessThanOrEqual(100);
    expect(counts.verify).toBe(attackerFailures + voter.tries);
  }, 60_000);

  it('lets the voter in while 50 other networks are slowed down on the same identifier', async () => {
    const clock = { now: T0 };
    const { attempt } = directLogin(clock);
    const account = durableGuards(env.ACCESS_STATE, env.NUMIC_HMAC_KEY).forVoter(
      await hmacHex(env.NUMIC_HMAC_KEY, DEMO.numic),
      'account',
    );
    // 50 networks have each failed as often as the throttle allows in a row.
    for (let n = 0; n < 50; n++) {
      const network = networkOf(`198.51.100.${n + 1}`);
      for (let i = 0; i < 6; i++) await account.loginRecord(network, false, clock.now);
    }
    expect(await attempt('one-more', '198.51.100.1')).toBe('throttled');
    expect(await attempt('one-more', '198.51.100.50')).toBe('throttled');
    expect(await attempt(DEMO.password, '203.0.113.5')).toBe('ok');
    // Through the screens too.
    expect((await login(harness(T0), DEMO.password, '203.0.113.6')).status).toBe(303);
  }, 60_000);

  it('counts an IPv6 client on its /64, and its /48 with a wider allowance', async () => {
    const h = harness(T0);
    for (let i = 0; i < 5; i++) expect((await login(h, `g${i}`, `2001:db8:1:2::${i + 1}`)).status).toBe(401);
    // Another address of the same /64 is the same network.
    expect((await login(h, 'g5', '2001:db8:1:2::ffff')).status).toBe(429);
    // Another /64 of the same /48 is another network, until the /48 has failed its share.
    let refused = 0;
    for (let i = 0; i < 5 * WIDE_FACTOR; i++) {
      const res = await login(h, `w${i}`, `2001:db8:1:${100 + i}::1`);
      if (res.status === 429) refused++;
    }
    expect(refused).toBeGreaterThan(0);
    expect((await login(h, 'x', '2001:db8:1:999::1')).status).toBe(429);
    // A voter elsewhere is not affected.
    expect((await login(h, DEMO.password, '2001:db8:2:1::1')).status).toBe(303);
  });
});

describe('allowances per network', () => {
  const LETTER = { name: 'Camille Martin', email: 'camille@example.org', topic: 'sms', message: 'Pas de SMS.' };
  async function help(h: Harness, address: string) {
    return h.post('/aide', { ...LETTER, ...(await code(h)) }, { 'cf-connecting-ip': address });
  }
  async function rows() {
    return (await env.DB.prepare('SELECT COUNT(*) AS n FROM assistance_requests').first<{ n: number }>())!.n;
  }

  beforeEach(() => seedElection());

  it('counts the help form per IPv6 /64, not per address', async () => {
    const h = harness(T0);
    for (let i = 0; i < ASSISTANCE_LIMIT; i++) expect((await help(h, '2001:db8:1:2::1')).status).toBe(200);
    expect((await help(h, '2001:db8:1:2::1')).status).toBe(429);
    for (let i = 2; i < 12; i++) expect((await help(h, `2001:db8:1:2::${i}`)).status).toBe(429);
    expect(await rows()).toBe(ASSISTANCE_LIMIT);
  });

  it('and per /48 with a wider allowance', async () => {
    const h = harness(T0);
    const wide = ASSISTANCE_LIMIT * WIDE_FACTOR;
    for (let i = 0; i < wide; i++) {
      expect((await help(h, `2001:db8:5:${Math.floor(i / ASSISTANCE_LIMIT)}::1`)).status).toBe(200);
    }
    expect((await help(h, '2001:db8:5:ff::1')).status).toBe(429);
    expect(await rows()).toBe(wide);
    expect((await help(h, '2001:db8:6::1')).status).toBe(200);
  });
});
