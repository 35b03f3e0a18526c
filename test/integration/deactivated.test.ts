import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { countingServices, expectSameWork } from '../counting';
import { DAY, DEMO, harness, seedElection, seedVoter, type Harness } from '../helpers';
import { capturedQueues, outbox } from '../renewal-helpers';

// A voter `roll import --replace` deactivated can no longer log in nor renew a credential,
// and every answer is the unknown voter's: the same bytes and the same work.
let START = 0;
const UNKNOWN = { numic: '00999999', identifier: 'ZZZZ-ZZZZ-ZZZZ', email: 'nobody@example.org' };

async function deactivate(numic = DEMO.numic, at = START) {
  await env.DB.prepare('UPDATE voters SET deactivated_at = ? WHERE numic = ?').bind(at, numic).run();
}

async function codeOf(h: Harness, path: string) {
  return h.code(await (await h.get(path)).text());
}

function setup() {
  const q = capturedQueues();
  const counting = countingServices();
  const h = harness(START, q.bindings, counting.decorate);
  /** A form sent with a fresh code; what the voter gets back and the work it took. */
  const send = async (path: string, form: Record<string, string>) => {
    const code = await codeOf(h, path === '/login' ? '/' : path);
    counting.log.reset();
    const res = await h.post(path, { ...form, ...code });
    // What differs by construction: the fresh code, and what the voter typed, echoed back.
    const typed = Object.values(form).map((v) => `value="${v}"`);
    let body = (await res.text()).replace(/name="captchaId" value="[^"]+"/g, '').replace(/\/captcha\/[^"]+"/g, '');
    for (const v of typed) body = body.replaceAll(v, 'value="…"');
    const headers = [...res.headers].filter(([k]) => k !== 'set-cookie' || !/__Host-d1/.test(k));
    return { status: res.status, headers, body, work: [...counting.log.calls] };
  };
  return { q, h, send };
}

describe('a deactivated voter is an unknown voter', () => {
  beforeEach(async () => {
    START = Math.floor(Date.now() / 60_000) * 60_000;
    await seedElection(START - 2 * DAY, START + 4 * DAY);
    await seedVoter();
    await seedVoter({
      numic: '00111111',
      email: 'troisieme@example.org',
      identifier: 'WXYZ-2345-6789',
      password: 'Vote-2022-Ter',
      phone: '+33600000003',
    });
  });

  it('at login: the same refusal and work as an unknown identifier, even with the right password', async () => {
    const { send } = setup();
    await send('/login', { identifier: 'WXYZ-2345-6789', password: 'warm-up' }); // warms the isolate
    const active = await send('/login', { identifier: DEMO.identifier, password: DEMO.password });
    expect(active.status).toBe(303); // the promise is worth testing: the same request logs in
    await deactivate();
    const deactivated = await send('/login', { identifier: DEMO.identifier, password: DEMO.password });
    const unknown = await send('/login', { identifier: UNKNOWN.identifier, password: DEMO.password });
    expect(deactivated.status).toBe(401);
    expect({ ...deactivated, work: [] }).toEqual({ ...unknown, work: [] });
    expectSameWork(deactivated.work, unknown.work);
    expect(deactivated.work).toContain('hasher.verify');
  });

  it('ends a session opened before the deactivation', async () => {
    const { h } = setup();
    const code = await codeOf(h, '/');
    const res = await h.post('/login', { identifier: DEMO.identifier, password: DEMO.password, ...code });
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect((await h.get('/espace', { cookie })).status).toBe(200);
    await deactivate();
    expect((await h.get('/espace', { cookie })).status).not.toBe(200);
  });

  it('renewing the identifier: the unknown NUMIC’s answer and work, and no e-mail', async () => {
    const { q, h, send } = setup();
    await send('/identifiant-perdu', { numic: '00111111', email: 'warm@example.org' });
    await deactivate();
    const deactivated = await send('/identifiant-perdu', { numic: DEMO.numic, email: DEMO.email });
    const unknown = await send('/identifiant-perdu', { numic: UNKNOWN.numic, email: DEMO.email });
    expect(deactivated.status).toBe(200);
    expect({ ...deactivated, work: [] }).toEqual({ ...unknown, work: [] });
    expectSameWork(deactivated.work, unknown.work);
    await q.flush();
    expect((await outbox(h)).filter((m) => m.to === DEMO.email)).toEqual([]);
  });

  it('renewing the password: the unknown identifier’s answer and work, and no SMS', async () => {
    const { q, h, send } = setup();
    await send('/mot-de-passe-perdu', { identifier: 'WXYZ-2345-6789', numic: '00111111' });
    await deactivate();
    const deactivated = await send('/mot-de-passe-perdu', { identifier: DEMO.identifier, numic: DEMO.numic });
    const unknown = await send('/mot-de-passe-perdu', { identifier: UNKNOWN.identifier, numic: DEMO.numic });
    expect(deactivated.status).toBe(200);
    expect({ ...deactivated, work: [] }).toEqual({ ...unknown, work: [] });
    expectSameWork(deactivated.work, unknown.work);
    await q.flush();
    expect((await outbox(h)).filter((m) => m.to === DEMO.phone)).toEqual([]);
  });
});
