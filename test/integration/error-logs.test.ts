// When D1 fails, its error's message carries the statement's parameters (a NUMIC, an address,
// a whole assistance request). Every flow and every queue consumer runs here with D1 failing
// three ways (test/failing-d1.ts); no log line may hold a NUMIC, an address, a phone, a name
// or a message, and the voter gets a clear 503 page.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import worker from '../../src/index';
import { issueChallenge } from '../../src/platform/captcha/challenge';
import { hmacHex } from '../../src/platform/crypto';
import { MAX_ATTEMPTS } from '../../src/platform/delivery';
import { forgetElection } from '../../src/platform/election';
import { failingD1, PERSONAL, PERSONAL_SPELLINGS, type D1Failure } from '../failing-d1';
import { DAY, DEMO, harness, seedElection, seedVoter, text, type Harness } from '../helpers';
import { capturedQueues, linkIn, outbox, pathOf } from '../renewal-helpers';

const UNAVAILABLE = 'Le service est momentanément indisponible. Votre demande n’a pas été prise en compte';

let START = 0;
let lines: string[] = [];
let spies: { mockRestore(): void }[] = [];

beforeEach(async () => {
  START = Math.floor(Date.now() / 60_000) * 60_000;
  // The demo voter carries the personal data the failing D1 puts in its messages.
  expect(DEMO).toMatchObject({ numic: PERSONAL.numic, email: PERSONAL.email, phone: PERSONAL.phone });
  await seedElection(START - 2 * DAY, START + 4 * DAY);
  await seedVoter();
  lines = [];
  spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))),
  );
});

afterEach(() => {
  for (const spy of spies) spy.mockRestore();
});

/** No captured line holds any spelling of the personal data, nor the driver's message. */
function expectNothingPersonalLogged() {
  const dump = lines.join('\n').toLowerCase();
  for (const s of [...PERSONAL_SPELLINGS, 'D1_ERROR', 'SQLITE', 'params', 'Failed query']) {
    expect(dump, `a log line holds "${s}":\n${lines.join('\n')}`).not.toContain(s.toLowerCase());
  }
}

async function code(h: Harness) {
  const { id, challenge } = await issueChallenge(env.CAPTCHA_KEY, h.now, 'fr');
  return { captchaId: id, captcha: challenge.digits };
}

function setup() {
  const d1 = failingD1(env.DB);
  const q = capturedQueues({ ...env, DB: d1.db });
  const h = harness(START, q.bindings);
  return {
    h,
    d1,
    /** Asks for a renewal link (D1 healthy) and returns its path and the form of its page. */
    async link() {
      const res = await h.post('/identifiant-perdu', { numic: DEMO.numic, email: DEMO.email, ...(await code(h)) });
      expect(res.status).toBe(200);
      await q.flush();
      const path = pathOf(linkIn((await outbox(h)).at(-1)!));
      const page = await (await h.get(path)).text();
      const ref = /name="ref" value="([^"]+)"/.exec(page)![1]!;
      const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
      return { path, ref, token };
    },
  };
}

type Setup = ReturnType<typeof setup>;

interface Flow {
  name: string;
  /** The ways of failing that reach D1 on this flow (a flow that writes nothing has no `writes`). */
  modes: D1Failure[];
  /** Whether the flow reaches D1 even when the election's settings are cached. */
  cached: boolean;
  /** Prepares with D1 healthy; returns the voter's request, made once D1 fails. */
  prepare(s: Setup): Promise<() => Promise<Response>>;
  /** The page's words when only the write failed (the flow's own message). */
  writeFailure?: string;
}

const FLOWS: Flow[] = [
  {
    name: 'login (POST /login)',
    modes: ['throws', 'queries'],
    cached: true,
    prepare: async ({ h }) => {
      const form = { identifier: DEMO.identifier, password: DEMO.password, ...(await code(h)) };
      return () => h.post('/login', form);
    },
  },
  {
    name: 'identifier renewal request (POST /identifiant-perdu)',
    modes: ['throws', 'queries'],
    cached: true,
    prepare: async ({ h }) => {
      // The NUMIC as voters type it (without its leading zeros): D1 gets it normalised.
      const form = { numic: '123456', email: DEMO.email, ...(await code(h)) };
      return () => h.post('/identifiant-perdu', form);
    },
  },
  {
    name: 'the link page (GET /r/…)',
    modes: ['throws', 'queries'],
    // Served from the voter's object and KV: only the election's settings come from D1.
    cached: false,
    prepare: async (s) => {
      const { path } = await s.link();
      return () => s.h.get(path);
    },
  },
  {
    name: 'identifier renewal completion (POST /r)',
    modes: ['throws', 'queries', 'writes'],
    cached: true,
    writeFailure: 'votre identifiant actuel reste valable',
    prepare: async (s) => {
      const { ref, token } = await s.link();
      const form = { ref, token, password: DEMO.password, ...(await code(s.h)) };
      return () => s.h.post('/r', form);
    },
  },
  {
    name: 'password renewal (POST /mot-de-passe-perdu)',
    modes: ['throws', 'queries', 'writes'],
    cached: true,
    writeFailure: 'votre mot de passe actuel reste valable',
    prepare: async ({ h }) => {
      const form = { identifier: DEMO.identifier, numic: DEMO.numic, ...(await code(h)) };
      return () => h.post('/mot-de-passe-perdu', form);
    },
  },
  {
    name: 'the help form (POST /aide)',
    modes: ['throws', 'queries', 'writes'],
    cached: true,
    prepare: async ({ h }) => {
      const form = {
        name: PERSONAL.name,
        email: PERSONAL.email,
        numic: PERSONAL.numic,
        topic: 'sms',
        message: PERSONAL.message,
        ...(await code(h)),
      };
      return () => h.post('/aide', form);
    },
  },
];

