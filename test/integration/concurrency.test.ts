/**
 * The promises under concurrency, repeated (issue "Hardening", part 3): a renewal link redeemed
 * by 200 concurrent submits, round after round; concurrent replays of one security code; the
 * identifier and the password renewals racing for one voter; 500 concurrent bad logins on one
 * identifier; 200 concurrent casts by one voter; and the audit chain intact after all of it.
 *
 * `npm test` runs each race a few dozen times; `npm run test:soak` (SOAK_SCALE=20) twenty times
 * more. PBKDF2 is real but memoised per (password, hash) pair here: the races are decided in the
 * voter's object, after the password check, and 200 × 50 real checks would be minutes of CPU
 * that prove nothing more (test/integration/login.test.ts counts real checks).
 */
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { issueChallenge } from '../../src/platform/captcha/challenge';
import { generateIdentifier } from '../../src/platform/credentials';
import { hashPassword, verifyPassword, type PasswordHasher } from '../../src/platform/passwords';
import type { Services } from '../../src/platform/services';
import { verifyAuditTrail } from '../../src/platform/audit-chain';
import { durableHeadWitness } from '../../src/platform/audit-head';
import { storedEvents } from '../audit-helpers';
import { DAY, DEMO, harness, seedElection, seedVoter, text, type Harness } from '../helpers';
import { capturedQueues, linkIn, outbox, pathOf } from '../renewal-helpers';

const SCALE = inject('soakScale');
const LINK_ROUNDS = 50 * SCALE;
const RACE_ROUNDS = 10 * SCALE;
/** A race's time limit grows with its rounds (a link round is 3–4 s on a 2-core machine). */
const limit = (ms: number) => ms * SCALE;

/** Real PBKDF2, once per (password, stored hash): the races below are not about its cost. */
function memoHasher(): PasswordHasher & { checks: () => number } {
  const seen = new Map<string, Promise<boolean>>();
  let checks = 0;
  return {
    hash: hashPassword,
    verify: (password, stored) => {
      checks++;
      const key = `${password}\n${stored}`;
      if (!seen.has(key)) seen.set(key, verifyPassword(password, stored));
      return seen.get(key)!;
    },
    checks: () => checks,
  };
}

let START = 0;
const hasher = memoHasher();
/** Every test's queues: the audit events reach D1 when flushed, as the consumer would write them. */
const q = capturedQueues();
const withHasher = (s: Services): Services => ({ ...s, hasher });

/** `n` voters of their own, each with a fresh identifier and one shared password. */
async function seedVoters(n: number, prefix: number) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const v = {
      numic: String(prefix * 10_000 + i).padStart(8, '0'),
      email: `race${prefix}-${i}@example.org`,
      phone: `+3361${String(prefix * 10_000 + i).padStart(7, '0')}`,
      identifier: generateIdentifier(),
      password: DEMO.password,
    };
    await seedVoter(v);
    out.push(v);
  }
  return out;
}

/**
 * The i-th concurrent client's address in a round (i < 256): a round's own addresses, never
 * used in another round. The injected clock stands still, so an address reused round after
 * round would spend its allowance (300 per window) and be refused — under the soak's 1 000
 * rounds, at round 600 — which is the allowance working, not the race.
 */
const ip = (round: number, i: number) => `10.${(round >> 8) & 255}.${round & 255}.${i}`;
/** The address of a round's renewal request. */
const ASKER = 255;

async function codes(h: Harness, n: number) {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const { id, challenge } = await issueChallenge(env.CAPTCHA_KEY, h.now, 'fr');
      return { captchaId: id, captcha: challenge.digits };
    }),
  );
}

beforeEach(async () => {
  START = Math.floor(Date.now() / 60_000) * 60_000;
  await seedElection(START - 2 * DAY, START + 4 * DAY);
});

/** After all of it, the audit trail is unbroken: every chain links, every head witnessed. */
async function expectIntactTrail(atLeast: number) {
  await q.flush();
  const events = await storedEvents();
  expect(events.length).toBeGreaterThanOrEqual(atLeast);
  expect(await verifyAuditTrail(events, await durableHeadWitness(env.AUDIT_HEAD).heads())).toMatchObject({
    ok: true,
  });
}

/** So many answers of each status (and none other), in round `round`. */
function expectStatuses(statuses: readonly number[], counts: Record<number, number>, round: number) {
  const seen: Record<number, number> = {};
  for (const s of statuses) seen[s] = (seen[s] ?? 0) + 1;
  expect(seen, `round ${round}`).toEqual(counts);
}

