// The voter's forms with each binding failing three ways (throws, hangs until the platform's
// deadline, answers late on the injected clock): the answer is a translated 503 with
// Retry-After, or the flow's own success; never a 500. Whatever the answer said is true
// afterwards (no half-written credential, no consumed link behind an error page, no session
// without its row), and what was promised is delivered once the bindings are back.
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { issueChallenge } from '../../src/platform/captcha/challenge';
import { DAY, DEMO, harness, seedElection, seedVoter, text, type Harness } from '../helpers';
import { linkIn, outbox, pathOf, runScheduled } from '../renewal-helpers';
import { expectUnavailable, faultyWorld, hangThen, type FaultMode, type FaultyWorld } from './faulty';

const UNAVAILABLE_FR = 'Le service est momentanément indisponible.';
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

/** A healthy harness at the world's time (what the voter finds once the bindings are back). */
const healthy = (w: FaultyWorld) => harness(w.h.now, env);

async function logsIn(h: Harness, identifier = DEMO.identifier, password = DEMO.password): Promise<boolean> {
  const res = await h.post('/login', { identifier, password, ...(await code(h)) });
  return res.status === 303 && (res.headers.get('set-cookie') ?? '').includes('isoloir-session');
}

/** Asks for a renewal link with every binding healthy; its path and its form's fields. */
async function askLink(w: FaultyWorld) {
  const res = await w.h.post('/identifiant-perdu', { numic: DEMO.numic, email: DEMO.email, ...(await code(w.h)) });
  expect(res.status).toBe(200);
  await w.flush();
  const path = pathOf(linkIn((await outbox(w.h)).at(-1)!));
  const page = await (await w.h.get(path)).text();
  return {
    path,
    ref: /name="ref" value="([^"]+)"/.exec(page)![1]!,
    token: /name="token" value="([^"]+)"/.exec(page)![1]!,
  };
}

async function auditEvents(): Promise<{ event: string; outcome: string }[]> {
  return (
    await env.DB.prepare('SELECT event, outcome FROM audit_events ORDER BY id').all<{
      event: string;
      outcome: string;
    }>()
  ).results;
}

type Binding = 'd1' | 'kv' | 'access' | 'delivery' | 'audit';
const BINDINGS: Binding[] = ['d1', 'kv', 'access', 'delivery', 'audit'];
const MODES: FaultMode[] = ['throws', 'hangs', 'slow'];

interface Flow {
  name: string;
  /** With the bindings healthy: the request to make once the fault is on. */
  prepare(w: FaultyWorld): Promise<() => Promise<Response>>;
  /** With the bindings healthy again: what the answer said is true, nothing half done. */
  check(w: FaultyWorld, res: Response, page: string): Promise<void>;
}

/** Answered 503 (and then nothing changed) or the flow's success (and then it all happened). */
function succeeded(res: Response, success: number[]): boolean {
  if (res.status === 503) return false;
  expect(success, `status ${res.status}`).toContain(res.status);
  return true;
}