describe('no personal data in the log when D1 fails: the voter’s flows', () => {
  for (const flow of FLOWS) {
    for (const mode of flow.modes) {
      it(`${flow.name}, D1 failing (${mode})`, async () => {
        for (const election of flow.cached ? (['cached', 'not cached'] as const) : (['not cached'] as const)) {
          const s = setup();
          // The screen before (D1 healthy) caches the election's settings, as in production.
          expect((await s.h.get('/')).status).toBe(200);
          const request = await flow.prepare(s);
          if (election === 'not cached') forgetElection();
          const before = lines.length;
          s.d1.fail(mode);
          const res = await request();
          s.d1.fail('none');

          expect(res.status, `${election}`).toBe(503);
          expect(res.headers.get('cache-control')).toBe('no-store');
          const page = text(await res.text());
          expect(page).toContain(mode === 'writes' && flow.writeFailure ? flow.writeFailure : UNAVAILABLE);
          expect(page).not.toMatch(/D1_ERROR|SQLITE|params/);
          // The failure was logged (a code and a name), and nothing personal was.
          expect(lines.length, `${election}: no log line for the failure`).toBeGreaterThan(before);
          expect(lines.slice(before).join('\n')).toMatch(/^isoloir: [a-z_]+/m);
        }
        expectNothingPersonalLogged();
      });
    }
  }
});

describe('no personal data in the log when D1 fails: the queue consumers', () => {
  /** Hands `bodies` to the Worker's queue handler as the runtime would, with D1 failing. */
  async function consume(queue: string, mode: D1Failure, messages: { body: unknown; attempts: number }[]) {
    const d1 = failingD1(env.DB);
    d1.fail(mode);
    const batch = createMessageBatch(
      queue,
      messages.map((m, i) => ({ id: `m-${queue}-${i}`, timestamp: new Date(), attempts: m.attempts, body: m.body })),
    );
    const ctx = createExecutionContext();
    const before = lines.length;
    await (worker.queue as (b: MessageBatch, e: Cloudflare.Env, c: ExecutionContext) => Promise<void>)(
      batch,
      { ...env, DB: d1.db },
      ctx,
    );
    const result = await getQueueResult(batch, ctx);
    expect(lines.length, `${queue}: no log line for the failure`).toBeGreaterThan(before);
    return result;
  }

  const deliveries = () => [
    {
      kind: 'delivery',
      id: crypto.randomUUID(),
      message: {
        channel: 'email',
        to: PERSONAL.email,
        subject: `${PERSONAL.name}, votre demande`,
        text: `Bonjour ${PERSONAL.name},\nNUMIC ${PERSONAL.numic}\n« ${PERSONAL.message} »\n`,
        purpose: 'assistance-answer',
        numicHmac: null,
      },
    },
    {
      kind: 'delivery',
      id: crypto.randomUUID(),
      message: {
        channel: 'sms',
        to: PERSONAL.phone,
        text: `${PERSONAL.name} : votre code`,
        purpose: 'password-renewal',
        numicHmac: null,
      },
    },
  ];

  for (const mode of ['throws', 'queries', 'writes'] as const) {
    it(`delivery, its dead letters and the audit trail, D1 failing (${mode})`, async () => {
      const numicHmac = await hmacHex(env.NUMIC_HMAC_KEY, PERSONAL.numic);
      const [mail, sms] = deliveries();
      // First and last attempts: a retry, and the final outcome that cannot be written (another
      // message: a message twice in one batch is sent once, its second copy acknowledged).
      const sent = await consume('isoloir-delivery', mode, [
        { body: mail, attempts: 1 },
        { body: sms, attempts: 1 },
        { body: { ...mail, id: crypto.randomUUID() }, attempts: MAX_ATTEMPTS },
      ]);
      expect(sent.explicitAcks).toEqual([]);
      expect(sent.retryMessages).toHaveLength(3);

      const dead = await consume('isoloir-delivery-dlq', mode, [{ body: mail, attempts: 1 }]);
      expect(dead.explicitAcks).toEqual([]);
      expect(dead.retryMessages).toHaveLength(1);

      const record = { event: 'login', numicHmac, at: START, outcome: 'failure' };
      const audit = await consume('isoloir-audit', mode, [{ body: { kind: 'audit', record }, attempts: 1 }]);
      expect(audit.explicitAcks).toEqual([]);
      expect(audit.retryMessages).toHaveLength(1);

      expectNothingPersonalLogged();
    });
  }
});
