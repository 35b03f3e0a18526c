/**
 * Hostile input on the ballot's two doors: the booth's cast (`POST /vote/bulletin`, JSON,
 * behind a session) and `/verifier` (a form). A cast's body of every wrong shape — broken
 * JSON, a ballot that is not a string, a real ballot with one value replaced (numbers out of
 * the group, huge arrays, deep nesting, keys dropped or added), wrong content types, an
 * oversized body — is refused with the API's JSON error and its status, and casts nothing:
 * no ballot in the box, no émargement, no tracker, no message (invariants.ts).
 */
import { env } from 'cloudflare:test';
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encryptBallot, generateTrusteeKey, trusteePublicKeyJson } from '../../src/ballot';
import { P, Q } from '../../src/ballot/group';
import { loggedInVoter } from '../ballot-helpers';
import { DAY, ORIGIN, T0, harness, seedElection, seedVoter } from '../helpers';
import { local, operatorApi } from '../operator-helpers';
import { capturedQueues } from '../renewal-helpers';
import {
  RUNS,
  addressOf,
  brokenJsonText,
  formRequest,
  changeOf,
  hostileFields,
  hostileJson,
  mutate,
  type Change,
  hostileString,
  type Encoding,
} from './arbitraries';
import { assertJsonAnswer, assertUnchanged, snapshot } from './invariants';
import { formCase, formProperty, SNAPSHOT_EVERY, surface } from './surface';

const TIMEOUT = 120_000 + RUNS * 400;
const box = () => env.BALLOT_BOX.get(env.BALLOT_BOX.idFromName('box:1'));

let pubkeys: string[];
beforeAll(async () => {
  pubkeys = [
    trusteePublicKeyJson((await generateTrusteeKey()).publicKey),
    trusteePublicKeyJson((await generateTrusteeKey()).publicKey),
  ];
});

let bindings: Cloudflare.Env;
beforeEach(async () => {
  bindings = capturedQueues({ ...env, ...local } as Cloudflare.Env).bindings;
  await seedElection(T0 - DAY, T0 + 4 * DAY);
  await seedVoter({ constituency: '1' });
  const call = operatorApi(bindings);
  await call('/election/contests', {
    contests: [{ constituency: '1', question: 'Q', answers: ['Candidat A', 'Candidat B', 'Candidat C'], blank: true }],
  });
  await call('/ballot/setup', { trustees: pubkeys });
  await call('/ballot/credentials', { constituency: '1', after: 0 });
  expect((await call('/ballot/freeze', { constituency: '1' })).status).toBe(200);
});

/** The demo voter's session cookie and a real ballot of theirs (what mutations start from). */
async function votersBooth() {
  const { cookie, election, fingerprint, credential } = await loggedInVoter(harness(T0, bindings));
  const ballot = await encryptBallot(election, fingerprint, credential, 1);
  return { cookie, ballot: JSON.parse(ballot.json) as unknown };
}

/** Decimals a ballot's elements and scalars must not be: outside the group, not canonical. */
const RANGE = [String(P), String(P - 1n), String(P + 1n), String(Q), String(Q + 1n), '01', ' 1', '0x10', '1e3'];

/** A cast's body: a mutated ballot, a ballot of the wrong type, or a body that is not JSON. */
type CastBody =
  | { kind: 'mutated'; pick: number; change: Change; envelope: 'string' | 'object' }
  | { kind: 'envelope'; value: unknown }
  | { kind: 'text'; text: string | Uint8Array<ArrayBuffer> }
  | { kind: 'form'; how: Encoding; seed: number }
  | { kind: 'oversized'; n: number };

const castBody: fc.Arbitrary<CastBody> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('mutated' as const),
      pick: fc.nat(),
      change: changeOf(RANGE),
      envelope: fc.constantFrom('string' as const, 'string' as const, 'object' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('envelope' as const),
      value: fc.oneof(
        hostileJson,
        hostileJson.map((ballot) => ({ ballot })),
        hostileString.map((ballot) => ({ ballot })),
        fc.tuple(hostileString, hostileString).map(([ballot, x]) => ({ ballot, [x]: ballot })),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: brokenJsonText }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('form' as const),
      how: fc.constantFrom<Encoding>('urlencoded', 'multipart', 'text-plain', 'no-type', 'odd-type'),
      seed: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('oversized' as const), n: fc.integer({ min: 1, max: 200_000 }) }),
  },
);

function castRequest(b: CastBody, real: unknown, cookie: string, run: number): RequestInit {
  const headers = { origin: ORIGIN, cookie, 'cf-connecting-ip': addressOf(run) };
  const json = (body: string | Uint8Array) => ({
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
  });
  switch (b.kind) {
    case 'mutated': {
      const ballot = mutate(real, b.pick, b.change);
      return json(JSON.stringify({ ballot: b.envelope === 'string' ? JSON.stringify(ballot) : ballot }));
    }
    case 'envelope':
      return json(JSON.stringify(b.value) ?? '');
    case 'text':
      return json(b.text);
    case 'form':
      return formRequest([['ballot', JSON.stringify(real)]], b.how, b.seed, headers);
    case 'oversized':
      return json(JSON.stringify({ ballot: JSON.stringify(real) + ' '.repeat(64 * 1024 + b.n) }));
  }
}

describe('hostile input on the ballot', () => {
  it(
    'the booth’s cast (POST /vote/bulletin) refuses every malformed ballot and casts nothing',
    async () => {
      const { cookie, ballot } = await votersBooth();
      const s = surface(bindings);
      let run = 0;
      await fc.assert(
        fc.asyncProperty(castBody, async (b) => {
          run++;
          const check = run % SNAPSHOT_EVERY === 0;
          const before = check ? await snapshot() : null;
          const res = await s.fetch('/vote/bulletin', castRequest(b, ballot, cookie, run));
          const what = `cast (${b.kind}${b.kind === 'mutated' ? ` ${JSON.stringify(b.change).slice(0, 80)}` : ''})`;
          await assertJsonAnswer(res, what, [400, 403, 413, 415, 429]);
          if (before) {
            await assertUnchanged(before, what);
            expect((await box().info()).ballots, `${what}: a ballot in the box`).toBe(0);
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    '/verifier (POST) answers every tracker with the form, escaped, and writes nothing',
    async () => {
      const tracker = fc.oneof(
        hostileString,
        fc.stringMatching(/^[A-Za-z0-9+/]{43}$/),
        fc.stringMatching(/^[A-Za-z0-9+/ ]{40,46}$/),
      );
      await formProperty(surface(bindings), {
        path: '/verifier',
        cases: formCase(hostileFields(['tracker'], { tracker })),
        allowed: [200, 400, 413, 429],
        always: true,
      });
    },
    TIMEOUT,
  );
});
