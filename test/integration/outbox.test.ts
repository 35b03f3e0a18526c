// The transactional outbox: once a page says a message was sent, it is delivered even if the
// queue or the Worker fails right after; a D1 that committed but reported a failure leaves no
// credential unshown; a failing queue answers the same whether or not a voter matched.
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { issueChallenge } from '../../src/platform/captcha/challenge';
import { convocationMessages } from '../../src/platform/convocation';
import { database } from '../../src/platform/database';
import { insertRows, outboxRow, RELAY_BATCH, relayPending, sendBatches } from '../../src/platform/delivery/outbox';
import { CONFIRM_WITHIN_MS } from '../../src/platform/guard/renewal';
import { DAY, DEMO, harness, ORIGIN, seedElection, seedVoter, T0, text, type Harness } from '../helpers';
import { capturedQueues, outbox, runScheduled } from '../renewal-helpers';

let START = 0;

async function code(h: Harness) {
  const { id, challenge } = await issueChallenge(env.CAPTCHA_KEY, h.now, 'fr');
  return { captchaId: id, captcha: challenge.digits };
}

async function login(h: Harness, password: string) {
  return h.post('/login', { identifier: DEMO.identifier, password, ...(await code(h)) });
}

function renewPassword(h: Harness) {
  return code(h).then((c) => h.post('/mot-de-passe-perdu', { identifier: DEMO.identifier, numic: DEMO.numic, ...c }));
}

/** The DELIVERY and AUDIT queues down: every send throws. */
function queuesDown(base: Cloudflare.Env = env): Cloudflare.Env {
  const down = {
    send: async () => Promise.reject(new Error('queue unavailable')),
    sendBatch: async () => Promise.reject(new Error('queue unavailable')),
  } as unknown as Queue;
  return { ...base, DELIVERY: down, AUDIT: down };
}

/** A D1 that commits every batch and then reports a failure. */
function committingButFailing(base: Cloudflare.Env = env): Cloudflare.Env {
  const handler: ProxyHandler<D1Database> = {
    get(t, p) {
      if (p === 'batch')
        return async (statements: D1PreparedStatement[]) => {
          await t.batch(statements);
          throw new Error('D1_ERROR: network connection lost');
        };
      if (p === 'withSession') return (c?: string) => new Proxy(t.withSession(c) as unknown as D1Database, handler);
      const v = Reflect.get(t, p) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  };
  return { ...base, DB: new Proxy(base.DB, handler) };
}

/** A D1 whose every batch fails (nothing committed). */
function d1Down(base: Cloudflare.Env = env): Cloudflare.Env {
  const handler: ProxyHandler<D1Database> = {
    get(t, p) {
      if (p === 'batch') return async () => Promise.reject(new Error('D1_ERROR: unavailable'));
      if (p === 'withSession') return (c?: string) => new Proxy(t.withSession(c) as unknown as D1Database, handler);
      const v = Reflect.get(t, p) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  };
  return { ...base, DB: new Proxy(base.DB, handler) };
}

/** Voters' objects whose `methods` fail (the object unreachable for those calls). */
function objectFailing(methods: string[], base: Cloudflare.Env = env): Cloudflare.Env {
  const ns = base.ACCESS_STATE;
  const wrapped = {
    idFromName: (n: string) => ns.idFromName(n),
    get: (id: DurableObjectId) => {
      const stub = ns.get(id);
      return new Proxy(stub, {
        get(t, p) {
          if (methods.includes(String(p))) return async () => Promise.reject(new Error('object unreachable'));
          // Called as a method: an RPC stub's methods have no usable bind or apply.
          return (...args: unknown[]) =>
            (t as unknown as Record<string, (...a: unknown[]) => unknown>)[String(p)]!(...args);
        },
      });
    },
  };
  return { ...base, ACCESS_STATE: wrapped as unknown as Cloudflare.Env['ACCESS_STATE'] };
}

async function askLink(h: Harness, q: ReturnType<typeof capturedQueues>) {
  const form = await (await h.get('/identifiant-perdu')).text();
  await h.post('/identifiant-perdu', { numic: DEMO.numic, email: DEMO.email, ...(await h.code(form)) });
  await q.flush();
  const mail = (await outbox(h)).filter((m) => m.channel === 'email').at(-1)!;
  return new URL(mail.text.split('\n').find((l) => l.includes('/r/'))!).pathname;
}

async function valider(h: Harness, path: string, password = DEMO.password) {
  const page = await (await h.get(path)).text();
  const ref = /name="ref" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const token = /name="token" value="([^"]+)"/.exec(page)?.[1] ?? '';
  return h.post('/r', { ref, token, password, ...(await code(h)) });
}

