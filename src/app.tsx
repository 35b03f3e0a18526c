/**
 * The Hono app: middleware, then one `app.route()` per feature — nothing else.
 * `createApp(deps)` lets tests inject the clock and a counting password hasher.
 */
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { getCookie, setCookie } from 'hono/cookie';
import { languageDetector } from 'hono/language';
import { REQUIRED_SECRETS, type AppEnv } from './env';
import { captchaRoutes } from './features/captcha/routes';
import { devRoutes } from './features/dev/routes';
import { helpRoutes } from './features/help/routes';
import { identifierRenewalRoutes } from './features/identifier-renewal/routes';
import { loginRoutes } from './features/login/routes';
import { operatorApi, refusal } from './features/operator/api';
import { consoleRoutes } from './features/operator/console/routes';
import { passwordRenewalRoutes } from './features/password-renewal/routes';
import { boothRoutes } from './features/vote/booth';
import { voteRoutes } from './features/vote/routes';
import { resultsRoutes } from './features/vote/results';
import { verifierRoutes } from './features/vote/verifier';
import { webhookRoutes } from './features/webhooks/routes';
import { isLocale, translator, type MessageKey } from './i18n';
import { systemClock } from './platform/clock';
import { handOverBookmark, readBookmark } from './platform/d1-bookmark';
import { AppError, describeError, ERRORS, UNAVAILABLE_RETRY_AFTER_SECONDS } from './platform/errors';
import { log } from './platform/log';
import { pbkdf2Hasher } from './platform/passwords';
import { securityHeaders } from './platform/security';
import { buildServices, type AppDeps } from './platform/services';
import { ErrorPage } from './views/pages';

/** Limits what a form post may weigh: our largest form is well under 4 KiB. */
export const MAX_BODY_BYTES = 16 * 1024;
/** An operator API call: a chunk of 500 roll rows is ~100 KiB of JSON. */
export const MAX_OPERATOR_BODY_BYTES = 512 * 1024;
const OPERATOR_API = '/operateur/api';
const isOperatorApi = (path: string) => path === OPERATOR_API || path.startsWith(`${OPERATOR_API}/`);
/** A ballot of 15 answers with blank is ~25 KB of JSON (SPEC.md "The ballot"). */
export const MAX_BALLOT_BODY_BYTES = 64 * 1024;
const BALLOT = '/vote/bulletin';
/** Brevo's delivery receipts: a batched webhook carries many events at once. */
const HOOKS = '/hooks';
const isHook = (path: string) => path.startsWith(`${HOOKS}/`);

