/**
 * Hostile input on the operator API (`/operateur/api/*`), which the operator commands call:
 * for each POST endpoint, a valid body with one value changed (out of range, another shape,
 * dropped, repeated into a huge array), JSON of any shape, text that is not JSON, bodies of
 * the wrong content type and bodies over the limit — authenticated as the local operator, so
 * each input reaches the endpoint's own checks. Never a 5xx, the API's JSON refusal with its
 * status, and a refusal writes nothing (invariants.ts).
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import fc from 'fast-check';
import { beforeEach, describe, it } from 'vitest';
import { createApp } from '../../src/app';
import { DAY, ORIGIN, T0, seedElection, seedVoter } from '../helpers';
import { local, OPERATOR_PASSWORD } from '../operator-helpers';
import { capturedQueues } from '../renewal-helpers';
import {
  RUNS,
  brokenJsonText,
  changeOf,
  formRequest,
  hostileJson,
  hostileString,
  mutate,
  stringsIn,
  type Change,
} from './arbitraries';
import { assertJsonAnswer, assertUnchanged, snapshot } from './invariants';
import { SNAPSHOT_EVERY } from './surface';

const TIMEOUT = 60_000 + RUNS * 200;
const RUN = 'run-hostile-0001';

/** A valid body of each POST endpoint: what the hostile ones are made from. */
const ENDPOINTS: Record<string, unknown> = {
  '/election': {
    title: 'Elections législatives 2022',
    opens: '2022-04-19T09:14:00Z',
    closes: '2022-04-25T09:14:00+02:00',
  },
  '/election/contests': {
    contests: [{ constituency: '2', question: 'Q ?', answers: ['Candidat D', 'Candidat E'], blank: true }],
  },
  '/roll/rows': {
    run: RUN,
    replace: false,
    rows: [
      {
        line: 2,
        numic: '00000042',
        email: 'hostile@example.org',
        phone: '+33600000042',
        constituency: '2',
        language: 'fr',
        consulate: null,
      },
    ],
  },
  '/roll/seen': { run: RUN, numics: ['00123456'] },
  '/roll/replace': { run: RUN, allowMassDeactivation: false },
  '/roll/convoke/start': { onlyNew: true },
  '/roll/convoke/enqueue': { round: 1, onlyNew: true, after: 0, limit: 10 },
  '/roll/convoke/status': { round: 1, onlyNew: true, since: 0 },
  '/roll/convoke/finish': { round: 1 },
  '/roll/resend': { numic: '00123456', credential: 'password' },
  '/ballot/setup': { trustees: ['{"pok":{"challenge":"1","response":"1"},"public_key":"2"}'] },
  '/ballot/credentials': { constituency: '1', after: 0 },
  '/ballot/freeze': { constituency: '1' },
  '/ballot/tally': { constituency: '1' },
  '/ballot/result': { constituency: '1', partials: ['{"decryption_factors":[[["2"]]]}\n{}'] },
};

type ApiBody =
  | { kind: 'mutated'; pick: number; change: Change }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string | Uint8Array<ArrayBuffer> }
  | { kind: 'type'; type: string; seed: number }
  | { kind: 'oversized'; n: number };

const apiBody: fc.Arbitrary<ApiBody> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('mutated' as const),
      pick: fc.nat(),
      change: changeOf(['2022-04-25T09:14', '2022-13-45T99:99:99Z', '12', '0', 'fr ', 'blank', 1000, 1001]),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('json' as const), value: hostileJson }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: brokenJsonText }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('type' as const),
      type: fc.constantFrom('text/plain', 'form', 'multipart', 'none', 'application/xml', 'application/jsonx'),
      seed: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('oversized' as const), n: fc.integer({ min: 1, max: 100_000 }) }),
  },
);

function apiRequest(b: ApiBody, sample: unknown): RequestInit {
  const headers = { authorization: `Bearer ${OPERATOR_PASSWORD}`, origin: ORIGIN };
  const json = (body: string | Uint8Array<ArrayBuffer>, type = 'application/json') => ({
    method: 'POST',
    headers: { ...headers, ...(type ? { 'content-type': type } : {}) },
    body,
  });
  switch (b.kind) {
    case 'mutated':
      return json(JSON.stringify(mutate(sample, b.pick, b.change)) ?? 'null');
    case 'json':
      return json(JSON.stringify(b.value) ?? 'null');
    case 'text':
      return json(b.text);
    case 'type': {
      const text = JSON.stringify(sample);
      if (b.type === 'form') return formRequest([['body', text]], 'urlencoded', b.seed, headers);
      if (b.type === 'multipart') return formRequest([['body', text]], 'multipart', b.seed, headers);
      return json(text, b.type === 'none' ? '' : b.type);
    }
    case 'oversized':
      return json(`${JSON.stringify(sample).slice(0, -1)},"pad":"${'x'.repeat(512 * 1024 + b.n)}"}`);
  }
}

let bindings: Cloudflare.Env;
beforeEach(async () => {
  bindings = capturedQueues({ ...env, ...local } as Cloudflare.Env).bindings;
  await seedElection(T0 - DAY, T0 + 4 * DAY);
  await seedVoter({ constituency: '1' });
});

function api() {
  const app = createApp({ clock: () => T0 });
  return async (path: string, init: RequestInit) => {
    const ctx = createExecutionContext();
    const res = await app.request(`${ORIGIN}/operateur/api${path}`, init, bindings, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
}

describe('hostile input on the operator API', () => {
  for (const [path, sample] of Object.entries(ENDPOINTS)) {
    it(
      `POST /operateur/api${path}`,
      async () => {
        const call = api();
        let run = 0;
        await fc.assert(
          fc.asyncProperty(apiBody, async (b) => {
            run++;
            const before = run % SNAPSHOT_EVERY === 0 ? await snapshot() : null;
            const res = await call(path, apiRequest(b, sample));
            const what = `POST ${path} (${b.kind}${b.kind === 'mutated' ? ` ${JSON.stringify(b.change).slice(0, 80)}` : ''})`;
            // A body that does not say it is JSON is refused as such, whatever it holds.
            const quoted = b.kind === 'mutated' ? stringsIn(b.change) : b.kind === 'json' ? stringsIn(b.value) : [];
            await assertJsonAnswer(res, what, b.kind === 'type' ? [415] : [200, 400, 404, 409, 413], quoted);
            if (before && res.status >= 400) await assertUnchanged(before, what);
          }),
          { numRuns: RUNS },
        );
      },
      TIMEOUT,
    );
  }

  it(
    'GET /operateur/api/ballot/export/<constituency> and unknown paths',
    async () => {
      const call = api();
      const segment = fc.oneof(
        hostileString.map((v) =>
          [...new TextEncoder().encode(v)].map((x) => `%${x.toString(16).padStart(2, '0')}`).join(''),
        ),
        fc.constantFrom('1', '11', '12', '0', '01', '%FF', '%', '..', '1%00', '1.json'),
      );
      await fc.assert(
        fc.asyncProperty(segment, async (c) => {
          const before = await snapshot();
          const res = await call(`/ballot/export/${c}`, { headers: { authorization: `Bearer ${OPERATOR_PASSWORD}` } });
          if (res.headers.get('content-type')?.startsWith('application/octet-stream')) {
            await res.arrayBuffer();
            return;
          }
          await assertJsonAnswer(res, `GET /ballot/export/${c}`, [200, 400, 404]);
          await assertUnchanged(before, `GET /ballot/export/${c}`);
        }),
        { numRuns: Math.min(RUNS, 300) },
      );
    },
    TIMEOUT,
  );
});