const runRelay = (bindings: Cloudflare.Env, at: number) => runScheduled(bindings, '* * * * *', at);

async function outboxRows() {
  return (
    await env.DB.prepare('SELECT id, body, done_at FROM outbox').all<{ body: string | null; done_at: number | null }>()
  ).results;
}

/** The new password of the last SMS delivered: alone on its line. */
function passwordIn(sms: { text: string }): string {
  return sms.text.split('\n').find((l) => /^[a-z2-9]{12}$/.test(l))!;
}

describe('the transactional outbox', () => {
  beforeEach(async () => {
    START = Math.floor(Date.now() / 60_000) * 60_000;
    await seedElection(START - 2 * DAY, START + 4 * DAY);
    await seedVoter();
  });

  it('delivers the new password after the queue failed right after the change: the scheduled relay hands it over', async () => {
    const h = harness(START, queuesDown());
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await renewPassword(h);
    errors.mockRestore();
    expect(res.status).toBe(200);
    expect(text(await res.text())).toContain('Un SMS');
    // The old password is dead, and the new one is in the outbox, sealed.
    expect((await login(harness(START), DEMO.password)).status).toBe(401);
    const pending = (await outboxRows()).filter((r) => r.done_at === null);
    expect(pending).toHaveLength(2);
    for (const r of pending) expect(r.body).not.toMatch(/"secret"/);
    // The queue is back: the next scheduled run hands the messages over.
    const q = capturedQueues();
    await runRelay(q.bindings, START + 60_000);
    await q.flush();
    const sms = (await outbox(h)).find((m) => m.channel === 'sms')!;
    expect(sms.to).toBe(DEMO.phone);
    expect((await login(harness(START + 60_000), passwordIn(sms))).status).toBe(303);
    // Settled: the sealed parts are wiped from D1.
    for (const r of await outboxRows()) {
      expect(r.done_at).not.toBeNull();
      expect(r.body).toBeNull();
    }
  });

  it('stands by a renewal that D1 committed but reported as failed: the page says sent, and the SMS goes', async () => {
    const q = capturedQueues(committingButFailing());
    const h = harness(START, q.bindings);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await renewPassword(h);
    errors.mockRestore();
    expect(res.status).toBe(200);
    await q.flush();
    const sms = (await outbox(h)).find((m) => m.channel === 'sms')!;
    expect((await login(harness(START), passwordIn(sms))).status).toBe(303);
  });

  it('shows the new identifier that D1 committed but reported as failed', async () => {
    const q = capturedQueues();
    const h = harness(START, q.bindings);
    const form = await (await h.get('/identifiant-perdu')).text();
    await h.post('/identifiant-perdu', { numic: DEMO.numic, email: DEMO.email, ...(await h.code(form)) });
    await q.flush();
    const link = (await outbox(h))[0]!.text.split('\n').find((l) => l.includes('/r/'))!;
    const broken = harness(START, committingButFailing(q.bindings));
    const page = await (await broken.get(new URL(link).pathname)).text();
    const ref = /name="ref" value="([^"]+)"/.exec(page)![1]!;
    const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await broken.post('/r', { ref, token, password: DEMO.password, ...(await code(broken)) });
    errors.mockRestore();
    expect(res.status).toBe(200);
    const identifier = /id="new-identifier"[^>]*>([A-Z0-9-]+)</.exec(await res.text())![1]!;
    const logged = await harness(START).post('/login', {
      identifier,
      password: DEMO.password,
      ...(await code(h)),
    });
    expect(logged.status).toBe(303);
  });

  it('answers an identifier request the same, status and bytes, whether or not it matches, with the queue down', async () => {
    const h = harness(START, queuesDown());
    const answers = [];
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const [numic, email] of [
      [DEMO.numic, DEMO.email],
      ['00999999', DEMO.email],
      [DEMO.numic, 'someone@example.org'],
    ] as const) {
      const form = await (await h.get('/identifiant-perdu')).text();
      const res = await h.post('/identifiant-perdu', { numic, email, ...(await h.code(form)) });
      answers.push({ status: res.status, body: await res.text() });
    }
    errors.mockRestore();
    expect(answers[0]!.status).toBe(200);
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
    // The matching request's e-mail is not lost: it waits in the outbox for the relay.
    const q = capturedQueues();
    await runRelay(q.bindings, START + 60_000);
    await q.flush();
    expect((await outbox(h)).map((m) => m.to)).toEqual([DEMO.email]);
  });

  it('answers a password request the same whether or not it matches, with the queue down', async () => {
    const h = harness(START, queuesDown());
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const answers = [];
    for (const [identifier, numic] of [
      [DEMO.identifier, DEMO.numic],
      ['ZZZZ-ZZZZ-ZZZZ', DEMO.numic],
    ] as const) {
      const res = await h.post('/mot-de-passe-perdu', { identifier, numic, ...(await code(h)) });
      answers.push({ status: res.status, body: await res.text() });
    }
    errors.mockRestore();
    expect(answers[0]!.status).toBe(200);
    expect(answers[1]).toEqual(answers[0]);
  });
});

