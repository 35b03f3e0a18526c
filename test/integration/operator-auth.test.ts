import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { DAY, T0, seedElection } from '../helpers';
import { capturedQueues } from '../renewal-helpers';

const TEAM = 'https://isoloir.cloudflareaccess.com';
const AUD = 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2';
const ROLES = JSON.stringify({
  'admin@isoloir.example': 'administrator',
  'cellule@isoloir.example': 'assistance',
  'svc-token-client-id.access': 'administrator',
});
const PASSWORD = 'local-operator-password-for-tests';

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;
let ours: Keys;
let stranger: Keys;
let jwks: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  ours = await generateKeyPair('RS256', { extractable: true });
  stranger = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(ours.publicKey)), kid: 'current', alg: 'RS256', use: 'sig' };
  jwks = createLocalJWKSet({ keys: [jwk] });
});

/** A token as Access would sign it (the test's own key), with overrides for each forgery. */
async function token(
  claims: Record<string, unknown> = { email: 'admin@isoloir.example' },
  opts: { key?: Keys; kid?: string; iss?: string; aud?: string; exp?: number; iat?: number } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'current' })
    .setIssuer(opts.iss ?? TEAM)
    .setAudience(opts.aud ?? AUD)
    .setIssuedAt(Math.floor((opts.iat ?? T0 - 60_000) / 1000))
    .setExpirationTime(Math.floor((opts.exp ?? T0 + 3_600_000) / 1000))
    .sign((opts.key ?? ours).privateKey);
}

