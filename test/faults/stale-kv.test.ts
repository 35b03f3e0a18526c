// KV is eventually consistent: a read from another location may answer the value a key held
// before its last write. Whatever KV answers late, a used link is not used twice and an ended
// session does not open again — the voter's object decides both — and nothing answers a 500.
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { issueChallenge } from '../../src/platform/captcha/challenge';
import { DAY, DEMO, seedElection, seedVoter, text, type Harness } from '../helpers';
import { linkIn, outbox, pathOf } from '../renewal-helpers';
import { faultyWorld } from './faulty';

let START = 0;
beforeEach(async () => {
  START = Math.floor(Date.now() / 60_000) * 60_000;
  await seedElection(START - 2 * DAY, START + 4 * DAY);
  await seedVoter();
});

async function code(h: Harness) {
  const { id, challenge } = await issueChallenge(env.CAPTCHA_KEY, h.now, 'fr');
  return { captchaId: id, captcha: challenge.digits };
}

const IDENTIFIER = /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/;

describe('KV answering stale', () => {
  it('a used renewal link read stale renews nothing a second time', async () => {
    const w = faultyWorld(START);
    await w.h.post('/identifiant-perdu', { numic: DEMO.numic, email: DEMO.email, ...(await code(w.h)) });
    await w.flush();
    const path = pathOf(linkIn((await outbox(w.h)).at(-1)!));
    const page = await (await w.h.get(path)).text();
    const form = {
      ref: /name="ref" value="([^"]+)"/.exec(page)![1]!,
      token: /name="token" value="([^"]+)"/.exec(page)![1]!,
      password: DEMO.password,
    };
    const first = await w.h.post('/r', { ...form, ...(await code(w.h)) });
    expect(first.status).toBe(200);
    const shown = IDENTIFIER.exec(text(await first.text()))![0];
    // Another location still has the link as it was before it was used.
    w.faults.kv.set('stale');
    for (const res of [await w.h.get(path), await w.h.post('/r', { ...form, ...(await code(w.h)) })]) {
      expect(res.status).not.toBe(500);
      const again = IDENTIFIER.exec(text(await res.text()))?.[0];
      expect(again === undefined || again === shown, 'a second identifier from one link').toBe(true);
    }
    w.heal();
    const login = await w.h.post('/login', { identifier: shown, password: DEMO.password, ...(await code(w.h)) });
    expect(login.status).toBe(303);
  });

  it('an ended session read stale does not open again; a fresh one read stale asks to log in', async () => {
    const w = faultyWorld(START);
    const login = await w.h.post('/login', {
      identifier: DEMO.identifier,
      password: DEMO.password,
      ...(await code(w.h)),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    // Written a moment ago, not seen yet where the next request lands: log in again, no 500.
    w.faults.kv.set('stale');
    const unseen = await w.h.get('/espace', { cookie });
    expect(unseen.status).toBe(401);
    w.heal();
    expect((await w.h.get('/espace', { cookie })).status).toBe(200);
    expect((await w.h.post('/deconnexion', {}, { cookie })).status).toBe(200);
    // Deleted, but another location still holds it: the voter's object says it has ended.
    w.faults.kv.set('stale');
    const ended = await w.h.get('/espace', { cookie });
    expect(ended.status).toBe(401);
    const booth = await w.h.get('/vote', { cookie });
    expect(booth.status).toBe(303);
  });
});
