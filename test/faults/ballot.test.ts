// The ballot with each binding failing: the booth, the cast, /verifier and /resultats answer
// a translated 503 with Retry-After (JSON for the cast), or their success; a cast that was
// answered "cast" ends complete once the bindings are back — the box, the voter's émargement,
// the tracker /verifier finds, the receipt and the notice sent, the `vote.cast` event — and a
// cast answered 503 leaves no émargement pending for ever (the object's alarm settles it).
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encryptBallot, generateTrusteeKey, trusteePublicKeyJson } from '../../src/ballot';
import { loggedInVoter } from '../ballot-helpers';
import { hmacHex } from '../../src/platform/crypto';
import { voterObject } from '../access-state';
import { DAY, DEMO, ORIGIN, T0, harness, seedElection, seedVoter, text } from '../helpers';
import { local, operatorApi } from '../operator-helpers';
import { outbox, runScheduled } from '../renewal-helpers';
import { expectUnavailable, faultyWorld, hangThen, type FaultMode, type FaultyWorld } from './faulty';

let pubkeys: string[];
beforeAll(async () => {
  pubkeys = [
    trusteePublicKeyJson((await generateTrusteeKey()).publicKey),
    trusteePublicKeyJson((await generateTrusteeKey()).publicKey),
  ];
});

const box = () => env.BALLOT_BOX.get(env.BALLOT_BOX.idFromName('box:1'));
const bindings = () => ({ ...env, ...local }) as Cloudflare.Env;

beforeEach(async () => {
  await seedElection(T0 - DAY, T0 + 4 * DAY);
  await seedVoter({ constituency: '1' });
  const call = operatorApi(bindings());
  await call('/election/contests', {
    contests: [{ constituency: '1', question: 'Q', answers: ['Candidat A', 'Candidat B'], blank: true }],
  });
  await call('/ballot/setup', { trustees: pubkeys });
  await call('/ballot/credentials', { constituency: '1', after: 0 });
  expect((await call('/ballot/freeze', { constituency: '1' })).status).toBe(200);
});

/** The demo voter logged in (bindings healthy) in a faulty world, and a ballot of theirs. */
async function loggedIn() {
  const w = faultyWorld(T0, bindings());
  const { cookie, election, fingerprint, credential } = await loggedInVoter(w.h);
  const ballot = await encryptBallot(election, fingerprint, credential, 1);
  const cast = (h = w.h) =>
    h.fetch('/vote/bulletin', {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json', cookie },
      body: JSON.stringify({ ballot: ballot.json }),
    });
  await w.flush();
  return { w, cookie, ballot, cast };
}

const numicHmac = () => hmacHex(env.NUMIC_HMAC_KEY, DEMO.numic);

/** Fires the voter's object's alarm now, as the runtime would once the settle delay is past. */
async function settleAlarm() {
  const voter = voterObject(await numicHmac());
  await runInDurableObject(voter, (_o, state) => state.storage.sql.exec(`UPDATE alarms SET due = 0`));
  await runDurableObjectAlarm(voter);
}

/** Everything a cast answered "cast" promised, once the bindings are back and the relay ran. */
async function expectComplete(w: FaultyWorld, tracker: string) {
  await runScheduled(w.bindings, '* * * * *', w.h.now + 60_000);
  await w.flush();
  expect(await box().has(tracker)).not.toBeNull();
  expect((await voterObject(await numicHmac()).castState(w.h.now)).state).toBe('voted');
  const found = await harness(w.h.now, env).post('/verifier', { tracker });
  expect(text(await found.text()), '/verifier finds the ballot').toContain('Ce bulletin est présent dans l’urne.');
  const sent = await outbox(w.h);
  expect(sent.find((m) => m.channel === 'email' && m.text.split('\n').includes(tracker))).toBeDefined();
  expect(sent.find((m) => m.channel === 'sms' && m.to === DEMO.phone)).toBeDefined();
  const events = await env.DB.prepare(`SELECT COUNT(*) AS n FROM audit_events WHERE event = 'vote.cast'`).first<{
    n: number;
  }>();
  expect(events!.n, 'the vote.cast event').toBe(1);
}

type Binding = 'd1' | 'kv' | 'access' | 'box' | 'delivery' | 'audit';
const BINDINGS: Binding[] = ['d1', 'kv', 'access', 'box', 'delivery', 'audit'];
const MODES: FaultMode[] = ['throws', 'hangs'];
/** D1's reads answer and its writes fail: the box takes the ballot, D1 cannot record it. */
const WRITES = 'writes';

describe('casting (POST /vote/bulletin) with a binding failing', () => {
  for (const binding of BINDINGS) {
    for (const mode of binding === 'd1' ? [...MODES, WRITES] : MODES) {
      it(`${binding} ${mode}`, async () => {
        const v = await loggedIn();
        const fault = v.w.faults[binding];
        if (mode === WRITES) fault.set('throws', (op) => op.write);
        else fault.set(mode as FaultMode);
        const res = await hangThen(fault, () => v.cast());
        v.w.heal();
        expect(res.status).not.toBe(500);
        const body = (await res.json()) as { status?: string; error?: string; message?: string };
        if (res.status === 503) {
          expectUnavailable(res);
          expect(body.error).toBe('unavailable');
          expect(body.message).toMatch(/indisponible|ne répond pas/);
          // No émargement left pending: the alarm settles it with the box.
          await settleAlarm();
          expect((await voterObject(await numicHmac()).castState(v.w.h.now)).state).not.toBe('pending');
          // The voter tries again once the bindings are back: the same ballot goes through.
          const again = await v.cast();
          expect([200]).toContain(again.status);
          expect(((await again.json()) as { tracker: string }).tracker).toBe(v.ballot.tracker);
        } else {
          expect(res.status).toBe(200);
          expect(body.status).toBe('cast');
          // The booth goes to its receipt page, as booth.js does.
          expect((await v.w.h.get('/vote', { cookie: v.cookie })).status).toBe(200);
        }
        await expectComplete(v.w, v.ballot.tracker);
      });
    }
  }
});

describe('the booth, /verifier and /resultats with a binding failing', () => {
  for (const binding of BINDINGS) {
    it(`the booth (GET /vote) — ${binding} throws`, async () => {
      const v = await loggedIn();
      v.w.faults[binding].set('throws');
      const res = await v.w.h.get('/vote', { cookie: v.cookie });
      v.w.heal();
      expect(res.status).not.toBe(500);
      if (res.status === 503) expectUnavailable(res);
      else expect(res.status).toBe(200);
      expect((await voterObject(await numicHmac()).castState(v.w.h.now)).state).toBe('none');
    });
  }

  for (const binding of ['d1', 'box'] as const) {
    for (const path of ['/verifier', '/resultats'] as const) {
      it(`${path} — ${binding} throws`, async () => {
        const v = await loggedIn();
        expect((await v.cast()).status).toBe(200);
        v.w.faults[binding].set('throws');
        const res =
          path === '/verifier'
            ? await v.w.h.post('/verifier', { tracker: v.ballot.tracker })
            : await v.w.h.get('/resultats');
        v.w.heal();
        const page = text(await res.text());
        expect(res.status, page.slice(0, 300)).not.toBe(500);
        if (res.status === 503) expectUnavailable(res);
        // Never the false answer that the ballot is not in the box.
        expect(page).not.toContain('Aucun bulletin de l’urne ne correspond à ce code.');
      });
    }
  }
});