function operatorApp(
  vars: Partial<Cloudflare.Env>,
  opts: { now?: number; origin?: string; base?: Cloudflare.Env } = {},
) {
  const app = createApp({ clock: () => opts.now ?? T0, accessKeys: jwks });
  // Nothing from a developer's .dev.vars (which the test pool reads too): each test says its mode.
  const bindings = {
    ...(opts.base ?? env),
    DEV_TOOLS: undefined,
    OPERATOR_PASSWORD: undefined,
    ...vars,
  } as Cloudflare.Env;
  return async (path: string, headers: Record<string, string> = {}, init: RequestInit = {}) => {
    const ctx = createExecutionContext();
    const res = await app.request(
      `${opts.origin ?? 'https://vote.isoloir.example'}${path}`,
      { ...init, headers },
      bindings,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
}

const access = { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, OPERATOR_ROLES: ROLES };

describe('operators through Cloudflare Access', () => {
  beforeEach(() => seedElection(T0 - 2 * DAY, T0 + 4 * DAY));

  it('takes a valid token, maps its identity to a role, and a service token by its client id', async () => {
    const call = operatorApp(access);
    expect(await call('/operateur/api/whoami', { 'cf-access-jwt-assertion': await token() })).toEqual({
      status: 200,
      body: { id: 'admin@isoloir.example', role: 'administrator' },
    });
    const service = await token({ common_name: 'svc-token-client-id.access', email: '' });
    expect((await call('/operateur/api/whoami', { 'cf-access-jwt-assertion': service })).body).toEqual({
      id: 'svc-token-client-id.access',
      role: 'administrator',
    });
    const cell = await token({ email: 'Cellule@isoloir.example' });
    expect((await call('/operateur/api/whoami', { 'cf-access-jwt-assertion': cell })).body.role).toBe('assistance');
  });

  it('refuses forged, expired, wrong-audience, wrong-issuer and unknown-key tokens, and none', async () => {
    const call = operatorApp(access);
    const cases: Record<string, string> = {
      forged: await token(undefined, { key: stranger }),
      expired: await token(undefined, { exp: T0 - 1000, iat: T0 - 3_600_000 }),
      wrongAudience: await token(undefined, { aud: 'another-application' }),
      wrongIssuer: await token(undefined, { iss: 'https://attacker.cloudflareaccess.com' }),
      unknownKey: await token(undefined, { kid: 'not-in-the-set', key: stranger }),
      notYetValid: 'eyJhbGciOiJub25lIn0.eyJlbWFpbCI6ImFkbWluQGlzb2xvaXIuZXhhbXBsZSJ9.',
    };
    for (const [name, jwt] of Object.entries(cases)) {
      const res = await call('/operateur/api/election', { 'cf-access-jwt-assertion': jwt });
      expect({ name, status: res.status, error: res.body.error }).toEqual({ name, status: 401, error: 'bad_token' });
      expect(res.body.message).toContain('Cloudflare Access');
      expect(res.body.messageEn).toContain('Cloudflare Access');
    }
    expect((await call('/operateur/api/election')).status).toBe(401);
    // The same token is taken once the clock is back inside its validity: the check can pass.
    expect((await call('/operateur/api/election', { 'cf-access-jwt-assertion': await token() })).status).toBe(200);
  });

  it('refuses an identity the role map does not know, and audits the refusal', async () => {
    const q = capturedQueues();
    const call = operatorApp(access, { base: q.bindings });
    const res = await call('/operateur/api/whoami', {
      'cf-access-jwt-assertion': await token({ email: 'someone@example.org' }),
    });
    expect(res).toMatchObject({ status: 403, body: { error: 'no_role' } });
    const audited = q.sent.filter((m) => m.queue === 'AUDIT').map((m) => m.body.record as Record<string, unknown>);
    expect(audited).toEqual([
      {
        event: 'operator.auth',
        at: T0,
        outcome: 'failure',
        detail: JSON.stringify({ reason: 'no_role', path: '/operateur/api/whoami' }),
      },
    ]);
    expect(JSON.stringify(audited)).not.toContain('someone@example.org');
  });

  it('fails closed when the team, the audience or the role map is missing or wrong', async () => {
    const jwt = await token();
    for (const vars of [
      { ACCESS_TEAM_DOMAIN: TEAM, OPERATOR_ROLES: ROLES },
      { ACCESS_AUD: AUD, OPERATOR_ROLES: ROLES },
      { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: '', OPERATOR_ROLES: ROLES },
      { ...access, OPERATOR_ROLES: '{"admin@isoloir.example":"superuser"}' },
      { ...access, ACCESS_TEAM_DOMAIN: 'http://isoloir.cloudflareaccess.com' },
      {},
    ]) {
      const res = await operatorApp(vars)('/operateur/api/whoami', { 'cf-access-jwt-assertion': jwt });
      expect({ vars, status: res.status, error: res.body.error }).toEqual({
        vars,
        status: 503,
        error: 'not_configured',
      });
    }
  });

  it('refuses every operator request when a password and Access are both configured', async () => {
    const call = operatorApp(
      { ...access, OPERATOR_PASSWORD: PASSWORD, DEV_TOOLS: '1' },
      { origin: 'http://127.0.0.1:8787' },
    );
    for (const headers of [
      { 'cf-access-jwt-assertion': await token() },
      { authorization: `Bearer ${PASSWORD}` },
    ] as Record<string, string>[]) {
      expect(await call('/operateur/api/whoami', headers)).toMatchObject({ status: 503, body: { error: 'ambiguous' } });
    }
  });

  it('holds each role to the role table', async () => {
    const call = operatorApp(access);
    const cell = { 'cf-access-jwt-assertion': await token({ email: 'cellule@isoloir.example' }) };
    for (const [path, body] of [
      ['/operateur/api/election', { title: 'x' }],
      ['/operateur/api/roll/rows', { run: 'run-00000001', replace: false, rows: [] }],
      ['/operateur/api/roll/replace', { run: 'run-00000001', allowMassDeactivation: false }],
    ] as const) {
      const res = await call(
        path,
        { ...cell, 'content-type': 'application/json' },
        { method: 'POST', body: JSON.stringify(body) },
      );
      expect({ path, ...res }).toMatchObject({ path, status: 403, body: { error: 'forbidden' } });
      expect(res.body.message).toContain('assistance');
    }
  });
});

describe('the local operator password', () => {
  beforeEach(() => seedElection(T0 - 2 * DAY, T0 + 4 * DAY));
  const local = { OPERATOR_PASSWORD: PASSWORD, DEV_TOOLS: '1' };

  it('is the administrator on loopback with DEV_TOOLS=1', async () => {
    const call = operatorApp(local, { origin: 'http://127.0.0.1:8787' });
    expect(await call('/operateur/api/whoami', { authorization: `Bearer ${PASSWORD}` })).toEqual({
      status: 200,
      body: { id: 'local', role: 'administrator' },
    });
    expect(await call('/operateur/api/whoami', { authorization: 'Bearer not-it' })).toMatchObject({
      status: 401,
      body: { error: 'bad_credentials' },
    });
    expect((await call('/operateur/api/whoami')).status).toBe(401);
  });

  it('is refused off loopback, and without DEV_TOOLS', async () => {
    const auth = { authorization: `Bearer ${PASSWORD}` };
    for (const [vars, origin] of [
      [local, 'https://vote.isoloir.example'],
      [local, 'http://192.0.2.10:8787'],
      [{ OPERATOR_PASSWORD: PASSWORD }, 'http://127.0.0.1:8787'],
      [{ OPERATOR_PASSWORD: PASSWORD, DEV_TOOLS: '0' }, 'http://127.0.0.1:8787'],
    ] as const) {
      const res = await operatorApp(vars, { origin })('/operateur/api/whoami', auth);
      expect({ origin, ...res }).toMatchObject({ origin, status: 403, body: { error: 'password_off_loopback' } });
    }
  });

  it('is throttled per network like the voters’ logins, and another network still gets in', async () => {
    let now = T0;
    const app = createApp({ clock: () => now });
    const bindings = { ...env, ...local } as Cloudflare.Env;
    const call = async (password: string, ip: string) => {
      const res = await app.request(
        'http://127.0.0.1:8787/operateur/api/whoami',
        { headers: { authorization: `Bearer ${password}`, 'cf-connecting-ip': ip } },
        bindings,
        createExecutionContext(),
      );
      return { status: res.status, retryAfter: res.headers.get('retry-after') };
    };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await call('guess-' + i, '198.51.100.7')).status);
    expect(statuses).toContain(429);
    expect(statuses.indexOf(429)).toBeGreaterThan(2);
    // Even the right password waits on that network…
    const blocked = await call(PASSWORD, '198.51.100.7');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    // …while another network gets in at once, and so does this one after the wait.
    expect((await call(PASSWORD, '203.0.113.9')).status).toBe(200);
    now += Number(blocked.retryAfter) * 1000 + 1000;
    expect((await call(PASSWORD, '198.51.100.7')).status).toBe(200);
  });
});