describe('a fault at each step of a renewal, and what the voter can do after it', () => {
  beforeEach(async () => {
    START = Math.floor(Date.now() / 60_000) * 60_000;
    await seedElection(START - 2 * DAY, START + 4 * DAY);
    await seedVoter();
  });
  const quiet = () => vi.spyOn(console, 'error').mockImplementation(() => {});

  it('password — the object down before deciding: 503, the old password works, the voter asks again later', async () => {
    const h = harness(START, objectFailing(['completeDirectRenewal']));
    const errors = quiet();
    expect((await renewPassword(h)).status).toBe(503);
    errors.mockRestore();
    expect((await login(harness(START), DEMO.password)).status).toBe(303);
    expect((await renewPassword(harness(START, capturedQueues().bindings))).status).toBe(200);
  });

  it('password — D1 down: 503, the old password works, no cooling-off (the identifier can be renewed)', async () => {
    const q = capturedQueues();
    const errors = quiet();
    expect((await renewPassword(harness(START, d1Down(q.bindings)))).status).toBe(503);
    errors.mockRestore();
    const h = harness(START, q.bindings);
    expect((await login(h, DEMO.password)).status).toBe(303);
    expect((await valider(h, await askLink(h, q))).status).toBe(200);
  });

  it('password — the Worker gone between the object and D1: the old password works, and the tentative renewal lapses', async () => {
    // D1 fails and the object cannot be told: as if the Worker had died in between.
    const q = capturedQueues();
    const errors = quiet();
    const res = await renewPassword(harness(START, objectFailing(['forgetRenewal'], d1Down(q.bindings))));
    errors.mockRestore();
    expect(res.status).toBe(503);
    expect((await login(harness(START), DEMO.password)).status).toBe(303);
    // Within the tentative period the identifier is held back; after it, not.
    const h = harness(START, q.bindings);
    const link = await askLink(h, q);
    h.now = START + CONFIRM_WITHIN_MS;
    expect((await valider(h, link)).status).toBe(200);
  });

  it('password — D1 took it but the object cannot confirm: sent; the relay confirms, the rule holds', async () => {
    const q = capturedQueues(objectFailing(['confirmRenewal']));
    const errors = quiet();
    const res = await renewPassword(harness(START, q.bindings));
    errors.mockRestore();
    expect(res.status).toBe(200);
    await runRelay(capturedQueues().bindings, START + 40_000);
    await q.flush();
    const h = harness(START + 40_000, capturedQueues().bindings);
    const sms = (await outbox(h)).find((m) => m.channel === 'sms')!;
    expect((await login(h, passwordIn(sms))).status).toBe(303);
    // Past the tentative period the cooling-off still holds: the identifier renewal is refused.
    const q2 = capturedQueues();
    const later = harness(START + CONFIRM_WITHIN_MS + 60_000, q2.bindings);
    expect((await valider(later, await askLink(later, q2), passwordIn(sms))).status).toBe(409);
  });

  it('identifier — D1 down at Valider: 503, the old identifier works, and the same link works once D1 is back', async () => {
    const q = capturedQueues();
    const h = harness(START, q.bindings);
    const link = await askLink(h, q);
    const errors = quiet();
    expect((await valider(harness(START, d1Down(q.bindings)), link)).status).toBe(503);
    errors.mockRestore();
    expect((await login(h, DEMO.password)).status).toBe(303);
    expect((await valider(h, link)).status).toBe(200);
  });

  it('identifier — the Worker gone between the object and D1: the link is usable again once the renewal lapses', async () => {
    const q = capturedQueues();
    const h = harness(START, q.bindings);
    const link = await askLink(h, q);
    const errors = quiet();
    expect((await valider(harness(START, objectFailing(['forgetRenewal'], d1Down(q.bindings))), link)).status).toBe(
      503,
    );
    errors.mockRestore();
    expect((await h.get(link)).status).toBe(410);
    h.now = START + CONFIRM_WITHIN_MS;
    expect((await valider(h, link)).status).toBe(200);
  });
});