export function createApp(deps: Partial<AppDeps> = {}) {
  const resolved: AppDeps = { clock: systemClock, hasher: pbkdf2Hasher, ...deps };
  const app = new Hono<AppEnv>();

  // Every 503 says when to try again — onError's pages, the operator API's refusals and each
  // flow's own "not taken into account" screens alike: set here, once, so none can forget it.
  // A 503 that already says it (a longer wait it knows of) keeps its own.
  app.use(async (c, next) => {
    await next();
    if (c.res.status === 503 && !c.res.headers.has('Retry-After')) {
      c.res.headers.set('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    }
  });
  app.use(securityHeaders);
  app.use(
    languageDetector({
      order: ['querystring', 'cookie', 'header'],
      lookupQueryString: 'lang',
      lookupCookie: 'lang',
      // The cookie remembers a choice the voter made (the FR/EN switch, `?lang=`), set below;
      // caching whatever was detected would send a Set-Cookie with every response.
      caches: false,
      supportedLanguages: ['fr', 'en'],
      fallbackLanguage: 'fr',
    }),
  );
  app.use(async (c, next) => {
    const language = c.get('language' as never) as string;
    const locale = isLocale(language) ? language : 'fr';
    c.set('locale', locale);
    c.set('t', translator(locale));
    const chosen = c.req.query('lang');
    if (isLocale(chosen) && getCookie(c, 'lang') !== chosen) {
      setCookie(c, 'lang', chosen, { path: '/', sameSite: 'Lax', secure: true, httpOnly: true, maxAge: 31_536_000 });
    }
    const missing = REQUIRED_SECRETS.filter((name) => !c.env[name]);
    if (missing.length > 0) {
      // Names only, never values.
      log.error('missing_secrets', undefined, { names: missing.join(',') });
      throw new AppError('misconfigured');
    }
    // D1 reads go to the nearest replica, from the voter's bookmark if any (platform/database.ts).
    const bookmark = readBookmark(c);
    const services = buildServices(c.env, resolved, bookmark, executionContext(c));
    c.set('services', services);
    await next();
    handOverBookmark(c, bookmark, services.d1Bookmark());
  });
  app.use(csrf());
  const tooLarge = () => {
    throw new AppError('payload_too_large');
  };
  const formLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
  const operatorLimit = bodyLimit({ maxSize: MAX_OPERATOR_BODY_BYTES, onError: tooLarge });
  const ballotLimit = bodyLimit({ maxSize: MAX_BALLOT_BODY_BYTES, onError: tooLarge });
  app.use((c, next) =>
    (c.req.path === BALLOT ? ballotLimit : isOperatorApi(c.req.path) || isHook(c.req.path) ? operatorLimit : formLimit)(
      c,
      next,
    ),
  );

  // public/_private/ (the audio code's clips) is read through the ASSETS binding only;
  // wrangler.toml's run_worker_first sends every request for it here, and it does not exist.
  app.all('/_private/*', () => {
    throw new AppError('not_found');
  });
  app.route('/_dev', devRoutes);
  app.route(OPERATOR_API, operatorApi);
  app.route(HOOKS, webhookRoutes);
  app.route('/operateur', consoleRoutes);
  app.route('/vote', voteRoutes);
  app.route('/vote', boothRoutes);
  app.route('/verifier', verifierRoutes);
  app.route('/resultats', resultsRoutes);
  app.route('/', captchaRoutes);
  app.route('/', loginRoutes);
  app.route('/', identifierRenewalRoutes);
  app.route('/', passwordRenewalRoutes);
  app.route('/', helpRoutes);

  // A sub-app's own notFound is not used once it is mounted (hono): the API's unknown paths
  // must still answer the API's JSON, not the voters' HTML page.
  app.notFound((c) =>
    isOperatorApi(c.req.path)
      ? refusal(c, 404, 'operator.error.not_found')
      : errorPage(c, ERRORS.not_found.message, ERRORS.not_found.status),
  );
  app.onError((err, c) => {
    const answer = describeError(err);
    // Our code and the error's name, never its message: a driver's message carries the
    // statement's parameters (a NUMIC, an address, a letter to the assistance cell).
    if (err instanceof AppError ? err.code !== 'not_found' : answer.status >= 500) {
      log.error(answer.code, err, { reason: err instanceof AppError ? err.reason : undefined });
    }
    if (isOperatorApi(c.req.path)) {
      // Also when the error came before the API's own no-store (authenticating, say).
      c.header('Cache-Control', 'no-store');
      const key = answer.status >= 500 ? 'operator.error.unavailable' : 'operator.error.bad_request';
      return refusal(c, answer.status, key, { detail: answer.code });
    }
    if (isHook(c.req.path)) {
      // A provider's webhook reads JSON; a 503 with Retry-After has it send the receipt again.
      c.header('Cache-Control', 'no-store');
      return c.json({ error: answer.status >= 500 ? 'unavailable' : answer.code }, answer.status);
    }
    if (c.req.path === BALLOT) {
      // The booth reads the cast's answer as JSON and shows its message: an HTML page would
      // leave the voter with a bare "failed". Nothing was cast (the box's own silence is the
      // route's `unavailable`), so the message is the one that says so.
      c.header('Cache-Control', 'no-store');
      const t = c.get('t') ?? translator('fr');
      const error = answer.code === 'storage_unavailable' ? 'unavailable' : answer.code;
      return c.json({ error, message: t(answer.message) }, answer.status);
    }
    return errorPage(c, answer.message, answer.status);
  });
  return app;
}

/** The request's execution context; absent when the app is called without one (tests). */
function executionContext(c: Context<AppEnv>): ExecutionContext | undefined {
  try {
    return c.executionCtx as ExecutionContext;
  } catch {
    return undefined;
  }
}

function errorPage(c: Context<AppEnv>, key: MessageKey, status: ContentfulStatusCode) {
  const locale = c.get('locale') ?? 'fr';
  const t = c.get('t') ?? translator(locale);
  c.header('Cache-Control', 'no-store');
  return c.html(<ErrorPage t={t} locale={locale} message={t(key)} />, status);
}
