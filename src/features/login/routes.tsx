/**
 * Écran 1 (login), the voter space and logout. Handlers parse, call one service, render.
 */
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../../env';
import { windowState } from '../../platform/election';
import { remainingText } from '../../i18n/dates';
import { withCode } from '../../views/code-slot';
import { SESSION_COOKIE } from '../../platform/sessions';
import { validForm } from '../../platform/validation';
import type { FieldErrors } from '../../platform/validation';
import { refusalView } from '../../views/refusal';
import { loginSchema } from './schemas';
import { attemptLogin, endSession, openSession } from './service';
import { LoginPage } from './views/login';
import { SpacePage } from './views/space';

export const loginRoutes = new Hono<AppEnv>();

async function renderLogin(
  c: Context<AppEnv>,
  opts: {
    values?: { identifier?: string };
    errors?: FieldErrors;
    notice?: string;
    status?: 200 | 400 | 401 | 429;
  } = {},
) {
  const { services: s, t, locale } = c.var;
  const now = s.clock();
  const [election, captchaId] = await Promise.all([s.election.current(), s.captcha.issue(now, locale)]);
  c.header('Cache-Control', 'no-store');
  const { values, errors, notice, status = 200 } = opts;
  const page = (id: string, identifier = values?.identifier) => (
    <LoginPage
      t={t}
      locale={locale}
      election={election}
      now={now}
      captchaId={id}
      values={{ identifier }}
      errors={errors}
      notice={notice}
    />
  );
  // Field errors and notices (a wait, a refusal) vary: rendered each time.
  if (notice || Object.keys(errors ?? {}).some((field) => field !== 'form')) return c.html(page(captchaId), status);
  // The blank screen every voter loads and the answer to a wrong password, the same for
  // every voter but the code and the identifier typed: rendered once per language and
  // minute (views/code-slot.ts). Rendering the JSX anew was ~0.1 ms of a wrong password.
  const shown = `${windowState(election, now)}|${remainingText(election.closesAt, now, t)}|${errors?.form ?? ''}`;
  const key = `login|${locale}|${election.id}|${election.title}|${election.opensAt}|${election.closesAt}|${shown}`;
  return c.html(await withCode(key, captchaId, now, page, values?.identifier), status);
}

loginRoutes.get('/', (c) => renderLogin(c));

loginRoutes.post(
  '/login',
  validForm(loginSchema, (c, values, errors) =>
    renderLogin(c, { values: { identifier: values.identifier }, errors, status: errors ? 400 : 200 }),
  ),
  async (c) => {
    const input = c.req.valid('form');
    const outcome = await attemptLogin(c.var.services, {
      ...input,
      clientAddress: c.req.header('cf-connecting-ip') ?? 'local',
    });
    if (outcome.kind === 'ok') {
      setCookie(c, SESSION_COOKIE, outcome.sessionId, {
        path: '/',
        secure: true,
        httpOnly: true,
        sameSite: 'Strict',
        expires: new Date(outcome.expiresAt),
      });
      return c.redirect('/espace', 303);
    }
    const values = { identifier: input.identifier };
    if (outcome.kind === 'failed')
      return renderLogin(c, { values, errors: { form: c.var.t('login.failed') }, status: 401 });
    if (outcome.kind === 'window') return renderLogin(c, { values, status: 400 });
    return renderLogin(c, { values, ...refusalView(outcome, c.var.t) });
  },
);

loginRoutes.get('/espace', async (c) => {
  const { services: s, t, locale } = c.var;
  // A renewal or a logout ends a session at once; closing ends them all.
  const open = await openSession(s, getCookie(c, SESSION_COOKIE));
  if (!open) {
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
    return renderLogin(c, { notice: t('space.expired'), status: 401 });
  }
  c.header('Cache-Control', 'no-store');
  return c.html(<SpacePage t={t} locale={locale} election={open.election} now={s.clock()} />);
});

loginRoutes.post('/deconnexion', async (c) => {
  await endSession(c.var.services, getCookie(c, SESSION_COOKIE));
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
  return renderLogin(c, { notice: c.var.t('space.loggedOut') });
});
