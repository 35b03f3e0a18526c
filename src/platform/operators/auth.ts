/**
 * Who an operator is (SPEC.md "Operators"). Two modes, never both:
 *
 * - **Local password**: `OPERATOR_PASSWORD` (written into `.dev.vars` by `npm start`), taken
 *   only with DEV_TOOLS = "1" and on a loopback host — which only `npm start`'s server has —
 *   and throttled per network like the voters' logins. It is the one local operator, an
 *   administrator.
 * - **Cloudflare Access**: Access stands in front of `/operateur*` and hands the Worker a JWT
 *   (`Cf-Access-Jwt-Assertion`), which the Worker verifies itself with jose: RS256 keys from
 *   the team's certs URL (matched on `kid`; jose caches the set), `iss` the team domain, `aud`
 *   the application's tag, expiry. The identity is the token's `email`, or for a service token
 *   (the commands) its `common_name`, the token's client id; `OPERATOR_ROLES` maps identities
 *   to roles. Fails closed: a missing team or audience refuses every operator request (an
 *   empty audience once silently skipped the check in Cloudflare's own example).
 *
 * A Worker configured with both a password and Access refuses every operator request: which
 * one protects it would depend on DEV_TOOLS, one `.dev.vars` line away from a deploy.
 */
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { hmacHex, sameSecret } from '../crypto';
import { isLoopbackHost } from '../dev-tools';
import type { Guards } from '../guard/guards';
import { networkOf } from '../guard/network';
import { isRole, type Role } from './roles';

export interface Operator {
  /** The identity as audited: an e-mail, a service token's client id, or `local`. */
  id: string;
  role: Role;
  via: 'password' | 'access';
}

/** Why an operator request is refused (each with its status and bilingual message). */
export type AuthRefusal =
  | 'not_configured'
  | 'ambiguous'
  | 'password_off_loopback'
  | 'missing_credentials'
  | 'bad_credentials'
  | 'throttled'
  | 'bad_token'
  | 'no_role';

export type AuthResult = { ok: true; operator: Operator } | { ok: false; refusal: AuthRefusal; retryAfterMs?: number };

export interface OperatorRequest {
  /** The request's URL host (with its port). */
  host: string;
  headers: { get(name: string): string | null | undefined };
  clientAddress: string;
  /** The console's session cookie (local password mode only; Access sends its JWT each time). */
  session?: string;
}

export interface OperatorAuth {
  authenticate(req: OperatorRequest, now: number): Promise<AuthResult>;
  /**
   * After a good password at the console's login: the value of its session cookie, or null
   * outside the local password mode. Stateless — `<expiry>.<HMAC keyed with the password>` —
   * so changing OPERATOR_PASSWORD (every `npm start` keeps it; deleting .dev.vars draws a
   * new one) ends every console session.
   */
  openSession(now: number): Promise<string | null>;
}

/** How long a console session of the local password mode lasts. */
export const CONSOLE_SESSION_MS = 8 * 60 * 60_000;

function sessionMac(password: string, expiresAt: number): Promise<string> {
  return hmacHex(password, `console-session|${expiresAt}`);
}

async function validSession(password: string, value: string, now: number): Promise<boolean> {
  const m = /^(\d{13})\.([0-9a-f]{64})$/.exec(value);
  if (!m) return false;
  const expiresAt = Number(m[1]);
  if (expiresAt <= now || expiresAt > now + CONSOLE_SESSION_MS) return false;
  return sameSecret(await sessionMac(password, expiresAt), m[2]!);
}

export interface AuthConfig {
  password?: string;
  devTools: boolean;
  /** `https://<team>.cloudflareaccess.com`. */
  teamDomain?: string;
  /** The Access application's AUD tag. */
  audience?: string;
  /** JSON object: identity → role. */
  roles?: string;
  /** Tests provide their own keys; otherwise the team's certs URL. */
  keys?: JWTVerifyGetKey;
}

const LOCAL_OPERATOR: Operator = { id: 'local', role: 'administrator', via: 'password' };

/** Operator logins per network: the voters' throttle (guard/throttle.ts), in a shard object. */
const THROTTLE_SUBJECT = 'local-operator';

