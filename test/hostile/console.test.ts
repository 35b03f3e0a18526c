/**
 * Hostile input on the operators' console: its login (local password mode) and, as an
 * administrator through Cloudflare Access, every form — a voter's file and its actions, a
 * ticket's answer, an approval's decision, the audit trail's search and export — and the
 * ticket list's query. Never a 5xx, the form again with a translated message for every
 * refusal, everything typed escaped in the page and in the e-mail an answer sends, and
 * nothing written by a refusal (invariants.ts).
 */
import { env } from 'cloudflare:test';
import fc from 'fast-check';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { issueChallenge } from '../../src/platform/captcha/challenge';
import { DAY, T0, seedElection, seedVoter } from '../helpers';
import { local } from '../operator-helpers';
import { RUNS, addressOf, formRequest, hostileFields, hostileNumic, hostileString } from './arbitraries';
import { assertEscaped, assertFormAnswer, assertUnchanged, snapshot } from './invariants';
import { formCase, formProperty, SNAPSHOT_EVERY, surface, type Surface } from './surface';

const TIMEOUT = 60_000 + RUNS * 250;
const TEAM = 'https://isoloir.cloudflareaccess.com';
const AUD = 'hostile-test-audience';
const ADMIN = 'admin@isoloir.example';
const SECOND = 'second@isoloir.example';
const access = {
  ACCESS_TEAM_DOMAIN: TEAM,
  ACCESS_AUD: AUD,
  OPERATOR_ROLES: JSON.stringify({ [ADMIN]: 'administrator', [SECOND]: 'administrator' }),
  // Access alone: a local password as well (a .dev.vars that `npm start` wrote) refuses all.
  OPERATOR_PASSWORD: undefined,
};

let keys: Awaited<ReturnType<typeof generateKeyPair>>;
let jwks: ReturnType<typeof createLocalJWKSet>;
beforeAll(async () => {
  keys = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'k', alg: 'RS256' };
  jwks = createLocalJWKSet({ keys: [jwk] });
});

beforeEach(async () => {
  await seedElection(T0 - DAY, T0 + 4 * DAY);
  await seedVoter();
});

/** What Cloudflare Access adds to each request of `email`. */
function jwtOf(email: string) {
  return new SignJWT({ email })
    .setProtectedHeader({ alg: 'RS256', kid: 'k' })
    .setIssuer(TEAM)
    .setAudience(AUD)
    .setIssuedAt(Math.floor(T0 / 1000) - 60)
    .setExpirationTime(Math.floor(T0 / 1000) + 3600)
    .sign(keys.privateKey);
}

async function administrator(): Promise<{ s: Surface; headers: Record<string, string> }> {
  const s = surface({ ...env, ...access } as Cloudflare.Env, T0, { accessKeys: jwks });
  return { s, headers: { 'cf-access-jwt-assertion': await jwtOf(ADMIN) } };
}

/** A ticket filed on /aide, its reference. */
async function ticket(s: Surface): Promise<string> {
  const { id, challenge } = await issueChallenge(env.CAPTCHA_KEY, T0, 'fr');
  const res = await s.fetch(
    '/aide',
    formRequest(
      [
        ['name', 'Camille Martin'],
        ['email', 'camille@example.org'],
        ['topic', 'sms'],
        ['message', 'Je n’ai pas reçu le SMS.'],
        ['captchaId', id],
        ['captcha', challenge.digits],
      ],
      'urlencoded',
      0,
    ),
  );
  expect(res.status).toBe(200);
  return (await env.DB.prepare('SELECT reference FROM assistance_requests').first<{ reference: string }>())!.reference;
}

/** The decisions a request's body holds, read as the runtime reads a form (none if it cannot). */
async function decisionsIn(init: RequestInit): Promise<string[]> {
  const request = new Request('http://127.0.0.1/', { ...init, method: 'POST' });
  const type = request.headers.get('content-type') ?? '';
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/.test(type)) return [];
  try {
    const form = await request.formData();
    return form.getAll('decision').map(String);
  } catch {
    return [];
  }
}

const numic = fc.oneof(hostileNumic, fc.constantFrom('00123456', '123456', ' 0012 3456 '));

