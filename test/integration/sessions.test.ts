// A session must end everywhere at once after a renewal or a logout — even where KV (a
// delete is eventual, ≈ 60 s elsewhere) or a D1 read replica has not caught up yet.
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { issueChallenge } from '../../src/platform/captcha/challenge';
import type { Services } from '../../src/platform/services';
import { DAY, DEMO, harness, seedElection, seedVoter, type Harness } from '../helpers';
import { capturedQueues } from '../renewal-helpers';

let START = 0;

async function code(h: Harness) {
  const { id, challenge } = await issueChallenge(env.CAPTCHA_KEY, h.now, 'fr');
  return { captchaId: id, captcha: challenge.digits };
}

async function logIn(h: Harness): Promise<string> {
  const res = await h.post('/login', { identifier: DEMO.identifier, password: DEMO.password, ...(await code(h)) });
  expect(res.status).toBe(303);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** A D1 replica that has not seen the renewal: the voter's row as it was at login. */
function laggingReplica(): (s: Services) => Services {
  let frozen: Awaited<ReturnType<Services['voters']['byId']>>;
  return (s) => ({
    ...s,
    voters: {
      ...s.voters,
      byId: async (id) => (frozen ??= await s.voters.byId(id)),
    },
  });
}

/** A KV whose deletes have not reached this location yet. */
function laggingKv(): Cloudflare.Env {
  const tokens = new Proxy(env.TOKENS, {
    get: (t, p) => (p === 'delete' ? async () => {} : (Reflect.get(t, p) as unknown as () => unknown).bind?.(t)),
  });
  return { ...env, TOKENS: tokens as KVNamespace };
}

describe('sessions end everywhere at once', () => {
  beforeEach(async () => {
    START = Math.floor(Date.now() / 60_000) * 60_000;
    await seedElection(START - 2 * DAY, START + 4 * DAY);
    await seedVoter();
  });

  it('after a password renewal, even where the replica still has the old session generation', async () => {
    const h = harness(START, capturedQueues().bindings, laggingReplica());
    const cookie = await logIn(h);
    expect((await h.get('/espace', { cookie })).status).toBe(200);
    h.now += 1000;
    const renewed = await h.post('/mot-de-passe-perdu', {
      identifier: DEMO.identifier,
      numic: DEMO.numic,
      ...(await code(h)),
    });
    expect(renewed.status).toBe(200);
    expect((await h.get('/espace', { cookie })).status).toBe(401);
  });

  it('after a logout, even where KV still has the session; and the logout is audited', async () => {
    const q = capturedQueues(laggingKv());
    const h = harness(START, q.bindings);
    const cookie = await logIn(h);
    expect((await h.get('/espace', { cookie })).status).toBe(200);
    expect((await h.post('/deconnexion', {}, { cookie })).status).toBe(200);
    expect((await h.get('/espace', { cookie })).status).toBe(401);
    const audited = q.sent
      .filter((m) => m.queue === 'AUDIT')
      .map((m) => (m.body as { record: { event: string } }).record);
    expect(audited.map((r) => r.event)).toContain('logout');
  });

  it('another session of the same voter survives a logout', async () => {
    const h = harness(START);
    const one = await logIn(h);
    const two = await logIn(h);
    await h.post('/deconnexion', {}, { cookie: one });
    expect((await h.get('/espace', { cookie: one })).status).toBe(401);
    expect((await h.get('/espace', { cookie: two })).status).toBe(200);
  });
});
