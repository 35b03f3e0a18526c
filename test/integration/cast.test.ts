/**
 * Casting through the Worker (`POST /vote/bulletin`): a verified ballot goes into the box and
 * the émargement together; once only (sequentially and 200 at once); refused unverified, signed
 * with another credential, without a session, from another origin, when the box says closed, for
 * a deactivated voter; the receipt and the cast notice in the outbox; the tracker indexed.
 */
import { verifyAuditTrail } from '../../src/platform/audit-chain';
import { durableHeadWitness } from '../../src/platform/audit-head';
import { storedEvents } from '../audit-helpers';
import { env } from 'cloudflare:test';
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { encryptBallot, generatePrivateCredential, generateTrusteeKey, trusteePublicKeyJson } from '../../src/ballot';
import { loggedInVoter } from '../ballot-helpers';
import { DAY, DEMO, ORIGIN, T0, harness, seedElection, seedVoter, text } from '../helpers';
import { local, operatorApi } from '../operator-helpers';
import { capturedQueues } from '../renewal-helpers';
import { voterObject } from '../access-state';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import type { Services } from '../../src/platform/services';

let pubkeys: string[];
beforeAll(async () => {
  pubkeys = [
    trusteePublicKeyJson((await generateTrusteeKey()).publicKey),
    trusteePublicKeyJson((await generateTrusteeKey()).publicKey),
  ];
});

const CAST_ROUNDS = 5 * inject('soakScale');

let queues: ReturnType<typeof capturedQueues>;
const box = () => env.BALLOT_BOX.get(env.BALLOT_BOX.idFromName('box:1'));

beforeEach(async () => {
  queues = capturedQueues({ ...env, ...local } as Cloudflare.Env);
  await seedElection(T0 - DAY, T0 + 4 * DAY);
  await seedVoter({ constituency: '1' });
  const call = operatorApi(queues.bindings);
  await call('/election/contests', {
    contests: [{ constituency: '1', question: 'Q', answers: ['Candidat A', 'Candidat B', 'Candidat C'], blank: true }],
  });
  await call('/ballot/setup', { trustees: pubkeys });
  await call('/ballot/credentials', { constituency: '1', after: 0 });
  expect((await call('/ballot/freeze', { constituency: '1' })).status).toBe(200);
});

/** The demo voter logged in, and what their booth holds: the election and their credential. */
async function booth(decorate?: (s: Services) => Services) {
  const h = harness(T0, queues.bindings, decorate);
  const { cookie, election, fingerprint, credential, voterId } = await loggedInVoter(h);
  const ballot = (choice: number | 'blank', cred = credential) => encryptBallot(election, fingerprint!, cred, choice);
  const cast = (json: string, headers: Record<string, string> = {}) =>
    h.fetch('/vote/bulletin', {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json', cookie, ...headers },
      body: JSON.stringify({ ballot: json }),
    });
  return { h, ballot, cast, cookie, voterId };
}

const numicHmac = async () =>
  (await env.DB.prepare(`SELECT numic_hmac FROM audit_events WHERE event = 'login' LIMIT 1`).first<{
    numic_hmac: string;
  }>())!.numic_hmac;

