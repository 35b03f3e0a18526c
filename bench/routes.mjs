/**
 * The routes the bench loads, one entry each. To add a route, add an entry:
 *
 *   name     what the table shows;
 *   expect   the status every response must have (anything else counts as an error);
 *   probe    a GET path whose 404 means the route is not in this build yet ("not yet
 *            available" in the table, no failure); defaults to the request's path for GETs;
 *   prepare  optional, async (ctx) => item: what one request needs that cannot be reused —
 *            a fresh security code, a voter, a link. Items are made before each measured run,
 *            never during it. `reusable: true` makes a small pool that is cycled instead;
 *   request  (item) => { method, path, form?, headers? }: one request. POST forms get the
 *            same-origin Origin header and the form content type;
 *   targets  optional, issue 6's goals for the route, checked in the report: rpsRatio (≥, of
 *            the baseline's req/s), p99Ratio (≤, of the baseline's p99), errors, cpuMs (≤, net
 *            of the baseline), cpuOverPbkdf2 (≤ ms beyond one PBKDF2), d1Trips, d1Writes,
 *            d1Primary (≤ per request).
 *
 * ctx (lib/context.mjs): ctx.code(page) → { captchaId, captcha } from a fresh load of `page`;
 * ctx.voter(tag, uses) → a voter { numic, email, identifier, password }, each used at most
 * `uses` times under that tag; ctx.address() → a client address (CF-Connecting-IP);
 * ctx.renewalLink({ requestPath, form }) → the path of the link e-mailed for a renewal.
 */

const LOST_IDENTIFIER = '/identifiant-perdu';

let ipv4Counter = 0;
/** A new IPv4 address (10.0.0.0/8): each its own network for the per-network allowances. */
function nextIpv4() {
  ipv4Counter++;
  return `10.${(ipv4Counter >> 16) & 255}.${(ipv4Counter >> 8) & 255}.${ipv4Counter & 255}`;
}
/** Every GET screen: no more than 2 ms of CPU, no trip to the D1 primary, no error. */
const SCREEN = { cpuMs: 2, d1Primary: 0, errors: 0 };
/** A login: one PBKDF2 + at most 2 ms, at most 2 D1 queries, no D1 write on the request path. */
const LOGIN = { cpuOverPbkdf2: 2, d1Trips: 2, d1Writes: 0, errors: 0 };

/** The form of Écran 2 (field names as SPEC.md: NUMIC, e-mail, the security code). */
const lostIdentifierForm = (voter, code) => ({ numic: voter.numic, email: voter.email, ...code });

export const routes = [
  {
    name: 'GET / (login screen)',
    expect: 200,
    targets: { ...SCREEN, rpsRatio: 0.6, p99Ratio: 1.5 },
    request: () => ({ method: 'GET', path: '/' }),
  },
  {
    name: 'POST /login (right password)',
    expect: 303,
    targets: LOGIN,
    probe: '/',
    // Successes never slow an account down: a slice of voters is cycled.
    prepare: async (ctx) => ({ voter: ctx.voter('login-ok', Infinity), code: await ctx.code('/'), ip: ctx.address() }),
    request: ({ voter, code, ip }) => ({
      method: 'POST',
      path: '/login',
      headers: { 'cf-connecting-ip': ip },
      form: { identifier: voter.identifier, password: voter.password, ...code },
    }),
  },
  {
    name: 'POST /login (wrong password)',
    expect: 401,
    targets: LOGIN,
    probe: '/',
    // 5 free failures per account per 15 minutes: 4 per voter keeps every answer a plain 401.
    prepare: async (ctx) => ({ voter: ctx.voter('login-wrong', 4), code: await ctx.code('/'), ip: ctx.address() }),
    request: ({ voter, code, ip }) => ({
      method: 'POST',
      path: '/login',
      headers: { 'cf-connecting-ip': ip },
      form: { identifier: voter.identifier, password: 'not-the-password', ...code },
    }),
  },
  {
    // Drawn by the Worker (src/platform/captcha/picture.ts): glyphs, warp, clutter, PNG.
    name: 'GET /captcha/:id.png (code image)',
    expect: 200,
    targets: { d1Primary: 0, errors: 0 },
    probe: '/',
    reusable: true,
    prepare: async (ctx) => ({ code: await ctx.code('/') }),
    request: ({ code }) => ({ method: 'GET', path: `/captcha/${code.captchaId}.png` }),
  },
  {
    // The clips come from the asset store (ASSETS) once per isolate and language; then every
    // request renders the code's sound and counts on its network (30 per 10 minutes): each
    // request comes from its own IPv4 address. Rarely fetched: no target of its own.
    name: 'GET /captcha/:id.wav (audio code)',
    expect: 200,
    targets: { d1Primary: 0, errors: 0 },
    probe: '/',
    prepare: async (ctx) => ({ code: await ctx.code('/'), ip: nextIpv4() }),
    request: ({ code, ip }) => ({
      method: 'GET',
      path: `/captcha/${code.captchaId}.wav`,
      headers: { 'cf-connecting-ip': ip },
    }),
  },
  {
    name: 'GET /styles.css (static asset)',
    expect: 200,
    request: () => ({ method: 'GET', path: '/styles.css' }),
  },
  {
    name: 'GET /identifiant-perdu (Écran 2)',
    expect: 200,
    targets: SCREEN,
    request: () => ({ method: 'GET', path: LOST_IDENTIFIER }),
  },
  {
    name: 'GET /r/:ref/:token (Écran 5, renewal link)',
    expect: 200,
    targets: SCREEN,
    probe: LOST_IDENTIFIER,
    // Opening a link changes nothing (mail scanners prefetch): a few links, opened many times.
    // Before the POST route, so /_dev/outbox is still short when the links are read from it.
    reusable: true,
    prepare: async (ctx) => ({
      path: await ctx.renewalLink({ requestPath: LOST_IDENTIFIER, form: lostIdentifierForm }),
    }),
    request: ({ path }) => ({ method: 'GET', path }),
  },
  {
    name: 'POST /identifiant-perdu (renewal request)',
    expect: 200,
    targets: { d1Trips: 5, errors: 0 },
    probe: LOST_IDENTIFIER,
    // 3 e-mails per NUMIC per hour at most: 2 per voter keeps every answer the Écran 3.
    prepare: async (ctx) => ({
      voter: ctx.voter('renewal-request', 2),
      code: await ctx.code(LOST_IDENTIFIER),
      ip: ctx.address(),
    }),
    request: ({ voter, code, ip }) => ({
      method: 'POST',
      path: LOST_IDENTIFIER,
      headers: { 'cf-connecting-ip': ip },
      form: lostIdentifierForm(voter, code),
    }),
  },
];
