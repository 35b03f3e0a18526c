/**
 * One app per property, cheap per input: the clock fixed, a password hasher that never runs
 * PBKDF2 (no hostile input may log in; the routes that reach a hash get a refusal from it),
 * queues that record instead of delivering (no consumer writes behind a later snapshot), and
 * a fresh, real security code when an input asks for one.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import fc from 'fast-check';
import { createApp } from '../../src/app';
import { issueChallenge } from '../../src/platform/captcha/challenge';
import type { PasswordHasher } from '../../src/platform/passwords';
import type { AppDeps } from '../../src/platform/services';
import { ORIGIN, T0 } from '../helpers';
import { capturedQueues } from '../renewal-helpers';
import {
  RUNS,
  addressOf,
  codeChoice,
  encoding,
  formRequest,
  hostileString,
  type CodeChoice,
  type Encoding,
  type Fields,
} from './arbitraries';
import { assertFormAnswer, assertUnchanged, snapshot } from './invariants';

/** Refuses every password without hashing: a hostile input never matches one. */
export const refusingHasher: PasswordHasher = {
  hash: async () => 'no-hash',
  verify: async () => false,
};

export interface Surface {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  bindings: Cloudflare.Env;
  now: number;
  /** The messages handed to the DELIVERY queue so far. */
  deliveries(): { html?: string; text: string; subject?: string }[];
  /** Delivers what the queues hold through the Worker's consumer (to /_dev/outbox). */
  flush(): Promise<void>;
}

export function surface(base: Cloudflare.Env = env, now = T0, deps: Partial<AppDeps> = {}): Surface {
  const queues = capturedQueues(base);
  const { bindings } = queues;
  const app = createApp({ clock: () => now, hasher: refusingHasher, ...deps });
  return {
    bindings,
    now,
    flush: () => queues.flush(),
    deliveries: () => queues.deliveries().map((d) => d.body.message as { html?: string; text: string }),
    async fetch(path, init) {
      const ctx = createExecutionContext();
      const res = await app.request(`${ORIGIN}${path}`, init, bindings, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    },
  };
}

/** The security code's two fields as `choice` says: a real fresh code, hostile ones, or none. */
export async function codeFields(choice: CodeChoice, garbage: [string, string], now = T0): Promise<Fields> {
  if (choice === 'missing') return [];
  if (choice === 'garbage')
    return [
      ['captchaId', garbage[0]],
      ['captcha', garbage[1]],
    ];
  const { id, challenge } = await issueChallenge(env.CAPTCHA_KEY, now, 'fr');
  return [
    ['captchaId', id],
    ['captcha', challenge.digits],
  ];
}

/**
 * How often a property snapshots the state around an input: every third in `npm test` (a
 * snapshot reads every table and KV key twice, most of an input's cost), every tenth when
 * soaking — hundreds, then a thousand, of checked inputs per property.
 */
export const SNAPSHOT_EVERY = RUNS > 1000 ? 10 : 3;

export interface FormCase {
  fields: Fields;
  how: Encoding;
  seed: number;
}

/** Fields, their encoding and a seed (where broken bytes go) — what `formProperty` sends. */
export function formCase(fields: fc.Arbitrary<Fields>): fc.Arbitrary<FormCase> {
  return fc.record({ fields, how: encoding, seed: fc.nat() });
}

/** The hostile value of a code's two fields. */
export const garbageCode = fc.tuple(
  fc.oneof(hostileString, fc.stringMatching(/^[A-Za-z0-9_-]{20,260}$/)),
  fc.oneof(hostileString, fc.stringMatching(/^\d{3,5}$/)),
);

/**
 * Posts each case to `path` and holds the form invariants (invariants.ts), the state
 * unchanged by every refusal. Answers how many times each status was seen (so a test can
 * show its inputs reached the checks behind the first ones).
 */
export async function formProperty(
  s: Surface,
  opts: {
    path: string;
    action?: string | RegExp;
    cases: fc.Arbitrary<FormCase>;
    /** The form carries a security code (`captcha`, `captchaId`). */
    code?: boolean;
    allowed: number[];
    pages?: number[];
    headers?: Record<string, string>;
    /** Some refusals write state by design (a wrong password counts against the link). */
    writes?: (status: number) => boolean;
    /** The route never writes, whatever it answers: the state is checked after every answer. */
    always?: boolean;
  },
) {
  let run = 0;
  const statuses: Record<number, number> = {};
  await fc.assert(
    fc.asyncProperty(opts.cases, codeChoice, garbageCode, async ({ fields, how, seed }, choice, garbage) => {
      run++;
      const code = opts.code ? await codeFields(choice, garbage, s.now) : [];
      const check = run % SNAPSHOT_EVERY === 0;
      const before = check ? await snapshot() : null;
      const init = formRequest([...fields, ...code], how, seed, {
        'cf-connecting-ip': addressOf(run),
        ...opts.headers,
      });
      const res = await s.fetch(opts.path, init);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const answer = { status: res.status, html: await res.text(), type: res.headers.get('content-type') ?? '' };
      const what = `POST ${opts.path} (${how})`;
      const inputs = fields.map(([, v]) => v);
      assertFormAnswer(answer, opts.action ?? opts.path, what, opts.allowed, opts.pages, inputs);
      if (before && (opts.always || res.status >= 400) && !opts.writes?.(res.status))
        await assertUnchanged(before, what);
    }),
    { numRuns: RUNS },
  );
  return statuses;
}