describe('casting a ballot', () => {
  it('puts a verified ballot in the box with the émargement, wipes the credential, sends the receipt and the notice', async () => {
    const b = await booth();
    const ballot = await b.ballot(1);
    const res = await b.cast(ballot.json);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { status: string; tracker: string; at: number };
    expect(answer).toMatchObject({ status: 'cast', tracker: ballot.tracker, at: T0 });
    expect(ballot.tracker).toMatch(/^[A-Za-z0-9+/]{43}$/);
    expect(await box().has(ballot.tracker)).toEqual({ at: T0 });
    expect(await env.DB.prepare('SELECT sealed, voted_at FROM ballot_credentials').first()).toEqual({
      sealed: null,
      voted_at: T0,
    });
    expect(
      await env.DB.prepare('SELECT constituency FROM trackers WHERE tracker = ?').bind(ballot.tracker).first(),
    ).toEqual({
      constituency: '1',
    });
    const sent = queues
      .deliveries()
      .map((d) => d.body.message as { channel: string; to: string; text: string; subject?: string });
    const receipt = sent.find((m) => m.channel === 'email' && m.to === DEMO.email);
    expect(receipt?.subject).toMatch(/^Votre bulletin est dans l’urne — /);
    expect(receipt?.text.split('\n')).toContain(ballot.tracker);
    expect(sent.find((m) => m.channel === 'sms' && m.to === DEMO.phone)?.text).toContain('Si ce n’est pas vous');
    await queues.flush();
    const hmac = await numicHmac();
    expect((await voterObject(hmac).castState(T0)).state).toBe('voted');
  });

  it('answers after one round trip to the voter’s object and one to the box; the émargement is confirmed after the answer, or by the alarm', async () => {
    // The voter's object and box calls in order, and the confirmation held back until released.
    const calls: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const decorate = (s: Services): Services => ({
      ...s,
      guards: {
        ...s.guards,
        forVoter: (hmac, purpose) => {
          const g = s.guards.forVoter(hmac, purpose);
          return new Proxy(g, {
            get: (t, p) =>
              p === 'finishCast'
                ? () => (calls.push('voter.finishCast'), released.then(() => undefined))
                : typeof t[p as keyof typeof t] === 'function'
                  ? (...a: unknown[]) => (
                      calls.push(`voter.${String(p)}`),
                      (t[p as keyof typeof t] as (...x: unknown[]) => unknown)(...a)
                    )
                  : t[p as keyof typeof t],
          });
        },
      },
      boxes: {
        forConstituency: (c) => {
          const stub = s.boxes.forConstituency(c);
          return new Proxy(stub, {
            get: (t, p) =>
              p === 'cast'
                ? (calls.push('box.cast'), (json: string, at: number) => t.cast(json, at))
                : Reflect.get(t, p),
          });
        },
      },
    });
    const b = await booth(decorate);
    const ballot = await b.ballot(0);
    calls.length = 0;
    const { res, settled } = await b.h.answer('/vote/bulletin', {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json', cookie: b.cookie },
      body: JSON.stringify({ ballot: ballot.json }),
    });
    // The answer came while the confirmation is still held back: it did not wait for it.
    expect(await res.json()).toMatchObject({ status: 'cast', tracker: ballot.tracker });
    expect(calls).toEqual(['voter.beginCast', 'box.cast', 'voter.finishCast']);
    release();
    await settled;
    // The confirmation was lost (the gate resolved without calling the object): the alarm settles it.
    await queues.flush();
    const voter = voterObject(await numicHmac());
    expect((await voter.castState(T0)).state).toBe('pending');
    await runInDurableObject(voter, (_o, state) =>
      state.storage.sql.exec(`UPDATE alarms SET due = 0 WHERE kind = 'settle'`),
    );
    await runDurableObjectAlarm(voter);
    expect(await voter.castState(T0)).toEqual({ state: 'voted', tracker: ballot.tracker, at: T0 });
  });

  it('refuses a cast whose session has ended in the voter’s object though KV still has it (its lag), and begins nothing', async () => {
    const b = await booth();
    await queues.flush();
    const voter = voterObject(await numicHmac());
    const id = b.cookie.slice(b.cookie.indexOf('=') + 1);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(id)));
    const hash = [...digest].map((x) => x.toString(16).padStart(2, '0')).join('');
    await voter.endSession(hash, T0 + DAY, T0);
    const res = await b.cast((await b.ballot(0)).json);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'session' });
    expect(await voter.castState(T0)).toEqual({ state: 'none' });
    expect((await box().info()).ballots).toBe(0);
  });

  it('takes one ballot per voter: the same again and another one answer "voted" with the first tracker', async () => {
    const b = await booth();
    const first = await b.ballot(0);
    await b.cast(first.json);
    for (const again of [first, await b.ballot(2)]) {
      const res = await b.cast(again.json);
      expect(await res.json()).toMatchObject({ status: 'voted', tracker: first.tracker });
    }
    expect((await box().info()).ballots).toBe(1);
    expect(queues.deliveries()).toHaveLength(2);
  });

  // Five times in `npm test`, a hundred under `npm run test:soak` (SOAK_SCALE=20): each round a
  // fresh box and voter (beforeEach).
  it.for(Array.from({ length: CAST_ROUNDS }, (_, i) => i))(
    'of 200 concurrent casts of different ballots, takes exactly one ballot and one émargement (round %i)',
    async () => {
      const b = await booth();
      const ballots = await Promise.all(Array.from({ length: 10 }, (_, i) => b.ballot(i % 3)));
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => b.cast(ballots[i % 10]!.json)));
      const bodies = (await Promise.all(answers.map((r) => r.json()))) as {
        status?: string;
        error?: string;
        tracker?: string;
      }[];
      const cast = bodies.filter((x) => x.status === 'cast');
      expect((await box().info()).ballots).toBe(1);
      expect(cast.length).toBeGreaterThanOrEqual(1);
      expect(new Set(cast.map((x) => x.tracker)).size).toBe(1);
      for (const x of bodies) expect(['cast', 'voted', undefined]).toContain(x.status);
      for (const x of bodies.filter((y) => y.error)) expect(['pending', 'throttled']).toContain(x.error);
      expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM trackers').first()).toEqual({ n: 1 });
      // One émargement, for that ballot, and the audit trail unbroken after the race.
      await queues.flush();
      expect(await voterObject(await numicHmac()).castState(T0)).toMatchObject({
        state: 'voted',
        tracker: cast[0]!.tracker,
      });
      expect(
        await env.DB.prepare('SELECT COUNT(*) AS n FROM ballot_credentials WHERE voted_at IS NOT NULL').first(),
      ).toEqual({ n: 1 });
      expect(
        await verifyAuditTrail(await storedEvents(), await durableHeadWitness(env.AUDIT_HEAD).heads()),
      ).toMatchObject({ ok: true });
    },
  );

  it('refuses a tampered ballot, one signed with another credential, no session and another origin', async () => {
    const b = await booth();
    const good = await b.ballot(0);
    const tampered = good.json.replace(/"challenge":"(\d)/, (_, d: string) => `"challenge":"${(Number(d) + 1) % 10}`);
    expect((await b.cast(tampered)).status).toBe(400);
    const stranger = await b.ballot(0, generatePrivateCredential());
    const res = await b.cast(stranger.json);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'not_yours' });
    expect((await b.cast(good.json, { cookie: '' })).status).toBe(401);
    expect((await b.cast(good.json, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await box().info()).ballots).toBe(0);
  });

  it('lets the box decide the window: refused when the box is closed, and the voter may still vote later', async () => {
    const b = await booth();
    await box().setWindow(T0 - DAY, T0 - 1);
    const res = await b.cast((await b.ballot(1)).json);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: 'closed' });
    await box().setWindow(T0 - DAY, T0 + DAY);
    expect(await (await b.cast((await b.ballot(1)).json)).json()).toMatchObject({ status: 'cast' });
  });

  it('refuses a deactivated voter (the session ends)', async () => {
    const b = await booth();
    await env.DB.prepare('UPDATE voters SET deactivated_at = ?').bind(T0).run();
    expect((await b.cast((await b.ballot(0)).json)).status).toBe(401);
    expect((await box().info()).ballots).toBe(0);
  });

  it('is found on /verifier by its tracker; another code is not; a malformed one is refused; checks are throttled', async () => {
    const b = await booth();
    const ballot = await b.ballot('blank');
    await b.cast(ballot.json);
    const check = (tracker: string) => b.h.post('/verifier', { tracker });
    const found = await check(ballot.tracker);
    expect(found.status).toBe(200);
    expect(text(await found.text())).toContain('Ce bulletin est présent dans l’urne.');
    const other = ballot.tracker.startsWith('A') ? `B${ballot.tracker.slice(1)}` : `A${ballot.tracker.slice(1)}`;
    expect(text(await (await check(other)).text())).toContain('Aucun bulletin de l’urne ne correspond à ce code.');
    expect((await check('not a tracker')).status).toBe(400);
    // The public counts: one ballot in box 1, one voter signed off.
    const counts = text(await (await b.h.get('/verifier')).text());
    expect(counts).toContain('Bulletins dans l’urne Électeurs émargés 1 1 1');
    let last = 200;
    for (let i = 0; i < 30 && last !== 429; i++) last = (await check(other)).status;
    expect(last).toBe(429);
  });

  it('serves the booth (answers in order, blank, no-script text, the script with its SRI hash, published on /verifier), then the receipt', async () => {
    const b = await booth();
    const page = await b.h.get('/vote', { cookie: b.cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    const labels = [...html.matchAll(/<label for="choice-[^"]+">([^<]+)<\/label>/g)].map((m) => m[1]);
    expect(labels).toEqual(['Candidat A', 'Candidat B', 'Candidat C', 'Vote blanc']);
    expect(text(html)).toContain('cela demande JavaScript');
    const integrity = /src="\/js\/booth.js" integrity="(sha384-[A-Za-z0-9+/=]+)"/.exec(html)?.[1];
    expect(integrity).toBeDefined();
    const served = new Uint8Array(await (await env.ASSETS.fetch('https://assets.local/js/booth.js')).arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-384', served));
    expect(integrity).toBe(`sha384-${btoa(String.fromCharCode(...digest))}`);
    expect(text(await (await b.h.get('/verifier')).text())).toContain(integrity!);
    expect(html).not.toContain('&quot;electionJson');
    const ballot = await b.ballot(2);
    await b.cast(ballot.json);
    const receipt = await (await b.h.get('/vote', { cookie: b.cookie })).text();
    expect(text(receipt)).toContain(ballot.tracker);
    expect(receipt).not.toContain('id="booth"');
    expect((await b.h.get('/vote')).status).toBe(303);
  });
});