describe('handing messages to the queue', () => {
  /** A queue that refuses what Cloudflare's refuses: over 100 messages or 256 KB in one sendBatch. */
  function limitedQueue() {
    const calls: { messages: number; bytes: number }[] = [];
    const queue = {
      async sendBatch(messages: { body: unknown }[]) {
        const bytes = messages.reduce((n, m) => n + new TextEncoder().encode(JSON.stringify(m.body)).length, 0);
        if (messages.length > 100 || bytes > 256 * 1024)
          throw new Error(`sendBatch refused: ${messages.length} messages, ${bytes} bytes`);
        calls.push({ messages: messages.length, bytes });
      },
    } as unknown as Queue;
    return { queue, calls };
  }

  it('hands over a relay run of convocation e-mails within the Queues limits, in as many sendBatch calls as needed', async () => {
    const now = T0;
    const texts = {
      election: 'Élection des conseillers des Français de l’étranger',
      opensAt: now,
      closesAt: now + 7 * DAY,
      origin: ORIGIN,
    };
    const db = database(env.DB);
    for (let i = 0; i < RELAY_BATCH; i++) {
      const voter = {
        numic: String(70_000_000 + i),
        email: `v${i}@example.org`,
        phone: '+33612345678',
        language: i % 2 ? 'en' : 'fr',
        numicHmac: `h${i}`,
      };
      const [mail] = convocationMessages(voter, { identifier: 'ABCDEFGHJKMN', password: 'abcdefgh2345' }, texts);
      // Waiting since before a queue outage: the scheduled relay's to hand over.
      await insertRows(db, [await outboxRow(mail, env.DELIVERY_KEY, now - 10 * 60_000)])[0]!;
    }
    const { queue, calls } = limitedQueue();
    expect(await relayPending(db, queue, now, async () => {})).toBe(RELAY_BATCH);
    expect(calls.reduce((n, c) => n + c.messages, 0)).toBe(RELAY_BATCH);
    // Every row noted as handed over (the note binds 101 values for 100 rows, past D1's limit,
    // unless split): the next run, a minute later, hands over nothing again.
    expect(await relayPending(db, queue, now + 60_000, async () => {})).toBe(0);
  });

  it('splits a hand-over at 100 messages or 256 KB, whichever comes first, keeping the order', () => {
    const big = Array.from({ length: 150 }, (_, i) => ({ i, pad: 'x'.repeat(3000) }));
    const parts = sendBatches(big);
    expect(parts.map((p) => p.length)).toEqual([76, 74]);
    expect(parts.flat()).toEqual(big);
    const small = Array.from({ length: 250 }, (_, i) => ({ i }));
    expect(sendBatches(small).map((p) => p.length)).toEqual([100, 100, 50]);
  });
});