describe('hostile input on the console', () => {
  it(
    'the local login (POST /operateur/connexion)',
    async () => {
      await formProperty(surface({ ...env, ...local } as Cloudflare.Env), {
        path: '/operateur/connexion',
        cases: formCase(hostileFields(['password'])),
        allowed: [401, 413, 429],
      });
    },
    TIMEOUT,
  );

  it(
    'a voter’s file (POST /operateur/electeurs)',
    async () => {
      const { s, headers } = await administrator();
      await formProperty(s, {
        path: '/operateur/electeurs',
        headers,
        cases: formCase(hostileFields(['numic'], { numic })),
        allowed: [200, 400, 404, 413],
      });
    },
    TIMEOUT,
  );

  for (const [action, names] of [
    ['renvoi', ['numic', 'credential', 'resendReason']],
    ['coordonnees', ['numic', 'newEmail', 'newPhone', 'correctReason']],
    ['delai', ['numic', 'liftReason']],
  ] as const) {
    it(
      `a voter’s file’s action (POST /operateur/electeurs/${action})`,
      async () => {
        const { s, headers } = await administrator();
        const credential = fc.oneof(hostileString, fc.constantFrom('identifier', 'password'));
        const phone = fc.oneof(
          hostileString,
          fc.constantFrom('+33 6 12 34 56 78', '+336123456789012345', '0612345678'),
        );
        const email = fc.oneof(hostileString, fc.constantFrom('new@example.org', 'a@b', 'x@y.z'));
        await formProperty(s, {
          path: `/operateur/electeurs/${action}`,
          // The refusal is the search form (a bad NUMIC) or the voter's file with its forms.
          action: /action="\/operateur\/electeurs(\/(renvoi|coordonnees|delai))?"/,
          headers,
          cases: formCase(hostileFields(names, { numic, credential, newPhone: phone, newEmail: email })),
          allowed: [200, 400, 404, 409, 413],
        });
      },
      TIMEOUT,
    );
  }

  it(
    'a ticket’s answer (POST /operateur/tickets/<ref>/repondre): the page and the e-mail escaped',
    async () => {
      const { s, headers } = await administrator();
      const reference = await ticket(s);
      const path = `/operateur/tickets/${reference}/repondre`;
      await formProperty(s, {
        path,
        headers,
        cases: formCase(hostileFields(['answer'])),
        allowed: [200, 400, 413],
      });
      // Every answer sent: its e-mail's HTML holds no injected markup raw either.
      for (const m of s.deliveries()) if (m.html) assertEscaped(m.html, 'the answer’s e-mail');
    },
    TIMEOUT,
  );

  it(
    'an approval’s decision (POST /operateur/approbations/<id>): only "approve" or "refuse" decides',
    async () => {
      const { s, headers } = await administrator();
      const second = { 'cf-access-jwt-assertion': await jwtOf(SECOND) };
      let run = 0;
      const decision = fc.oneof(hostileString, fc.constantFrom('approve', 'refuse', 'APPROVE', 'approve '));
      await fc.assert(
        fc.asyncProperty(formCase(hostileFields(['decision'], { decision })), async ({ fields, how, seed }) => {
          run++;
          // A pending request of the other administrator to decide.
          const asked = await s.fetch(
            '/operateur/electeurs/delai',
            formRequest(
              [
                ['numic', '00123456'],
                ['liftReason', `run ${run}`],
              ],
              'urlencoded',
              0,
              second,
            ),
          );
          expect([200, 409]).toContain(asked.status);
          await asked.text();
          const id = (
            await env.DB.prepare('SELECT id FROM approvals WHERE outcome IS NULL ORDER BY requested_at LIMIT 1').first<{
              id: string;
            }>()
          )?.id;
          if (!id) return;
          const path = `/operateur/approbations/${id}`;
          const before = await snapshot();
          const init = formRequest(fields, how, seed, { ...headers, 'cf-connecting-ip': addressOf(run) });
          const res = await s.fetch(path, init);
          const html = await res.text();
          const what = `POST approval (${how})`;
          assertFormAnswer(
            { status: res.status, html, type: res.headers.get('content-type') ?? '' },
            /action="\/operateur\/approbations\/[0-9a-f-]+"/,
            what,
            [200, 400, 409, 413],
            [409],
          );
          // Decided only by a body that reads as a form with one decision, approve or refuse
          // (a broken byte elsewhere in it may leave that intact).
          const said = await decisionsIn(init);
          if (said.length !== 1 || (said[0] !== 'approve' && said[0] !== 'refuse')) {
            await assertUnchanged(before, `${what}: decision ${JSON.stringify(said)}`);
          }
        }),
        { numRuns: Math.ceil(RUNS / 3) },
      );
    },
    TIMEOUT,
  );

  it(
    'the audit trail’s search (POST /operateur/journal) and export (POST /operateur/journal.csv)',
    async () => {
      const { s, headers } = await administrator();
      const day = fc.oneof(hostileString, fc.constantFrom('2022-04-21', '2022-02-31', '9999-99-99', '0000-00-00'));
      const cases = formCase(hostileFields(['event', 'numic', 'du', 'au'], { numic, du: day, au: day }));
      await formProperty(s, { path: '/operateur/journal', headers, cases, allowed: [200, 400, 413] });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(cases, async ({ fields, how, seed }) => {
          run++;
          const before = run % SNAPSHOT_EVERY === 0 ? await snapshot() : null;
          const res = await s.fetch('/operateur/journal.csv', formRequest(fields, how, seed, headers));
          const body = await res.text();
          expect(res.status, `journal.csv (${how}): ${body.slice(0, 200)}`).toBeLessThan(500);
          if (res.headers.get('content-type')?.startsWith('text/csv')) {
            // Each field quoted: an injected formula or line break cannot start a cell.
            for (const line of body
              .replace(/^\ufeff/, '')
              .split('\r\n')
              .slice(1, -1))
              expect(line, 'a CSV line').toMatch(/^"[^=+\-@\t\r]/);
          } else {
            assertFormAnswer(
              { status: res.status, html: body, type: res.headers.get('content-type') ?? '' },
              '/operateur/journal',
              `journal.csv (${how})`,
              [400, 413],
            );
          }
          if (before && res.status >= 400) await assertUnchanged(before, 'journal.csv');
        }),
        { numRuns: Math.ceil(RUNS / 3) },
      );
    },
    TIMEOUT,
  );

  it(
    'the ticket list’s filters (GET /operateur/tickets?…)',
    async () => {
      const { s, headers } = await administrator();
      await ticket(s);
      await fc.assert(
        fc.asyncProperty(hostileFields(['statut', 'sujet', 'du', 'au']), async (fields) => {
          const query = new URLSearchParams(fields).toString();
          const res = await s.fetch(`/operateur/tickets?${query}`, { headers });
          const html = await res.text();
          expect(res.status, `GET /operateur/tickets?${query}`).toBe(200);
          assertEscaped(html, `GET /operateur/tickets?${query}`);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
