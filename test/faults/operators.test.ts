// The operators' commands (the API) and the console's main forms with each binding failing:
// a refusal is a 503 with Retry-After — JSON {error, message, messageEn} for the commands, a
// translated page for the console — after which nothing in D1 has changed (a command run again
// starts from where it stood); a success changed D1 only with its audit event beside it.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { generateTrusteeKey, trusteePublicKeyJson } from '../../src/ballot';
import { DAY, DEMO, ORIGIN, T0, harness, seedElection, seedVoter, text } from '../helpers';
import { local, OPERATOR_PASSWORD, operatorRequest } from '../operator-helpers';
import { expectUnavailable, faultyWorld, hangThen, type FaultMode, type FaultyWorld } from './faulty';

let pubkeys: string[];
beforeAll(async () => {
  pubkeys = [
    trusteePublicKeyJson((await generateTrusteeKey()).publicKey),
    trusteePublicKeyJson((await generateTrusteeKey()).publicKey),
  ];
});

beforeEach(async () => {
  await seedElection(T0 - DAY, T0 + 4 * DAY);
  await seedVoter({ constituency: '1' });
});

/** What D1 holds, table by table (the audit trail and the dev outbox apart). */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const tables = [
    'elections',
    'voters',
    'contests',
    'ballot_setups',
    'ballot_credentials',
    'assistance_requests',
    'approvals',
    'outbox',
  ];
  const out: Record<string, unknown[]> = {};
  for (const t of tables) out[t] = (await env.DB.prepare(`SELECT * FROM ${t}`).all()).results;
  return out;
}

const auditCount = async () =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM audit_events').first<{ n: number }>())!.n;

const api = (w: FaultyWorld) => operatorRequest(w.bindings, () => w.h.now);

const world = () => faultyWorld(T0, { ...env, ...local } as Cloudflare.Env);

interface Command {
  name: string;
  path: string;
  /** With the bindings healthy: what the command needs first; answers its body. */
  prepare(call: ReturnType<typeof api>): Promise<unknown>;
}

const contests = { contests: [{ constituency: '1', question: 'Q', answers: ['A', 'B'], blank: true }] };

const COMMANDS: Command[] = [
  { name: 'election set', path: '/election', prepare: async () => ({ title: 'Élections 2027' }) },
  { name: 'election contests', path: '/election/contests', prepare: async () => contests },
  {
    name: 'roll import',
    path: '/roll/rows',
    prepare: async () => ({
      run: 'run-faults-0001',
      replace: false,
      rows: [
        {
          line: 2,
          numic: '70000001',
          email: 'nouveau@example.org',
          phone: '+33612000001',
          constituency: '2',
          language: 'fr',
          consulate: null,
        },
      ],
    }),
  },
  { name: 'roll convoke start', path: '/roll/convoke/start', prepare: async () => ({ onlyNew: false }) },
  {
    name: 'roll convoke enqueue',
    path: '/roll/convoke/enqueue',
    prepare: async (call) => {
      const round = (await (await call('/roll/convoke/start', { onlyNew: false })).json()) as { round: number };
      return { round: round.round, onlyNew: false, after: 0, limit: 100 };
    },
  },
  {
    name: 'roll resend',
    path: '/roll/resend',
    prepare: async () => ({ numic: DEMO.numic, credential: 'password' }),
  },
  {
    name: 'ballot setup',
    path: '/ballot/setup',
    prepare: async (call) => {
      expect((await call('/election/contests', contests)).status).toBe(200);
      return { trustees: pubkeys };
    },
  },
  {
    name: 'ballot freeze',
    path: '/ballot/freeze',
    prepare: async (call) => {
      await call('/election/contests', contests);
      await call('/ballot/setup', { trustees: pubkeys });
      await call('/ballot/credentials', { constituency: '1', after: 0 });
      return { constituency: '1' };
    },
  },
];

type Binding = keyof FaultyWorld['faults'];
const BINDINGS: Binding[] = ['d1', 'kv', 'access', 'head', 'box', 'convoke', 'delivery', 'audit'];

/** The answer, then: a 503 changed nothing; a success changed D1 only with an audit event. */
async function expectTruthful(res: Response, before: Record<string, unknown[]>, eventsBefore: number) {
  expect(res.status).not.toBe(500);
  const after = await snapshot();
  if (res.status === 503) {
    expect(after, 'a 503 that changed D1').toEqual(before);
  } else if (JSON.stringify(after) !== JSON.stringify(before)) {
    expect(await auditCount(), 'a change without its audit event').toBeGreaterThan(eventsBefore);
  }
}