const FLOWS: Flow[] = [
  {
    name: 'login',
    prepare: async (w) => {
      const form = { identifier: DEMO.identifier, password: DEMO.password, ...(await code(w.h)) };
      return () => w.h.post('/login', form);
    },
    async check(w, res) {
      const cookie = /isoloir-session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
      if (succeeded(res, [303])) {
        // The session the cookie names exists: the voter's space opens with it.
        const space = await healthy(w).get('/espace', { cookie: `__Host-isoloir-session=${cookie}` });
        expect(space.status).toBe(200);
      } else {
        expect(cookie, 'a 503 that sets a session cookie').toBeUndefined();
      }
      expect(await logsIn(healthy(w))).toBe(true);
    },
  },
  {
    name: 'identifier renewal request',
    prepare: async (w) => {
      const form = { numic: DEMO.numic, email: DEMO.email, ...(await code(w.h)) };
      return () => w.h.post('/identifiant-perdu', form);
    },
    async check(w, res) {
      if (!succeeded(res, [200])) return;
      // The page said a mail was sent: once the bindings are back, the link reaches the outbox.
      await runScheduled(w.bindings, '* * * * *', w.h.now + 60_000);
      await w.flush();
      const mails = (await outbox(w.h)).filter((m) => m.channel === 'email');
      expect(mails.length, 'the confirmation said a mail was sent').toBeGreaterThan(0);
    },
  },
  {
    name: 'the link page (GET /r/…)',
    prepare: async (w) => {
      const { path } = await askLink(w);
      return () => w.h.get(path);
    },
    async check(w, res) {
      succeeded(res, [200]);
      // Opening a link changes nothing: it still leads to the form.
      const again = await healthy(w).get(pathOf(linkIn((await outbox(w.h)).at(-1)!)));
      expect(again.status).toBe(200);
      expect(await again.text()).toContain('name="token"');
    },
  },
  {
    name: 'identifier renewal (POST /r)',
    prepare: async (w) => {
      const { ref, token } = await askLink(w);
      const form = { ref, token, password: DEMO.password, ...(await code(w.h)) };
      return () => w.h.post('/r', form);
    },
    async check(w, res, page) {
      const h = healthy(w);
      if (succeeded(res, [200])) {
        const shown = /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/.exec(text(page))?.[0];
        expect(shown, 'the new identifier is on the page').toBeDefined();
        expect(await logsIn(h, shown)).toBe(true);
        expect(await logsIn(h)).toBe(false);
        return;
      }
      // Nothing half written: the old identifier works and no event claims a renewal.
      expect(await logsIn(h)).toBe(true);
      expect(await auditEvents()).not.toContainEqual({ event: 'identifier-renewal', outcome: 'success' });
    },
  },
  {
    name: 'password renewal',
    prepare: async (w) => {
      const form = { identifier: DEMO.identifier, numic: DEMO.numic, ...(await code(w.h)) };
      return () => w.h.post('/mot-de-passe-perdu', form);
    },
    async check(w, res) {
      const h = healthy(w);
      if (!succeeded(res, [200])) {
        expect(await logsIn(h)).toBe(true);
        expect(await auditEvents()).not.toContainEqual({ event: 'password-renewal', outcome: 'success' });
        return;
      }
      // Sent: the SMS reaches the outbox once the bindings are back, and its password works.
      await runScheduled(w.bindings, '* * * * *', w.h.now + 60_000);
      await w.flush();
      const sms = (await outbox(w.h)).filter((m) => m.channel === 'sms').at(-1);
      const password = sms?.text.split('\n').find((l) => /^[a-z2-9]{12}$/.test(l));
      expect(password, 'the page said an SMS was sent').toBeDefined();
      expect(await logsIn(h, DEMO.identifier, password)).toBe(true);
    },
  },
  {
    name: 'the help form',
    prepare: async (w) => {
      const form = {
        name: 'Camille Martin',
        email: DEMO.email,
        numic: DEMO.numic,
        topic: 'sms',
        message: 'Je n’ai pas reçu le SMS.',
        ...(await code(w.h)),
      };
      return () => w.h.post('/aide', form);
    },
    async check(_w, res, page) {
      const rows = (await env.DB.prepare('SELECT reference FROM assistance_requests').all<{ reference: string }>())
        .results;
      if (succeeded(res, [200])) {
        const reference = /AS-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(page)?.[0];
        expect(rows.map((r) => r.reference)).toEqual([reference]);
      } else {
        expect(rows, 'a 503 that kept the request').toEqual([]);
      }
    },
  },
];

describe('the voter’s forms with a binding failing', () => {
  for (const flow of FLOWS) {
    for (const binding of BINDINGS) {
      for (const mode of MODES) {
        it(`${flow.name} — ${binding} ${mode}`, async () => {
          const w = faultyWorld(START);
          const request = await flow.prepare(w);
          const fault = w.faults[binding];
          fault.set(mode);
          const res = await hangThen(fault, request);
          w.heal();
          const page = await res.text();
          expect(res.status, text(page).slice(0, 300)).not.toBe(500);
          if (res.status === 503) {
            expectUnavailable(res);
            // Translated, FR first here, with the way to the English page.
            expect(page).toContain('lang="fr"');
            expect(page).toContain('?lang=en');
          }
          await flow.check(w, res, page);
        });
      }
    }
  }
});

describe('the 503 page', () => {
  it('reads in English beside French, both with Retry-After', async () => {
    const w = faultyWorld(START);
    const form = { identifier: DEMO.identifier, password: DEMO.password, ...(await code(w.h)) };
    w.faults.d1.set('throws');
    const fr = await w.h.post('/login', form);
    expectUnavailable(fr);
    expect(text(await fr.text())).toContain(UNAVAILABLE_FR);
    const en = await w.h.post('/login?lang=en', { ...form, ...(await code(w.h)) });
    expectUnavailable(en);
    expect(text(await en.text())).toContain('The service is temporarily unavailable.');
  });
});

describe('the AUDIT queue refusing', () => {
  it('keeps the event of a login attempt: written straight into D1', async () => {
    const w = faultyWorld(START);
    w.faults.audit.set('throws');
    const wrong = await w.h.post('/login', {
      identifier: DEMO.identifier,
      password: 'wrong-password',
      ...(await code(w.h)),
    });
    expect(wrong.status).toBe(401);
    const right = await w.h.post('/login', {
      identifier: DEMO.identifier,
      password: DEMO.password,
      ...(await code(w.h)),
    });
    expect(right.status).toBe(303);
    const events = await env.DB.prepare(
      `SELECT outcome, chain FROM audit_events WHERE event = 'login' ORDER BY seq`,
    ).all<{ outcome: string; chain: string }>();
    expect(events.results).toEqual([
      { outcome: 'failure', chain: 'queue' },
      { outcome: 'success', chain: 'queue' },
    ]);
  });
});
