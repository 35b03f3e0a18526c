/**
 * The operators' console (`/operateur`, SPEC.md "Console"): server-rendered like the voters'
 * screens — the same security headers and CSRF check, French and English — and marked noindex.
 * Every page is behind the operators' authentication (platform/operators/auth.ts): Cloudflare
 * Access's JWT on each request, or locally the operator password, which the login page trades
 * for a session cookie. Every page and action is checked against the role table, and every
 * action and every opening of a voter's file is audited with the operator's identity.
 */
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { MessageKey } from '../../../i18n';
import { CONSOLE_SESSION_MS } from '../../../platform/operators/auth';
import { readForm } from '../../../platform/validation';
import { Field } from '../../../views/form';
import { approvalRoutes } from './approvals';
import { auditRoutes } from './audit';
import type { ConsoleContext, ConsoleEnv } from './context';
import { deliveryRoutes } from './delivery';
import { ConsoleLayout, Flash } from './layout';
import { ticketRoutes } from './tickets';
import { voterRoutes } from './voters';

export const consoleRoutes = new Hono<ConsoleEnv>();

/** The local password mode's console session (Access sends its own JWT on every request). */
export const CONSOLE_COOKIE = '__Host-isoloir-operator';
const OPEN = new Set(['/operateur', '/operateur/', '/operateur/connexion']);

consoleRoutes.use('*', async (c, next) => {
  // The operator API has its own door (JSON refusals): not this one.
  if (c.req.path.startsWith('/operateur/api')) return next();
  c.header('Cache-Control', 'no-store');
  c.header('X-Robots-Tag', 'noindex, nofollow');
  const s = c.var.services;
  const result = await s.operators.authenticate(
    {
      host: new URL(c.req.url).host,
      headers: { get: (name) => c.req.header(name) },
      clientAddress: c.req.header('cf-connecting-ip') ?? 'local',
      session: getCookie(c, CONSOLE_COOKIE),
    },
    s.clock(),
  );
  if (result.ok) {
    c.set('operator', result.operator);
    return next();
  }
  if (OPEN.has(c.req.path)) return next();
  if (c.req.method === 'GET') return c.redirect('/operateur', 303);
  return loginPage(c, result.refusal, 401);
});

function loginPage(c: ConsoleContext, refusal?: string, status: 401 | 200 | 429 = 200, passwordError?: string) {
  const { t, locale } = c.var;
  const passwordMode = Boolean(c.env.OPERATOR_PASSWORD);
  const reason =
    refusal && refusal !== 'missing_credentials'
      ? t(`operator.error.${refusal}` as MessageKey, { wait: '' })
      : undefined;
  return c.html(
    <ConsoleLayout t={t} locale={locale} title={t('console.login.title')} path="/operateur">
      <h1>{t('console.login.title')}</h1>
      <Flash error={reason && t('console.login.refused', { reason })} />
      {passwordMode ? (
        <form method="post" action="/operateur/connexion" novalidate>
          <p>{t('console.login.intro')}</p>
          <Field
            name="password"
            type="password"
            label={t('console.login.password')}
            autocomplete="current-password"
            error={passwordError}
          />
          <div class="actions">
            <button type="submit" class="primary">
              {t('console.login.submit')}
            </button>
          </div>
        </form>
      ) : (
        <p>{t('console.login.access')}</p>
      )}
    </ConsoleLayout>,
    status,
  );
}

consoleRoutes.get('/', async (c) => {
  const operator = c.get('operator') as ConsoleEnv['Variables']['operator'] | undefined;
  if (!operator) return loginPage(c);
  const { t, locale, services: s } = c.var;
  const [open, pending] = await Promise.all([s.assistance.count('open'), s.approvals.pending()]);
  return c.html(
    <ConsoleLayout t={t} locale={locale} title={t('console.home.title')} path="/operateur" operator={operator}>
      <h1>{t('console.home.title')}</h1>
      <p>{t('console.home.intro')}</p>
      <ul class="links">
        <li>
          <a href="/operateur/tickets?statut=open">{t('console.home.openTickets', { count: open })}</a>
        </li>
        <li>
          <a href="/operateur/approbations">{t('console.home.pending', { count: pending.length })}</a>
        </li>
      </ul>
    </ConsoleLayout>,
  );
});

consoleRoutes.post('/connexion', async (c) => {
  const { services: s, t } = c.var;
  const body = await readForm(c);
  const password = body?.password ?? '';
  const now = s.clock();
  const result = await s.operators.authenticate(
    {
      host: new URL(c.req.url).host,
      headers: { get: (name) => (name === 'authorization' && password ? `Bearer ${password}` : null) },
      clientAddress: c.req.header('cf-connecting-ip') ?? 'local',
    },
    now,
  );
  const session = result.ok ? await s.operators.openSession(now) : null;
  if (!result.ok || !session) {
    await s.audit.record({
      event: 'operator.auth',
      at: now,
      outcome: 'failure',
      detail: JSON.stringify({ reason: result.ok ? 'no_session' : result.refusal, path: c.req.path }),
    });
    // A form posted without a password says which field is missing (the page loaded without
    // one says nothing: that is how everyone arrives).
    return loginPage(
      c,
      result.ok ? 'not_configured' : result.refusal,
      result.ok ? 401 : result.refusal === 'throttled' ? 429 : 401,
      !result.ok && result.refusal === 'missing_credentials' ? t('field.required') : undefined,
    );
  }
  setCookie(c, CONSOLE_COOKIE, session, {
    path: '/',
    secure: true,
    httpOnly: true,
    sameSite: 'Strict',
    maxAge: CONSOLE_SESSION_MS / 1000,
  });
  return c.redirect('/operateur', 303);
});

consoleRoutes.post('/deconnexion', (c) => {
  deleteCookie(c, CONSOLE_COOKIE, { path: '/', secure: true });
  return c.redirect('/operateur', 303);
});

consoleRoutes.route('/tickets', ticketRoutes);
consoleRoutes.route('/electeurs', voterRoutes);
consoleRoutes.route('/approbations', approvalRoutes);
consoleRoutes.route('/envois', deliveryRoutes);
consoleRoutes.route('/', auditRoutes);
