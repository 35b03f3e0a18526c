/**
 * Hostile input on the voters' forms: login, the identifier renewal (request, the link's page
 * and its "Valider"), the password renewal and the assistance form. Each input: never a 5xx,
 * the form again with a translated message for every refusal, everything typed escaped, and
 * nothing written by a refusal (invariants.ts).
 */
import { env } from 'cloudflare:test';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { issueChallenge } from '../../src/platform/captcha/challenge';
import { DAY, DEMO, seedElection, seedVoter } from '../helpers';
import { linkIn, pathOf, type OutboxMessage } from '../renewal-helpers';
import {
  RUNS,
  formRequest,
  hostileFields,
  hostileIdentifier,
  hostileNumic,
  hostileString,
  MARKER,
} from './arbitraries';
import { assertFormAnswer, assertUnchanged, snapshot } from './invariants';
import { formCase, formProperty, surface } from './surface';

const TIMEOUT = 60_000 + RUNS * 200;

beforeEach(async () => {
  await seedElection();
  await seedVoter();
});

/** A string as a path segment: its UTF-8 bytes (a lone surrogate as U+FFFD), percent-encoded. */
const percentEncoded = (v: string) =>
  [...new TextEncoder().encode(v)]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('');

const intent = fc.oneof(hostileString, fc.constantFrom('refresh', 'REFRESH', 'refresh '));

describe('hostile input on the voters’ forms', () => {
  it(
    'login (POST /login)',
    async () => {
      await formProperty(surface(), {
        path: '/login',
        action: '/login',
        code: true,
        cases: formCase(hostileFields(['identifier', 'password', 'intent'], { identifier: hostileIdentifier, intent })),
        allowed: [200, 400, 401, 413, 429],
      });
    },
    TIMEOUT,
  );

  it(
    'identifier renewal request (POST /identifiant-perdu)',
    async () => {
      await formProperty(surface(), {
        path: '/identifiant-perdu',
        code: true,
        cases: formCase(hostileFields(['numic', 'email', 'intent'], { numic: hostileNumic, intent })),
        allowed: [200, 400, 413, 429],
      });
    },
    TIMEOUT,
  );

  it(
    'password renewal request (POST /mot-de-passe-perdu)',
    async () => {
      await formProperty(surface(), {
        path: '/mot-de-passe-perdu',
        code: true,
        cases: formCase(
          hostileFields(['identifier', 'numic', 'intent'], {
            identifier: hostileIdentifier,
            numic: hostileNumic,
            intent,
          }),
        ),
        allowed: [200, 400, 409, 413, 429],
      });
    },
    TIMEOUT,
  );

  it(
    'assistance form (POST /aide)',
    async () => {
      const topic = fc.oneof(hostileString, fc.constantFrom('sms', 'email', 'identifier', 'password', 'other'));
      await formProperty(surface(), {
        path: '/aide',
        action: '/aide#contact',
        code: true,
        cases: formCase(
          hostileFields(['name', 'email', 'numic', 'topic', 'message', 'intent'], {
            numic: hostileNumic,
            topic,
            intent,
          }),
        ),
        allowed: [200, 400, 413, 429],
      });
    },
    TIMEOUT,
  );

  it(
    'the renewal link’s "Valider" (POST /r), with made-up and real links',
    async () => {
      // The delivery consumer reads the real clock (a message's content expires): real time here.
      const start = Math.floor(Date.now() / 60_000) * 60_000;
      await seedElection(start - 2 * DAY, start + 4 * DAY);
      const s = surface(env, start);
      // A real link, as the e-mail carries it: its ref and token reach the password check.
      const { id, challenge } = await issueChallenge(env.CAPTCHA_KEY, s.now, 'fr');
      const asked = await s.fetch(
        '/identifiant-perdu',
        formRequest(
          [
            ['numic', DEMO.numic],
            ['email', DEMO.email],
            ['captchaId', id],
            ['captcha', challenge.digits],
          ],
          'urlencoded',
          0,
        ),
      );
      expect(asked.status).toBe(200);
      await s.flush();
      const mails = (await (await s.fetch('/_dev/outbox')).json()) as OutboxMessage[];
      const [, , ref, token] = pathOf(linkIn(mails.at(-1)!)).split('/') as [string, string, string, string];
      const refs = fc.oneof(
        { weight: 3, arbitrary: fc.constant(ref) },
        { weight: 1, arbitrary: hostileString },
        { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
      );
      const tokens = fc.oneof(
        { weight: 3, arbitrary: fc.constant(token) },
        { weight: 1, arbitrary: hostileString },
        { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{32}$/) },
      );
      const statuses = await formProperty(s, {
        path: '/r',
        code: true,
        cases: formCase(hostileFields(['ref', 'token', 'password', 'intent'], { ref: refs, token: tokens, intent })),
        allowed: [200, 400, 401, 404, 410, 413, 429],
        pages: [404, 410],
      });
      // Some inputs went past the code and the link to the password (a wrong one: 401), until
      // the link died of too many (410).
      if (RUNS >= 100) expect(statuses[401] ?? 0, JSON.stringify(statuses)).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'the renewal link’s page (GET /r/<ref>/<token>) with hostile paths',
    async () => {
      const s = surface();
      const segment = fc.oneof(
        hostileString.map(percentEncoded),
        fc.constantFrom('%FF', '%E2%82', '%', '%%', '%C0%AF', '..', '.', '%2e%2e', '%2F', '%00', ';x', '?x', '#x'),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,60}$/),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(segment, { minLength: 0, maxLength: 4 }), async (parts) => {
          const before = await snapshot();
          const path = `/r/${parts.join('/')}`;
          const res = await s.fetch(path);
          const html = await res.text();
          assertFormAnswer(
            { status: res.status, html, type: res.headers.get('content-type') ?? '' },
            '/r',
            `GET ${path}`,
            [200, 404, 410],
            [404, 410],
          );
          expect(html.includes(`<${MARKER}`)).toBe(false);
          await assertUnchanged(before, `GET ${path}`);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