describe('the operator API with a binding failing', () => {
  for (const command of COMMANDS) {
    for (const binding of BINDINGS) {
      const modes: FaultMode[] = binding === 'd1' ? ['throws', 'hangs'] : ['throws'];
      for (const mode of modes) {
        it(`${command.name} — ${binding} ${mode}`, async () => {
          const w = world();
          const call = api(w);
          const body = await command.prepare(call);
          await w.flush();
          const [before, events] = [await snapshot(), await auditCount()];
          w.faults[binding].set(mode);
          const res = await hangThen(w.faults[binding], () => call(command.path, body));
          w.heal();
          const answer = (await res.clone().json()) as Record<string, unknown>;
          if (res.status === 503) {
            expectUnavailable(res);
            expect(answer).toMatchObject({ error: 'unavailable' });
            expect(answer.message).toMatch(/indisponible/);
            expect(answer.messageEn).toMatch(/unavailable/);
          } else {
            expect(res.status, JSON.stringify(answer)).toBeLessThan(500);
          }
          await w.flush();
          await expectTruthful(res, before, events);
          // Run again once the bindings are back, the command goes through.
          const again = await call(command.path, body);
          expect(again.status, JSON.stringify(await again.clone().json())).toBe(200);
        });
      }
    }
  }
});

/** A browser at the console, logged in with the local password (healthy bindings). */
async function consoleBrowser(w: FaultyWorld) {
  const app = createApp({ clock: () => w.h.now });
  let cookie = '';
  const send = async (path: string, form?: Record<string, string>) => {
    const headers = new Headers(cookie ? { cookie } : {});
    if (form) {
      headers.set('origin', ORIGIN);
      headers.set('content-type', 'application/x-www-form-urlencoded');
    }
    const ctx = createExecutionContext();
    const res = await app.request(
      `${ORIGIN}${path}`,
      {
        method: form ? 'POST' : 'GET',
        headers,
        body: form && new URLSearchParams(form).toString(),
        redirect: 'manual',
      },
      w.bindings,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const set = res.headers.get('set-cookie');
    if (set?.startsWith('__Host-isoloir-operator=')) cookie = set.split(';')[0]!;
    return res;
  };
  expect((await send('/operateur/connexion', { password: OPERATOR_PASSWORD })).status).toBe(303);
  return send;
}

/** A request through /aide (healthy bindings); its reference. */
async function fileTicket() {
  const h = harness(T0);
  const page = await (await h.get('/aide')).text();
  const res = await h.post('/aide', {
    name: 'Jeanne Électrice',
    email: 'jeanne@example.org',
    numic: DEMO.numic,
    topic: 'sms',
    message: 'Je n’ai pas reçu le SMS avec mon mot de passe.',
    ...(await h.code(page)),
  });
  return /AS-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(await res.text())![0];
}

interface Form {
  name: string;
  prepare(): Promise<{ path: string; form?: Record<string, string> }>;
}

const FORMS: Form[] = [
  { name: 'login', prepare: async () => ({ path: '/operateur/connexion', form: { password: OPERATOR_PASSWORD } }) },
  { name: 'a voter’s file', prepare: async () => ({ path: '/operateur/electeurs', form: { numic: DEMO.numic } }) },
  {
    name: 'resend a credential',
    prepare: async () => ({
      path: '/operateur/electeurs/renvoi',
      form: { numic: DEMO.numic, credential: 'password', resendReason: 'SMS jamais reçu' },
    }),
  },
  {
    name: 'answer a ticket',
    prepare: async () => ({
      path: `/operateur/tickets/${await fileTicket()}/repondre`,
      form: { answer: 'Votre mot de passe vous a été renvoyé.' },
    }),
  },
  { name: 'the tickets', prepare: async () => ({ path: '/operateur/tickets' }) },
  { name: 'the journal', prepare: async () => ({ path: '/operateur/journal' }) },
  { name: 'deliveries', prepare: async () => ({ path: '/operateur/envois' }) },
];

describe('the console with a binding failing', () => {
  for (const form of FORMS) {
    for (const binding of ['d1', 'kv', 'access', 'delivery', 'audit'] as const) {
      it(`${form.name} — ${binding} throws`, async () => {
        const w = world();
        const send = await consoleBrowser(w);
        const { path, form: fields } = await form.prepare();
        await w.flush();
        const [before, events] = [await snapshot(), await auditCount()];
        w.faults[binding].set('throws');
        const res = await send(path, fields);
        w.heal();
        const page = await res.clone().text();
        expect(res.status, text(page).slice(0, 300)).not.toBe(500);
        if (res.status === 503) {
          expectUnavailable(res);
          expect(page).toContain('lang="fr"');
        }
        await w.flush();
        await expectTruthful(res, before, events);
      });
    }
  }
});