// One key set per team per isolate: jose caches the keys (10 min, 30 s cooldown) inside it.
const keySets = new Map<string, JWTVerifyGetKey>();
function teamKeys(teamDomain: string): JWTVerifyGetKey {
  let keys = keySets.get(teamDomain);
  if (!keys) {
    keys = createRemoteJWKSet(new URL('/cdn-cgi/access/certs', teamDomain), { timeoutDuration: 5_000 });
    keySets.set(teamDomain, keys);
  }
  return keys;
}

/** The role map of OPERATOR_ROLES, or null when it is not valid JSON of identities → roles. */
export function parseRoles(text: string | undefined): Map<string, Role> | null {
  if (!text) return new Map();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
  const map = new Map<string, Role>();
  for (const [identity, role] of Object.entries(data)) {
    if (!isRole(role)) return null;
    map.set(identity.toLowerCase(), role);
  }
  return map;
}

export function operatorAuth(config: AuthConfig, guards: Guards): OperatorAuth {
  const accessParts = [config.teamDomain, config.audience].filter((v) => v !== undefined && v !== '');
  return {
    async authenticate(req, now) {
      if (config.password && accessParts.length > 0) return { ok: false, refusal: 'ambiguous' };
      if (config.password) return passwordMode(config.password, config.devTools, guards, req, now);
      if (accessParts.length === 0) return { ok: false, refusal: 'not_configured' };
      return accessMode(config, req, now);
    },
    async openSession(now) {
      if (!config.password || accessParts.length > 0) return null;
      const expiresAt = now + CONSOLE_SESSION_MS;
      return `${expiresAt}.${await sessionMac(config.password, expiresAt)}`;
    },
  };
}

async function passwordMode(
  password: string,
  devTools: boolean,
  guards: Guards,
  req: OperatorRequest,
  now: number,
): Promise<AuthResult> {
  if (!devTools || !isLoopbackHost(req.host)) return { ok: false, refusal: 'password_off_loopback' };
  if (req.session && (await validSession(password, req.session, now))) return { ok: true, operator: LOCAL_OPERATOR };
  const given = /^Bearer (.+)$/.exec(req.headers.get('authorization') ?? '')?.[1];
  if (!given) return { ok: false, refusal: 'missing_credentials' };
  const guard = await guards.forUnknown('operator', THROTTLE_SUBJECT);
  const network = networkOf(req.clientAddress);
  const verdict = await guard.loginCheck(network, now);
  if (!verdict.ok) return { ok: false, refusal: 'throttled', retryAfterMs: verdict.retryAfterMs };
  const success = await sameSecret(password, given);
  // The check reserved this attempt: its outcome takes the reservation's place.
  await guard.loginRecord(network, success, now);
  if (!success) return { ok: false, refusal: 'bad_credentials' };
  return { ok: true, operator: LOCAL_OPERATOR };
}

async function accessMode(config: AuthConfig, req: OperatorRequest, now: number): Promise<AuthResult> {
  const { teamDomain, audience } = config;
  if (!teamDomain || !audience || !/^https:\/\/[a-z0-9-]+\.cloudflareaccess\.com$/.test(teamDomain)) {
    return { ok: false, refusal: 'not_configured' };
  }
  const roles = parseRoles(config.roles);
  if (!roles) return { ok: false, refusal: 'not_configured' };
  const token = req.headers.get('cf-access-jwt-assertion');
  if (!token) return { ok: false, refusal: 'missing_credentials' };
  let payload;
  try {
    ({ payload } = await jwtVerify(token, config.keys ?? teamKeys(teamDomain), {
      issuer: teamDomain,
      audience,
      algorithms: ['RS256'],
      currentDate: new Date(now),
      requiredClaims: ['exp', 'iat'],
    }));
  } catch {
    return { ok: false, refusal: 'bad_token' };
  }
  const identity =
    typeof payload.email === 'string' && payload.email !== ''
      ? payload.email
      : typeof payload.common_name === 'string' && payload.common_name !== ''
        ? payload.common_name
        : null;
  if (!identity) return { ok: false, refusal: 'no_role' };
  const role = roles.get(identity.toLowerCase());
  if (!role) return { ok: false, refusal: 'no_role' };
  return { ok: true, operator: { id: identity, role, via: 'access' } };
}
