/**
 * Hostile input on the delivery webhook (`POST /hooks/brevo`): Brevo's events with one value
 * changed, JSON of any shape, broken JSON, huge batches, wrong content types, oversized
 * bodies, and hostile tokens. Never a 5xx, the JSON refusal with its status, and a refused
 * call records no receipt (invariants.ts).
 */
import { env } from 'cloudflare:test';
import fc from 'fast-check';
import { beforeEach, describe, it } from 'vitest';
import { T0 } from '../helpers';
import {
  RUNS,
  brokenJsonText,
  changeOf,
  formRequest,
  hostileJson,
  hostileString,
  mutate,
  type Change,
} from './arbitraries';
import { assertJsonAnswer, assertUnchanged, snapshot } from './invariants';
import { SNAPSHOT_EVERY, surface } from './surface';

const TIMEOUT = 60_000 + RUNS * 200;
const TOKEN = 'hostile-webhook-token';
const PROVIDER_ID = '<202204210914.h0st1le@smtp-relay.mailin.fr>';

beforeEach(async () => {
  // A message of ours that receipts can name.
  await env.DB.prepare(
    `INSERT INTO delivery_outcomes (message_id, channel, purpose, status, attempts, provider, created_at,
       provider_message_id, segment) VALUES ('m-1', 'email', 'convocation', 'sent', 1, 'brevo', ?, ?, 'fr')`,
  )
    .bind(T0 - 60_000, PROVIDER_ID)
    .run();
});

const SAMPLES = [
  { event: 'delivered', email: 'electeur@example.org', id: 1, 'message-id': PROVIDER_ID, ts_event: T0 / 1000 },
  [
    { event: 'hard_bounce', 'message-id': PROVIDER_ID, ts_epoch: T0 },
    { msg_status: 'delivered', messageId: 42, date: '2022-04-21 11:14:00' },
  ],
];

type HookCall =
  | { kind: 'mutated'; sample: number; pick: number; change: Change }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string | Uint8Array<ArrayBuffer> }
  | { kind: 'type'; type: string; seed: number }
  | { kind: 'batch'; n: number }
  | { kind: 'oversized'; n: number }
  | { kind: 'token'; token: string };

const call: fc.Arbitrary<HookCall> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('mutated' as const),
      sample: fc.nat({ max: SAMPLES.length - 1 }),
      pick: fc.nat(),
      change: changeOf(['delivered', 'DELIVERED', 'soft_bounce', 'x'.repeat(41), 'x'.repeat(201), T0 * 10]),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('json' as const), value: hostileJson }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: brokenJsonText }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('type' as const),
      type: fc.constantFrom('form', 'multipart', 'text/plain', 'none'),
      seed: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('batch' as const), n: fc.integer({ min: 900, max: 1200 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('oversized' as const), n: fc.integer({ min: 1, max: 100_000 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('token' as const), token: hostileString }) },
);

function request(c: HookCall): RequestInit {
  const auth = { authorization: `Bearer ${c.kind === 'token' ? c.token.replace(/[\r\n\0]/g, '') : TOKEN}` };
  const json = (body: string | Uint8Array<ArrayBuffer>, type = 'application/json') => ({
    method: 'POST',
    headers: { ...auth, ...(type ? { 'content-type': type } : {}) },
    body,
  });
  switch (c.kind) {
    case 'mutated':
      return json(JSON.stringify(mutate(SAMPLES[c.sample], c.pick, c.change)) ?? 'null');
    case 'json':
      return json(JSON.stringify(c.value) ?? 'null');
    case 'text':
      return json(c.text);
    case 'type': {
      const text = JSON.stringify(SAMPLES[0]);
      if (c.type === 'form') return formRequest([['payload', text]], 'urlencoded', c.seed, auth);
      if (c.type === 'multipart') return formRequest([['payload', text]], 'multipart', c.seed, auth);
      return json(text, c.type === 'none' ? '' : c.type);
    }
    case 'batch':
      return json(JSON.stringify(Array.from({ length: c.n }, () => SAMPLES[0])));
    case 'oversized':
      return json(JSON.stringify({ ...SAMPLES[0], pad: 'x'.repeat(512 * 1024 + c.n) }));
    case 'token':
      return json(JSON.stringify(SAMPLES[0]));
  }
}

describe('hostile input on the delivery webhook', () => {
  it(
    'POST /hooks/brevo',
    async () => {
      const s = surface({ ...env, BREVO_WEBHOOK_TOKEN: TOKEN } as Cloudflare.Env);
      let run = 0;
      await fc.assert(
        fc.asyncProperty(call, async (c) => {
          run++;
          const before = run % SNAPSHOT_EVERY === 0 ? await snapshot() : null;
          let init: RequestInit;
          try {
            init = request(c);
            new Headers(init.headers);
          } catch {
            return; // A header value no client can send (the runtime refuses it).
          }
          const res = await s.fetch('/hooks/brevo', init);
          const what = `POST /hooks/brevo (${c.kind}${c.kind === 'mutated' ? ` ${JSON.stringify(c.change).slice(0, 80)}` : ''})`;
          // A body typed as a form without an Origin is the CSRF check's 403 (Brevo sends JSON).
          await assertJsonAnswer(res, what, c.kind === 'type' ? [400, 403] : [200, 400, 401, 413]);
          if (before && res.status >= 400) await assertUnchanged(before, what);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