describe('under concurrency', () => {
  it(
    `redeems one renewal link exactly once under 200 concurrent Valider, ${LINK_ROUNDS} times`,
    async () => {
      const h = harness(START, q.bindings, withHasher);
      const voters = await seedVoters(LINK_ROUNDS, 31);
      for (const [round, v] of voters.entries()) {
        const form = await (await h.get('/identifiant-perdu')).text();
        const asked = await h.post(
          '/identifiant-perdu',
          { numic: v.numic, email: v.email, ...(await h.code(form)) },
          { 'cf-connecting-ip': ip(round, ASKER) },
        );
        expect(asked.status).toBe(200);
        await q.flush();
        const mail = (await outbox(h)).findLast((m) => m.to === v.email)!;
        const page = await (await h.get(pathOf(linkIn(mail)))).text();
        const ref = /name="ref" value="([^"]+)"/.exec(page)![1]!;
        const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
        const responses = await Promise.all(
          (await codes(h, 200)).map((code, i) =>
            h.post('/r', { ref, token, password: v.password, ...code }, { 'cf-connecting-ip': ip(round, i) }),
          ),
        );
        const statuses = responses.map((r) => r.status);
        expectStatuses(statuses, { 200: 1, 410: 199 }, round);
        const generation = await env.DB.prepare('SELECT session_generation FROM voters WHERE numic = ?')
          .bind(v.numic)
          .first('session_generation');
        expect(generation, `round ${round}`).toBe(1);
      }
      await expectIntactTrail(LINK_ROUNDS);
    },
    limit(600_000),
  );

  it(
    `accepts one of 20 concurrent replays of one security code, ${RACE_ROUNDS} times`,
    async () => {
      const h = harness(START, q.bindings, withHasher);
      const [v] = await seedVoters(1, 32);
      for (let round = 0; round < RACE_ROUNDS; round++) {
        const html = await (await h.get('/')).text();
        const code = await h.code(html);
        const form = { identifier: v!.identifier, password: v!.password, ...code };
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => h.post('/login', form, { 'cf-connecting-ip': ip(round, i) })),
        );
        const statuses = results.map((r) => r.status);
        expectStatuses(statuses, { 303: 1, 400: 19 }, round);
      }
      await expectIntactTrail(RACE_ROUNDS);
    },
    limit(300_000),
  );

  it(
    `lets one of an identifier and a password renewal racing for one voter win, ${RACE_ROUNDS} times`,
    async () => {
      const h = harness(START, q.bindings, withHasher);
      const voters = await seedVoters(RACE_ROUNDS, 33);
      for (const [round, v] of voters.entries()) {
        const form = await (await h.get('/identifiant-perdu')).text();
        await h.post(
          '/identifiant-perdu',
          { numic: v.numic, email: v.email, ...(await h.code(form)) },
          { 'cf-connecting-ip': ip(round, ASKER) },
        );
        await q.flush();
        const mail = (await outbox(h)).findLast((m) => m.to === v.email)!;
        const page = await (await h.get(pathOf(linkIn(mail)))).text();
        const ref = /name="ref" value="([^"]+)"/.exec(page)![1]!;
        const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
        const [identifierCodes, passwordCodes] = [await codes(h, 10), await codes(h, 10)];
        const responses = await Promise.all([
          ...identifierCodes.map((code, i) =>
            h.post('/r', { ref, token, password: v.password, ...code }, { 'cf-connecting-ip': ip(round, i) }),
          ),
          ...passwordCodes.map((code, i) =>
            h.post(
              '/mot-de-passe-perdu',
              { identifier: v.identifier, numic: v.numic, ...code },
              { 'cf-connecting-ip': ip(round, 100 + i) },
            ),
          ),
        ]);
        const row = await env.DB.prepare(
          'SELECT identifier_renewed_at AS i, password_renewed_at AS p, session_generation AS g FROM voters WHERE numic = ?',
        )
          .bind(v.numic)
          .first<{ i: number | null; p: number | null; g: number }>();
        const bodies = await Promise.all(responses.map((r) => r.text()));
        const identifierWins = responses.slice(0, 10).filter((r) => r.status === 200).length;
        const passwordWins = bodies
          .slice(10)
          .filter((b) => text(b).includes('Un SMS vient de vous être envoyé.')).length;
        // The one-at-a-time rule: one credential renewed, never both; the identifier once (its
        // link is single use), the password as often as its allowance lets; each renewal ended
        // every session once.
        expect([row!.i !== null, row!.p !== null].filter(Boolean), `round ${round}`).toHaveLength(1);
        expect(
          row!.i !== null ? [identifierWins, passwordWins] : [0, passwordWins > 0 ? 1 : 0],
          `round ${round}`,
        ).toEqual(row!.i !== null ? [1, 0] : [0, 1]);
        expect(row!.g, `round ${round}`).toBe(identifierWins + passwordWins);
      }
      await expectIntactTrail(RACE_ROUNDS);
    },
    limit(300_000),
  );

  it('admits exactly the free password checks of 500 concurrent bad logins on one identifier, while another voter logs in', async () => {
    const counting = memoHasher();
    const h = harness(START, q.bindings, (s) => ({ ...s, hasher: counting }));
    const [target, other] = await seedVoters(2, 34);
    const bad = (await codes(h, 500)).map((code, i) =>
      h.post('/login', { identifier: target!.identifier, password: `wrong-${i}`, ...code }),
    );
    const [code] = await codes(h, 1);
    const good = h.post(
      '/login',
      { identifier: other!.identifier, password: other!.password, ...code! },
      { 'cf-connecting-ip': '192.0.2.200' },
    );
    const [results, admitted] = [await Promise.all(bad), await good];
    expect(admitted.status).toBe(303);
    // One check for the other voter, and the free failures of one network for the target.
    expect(counting.checks()).toBe(5 + 1);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s >= 500)).toHaveLength(0);
    await expectIntactTrail(6);
  }, 120_000);
});
