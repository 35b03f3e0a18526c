/**
 * Password renewal: `GET/POST /mot-de-passe-perdu`, reached from the login screen's "Mot de
 * passe perdu ou non reçu ?". Handlers parse, call one service, render.
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../env';
import { formatParisNamed } from '../../i18n/dates';
import { renewalState } from '../../platform/election';
import { COOLING_OFF_MS } from '../../platform/guard/renewal';
import { validForm } from '../../platform/validation';
import type { FieldErrors } from '../../platform/validation';
import { refusalView } from '../../views/refusal';
import { requestSchema } from './schemas';
import { requestPasswordRenewal, type PasswordRenewalOutcome } from './service';
import { RefusedPage, RequestPage, SentPage } from './views/pages';

export const passwordRenewalRoutes = new Hono<AppEnv>();

type Values = { identifier?: string; numic?: string };

async function windowNotice(c: Context<AppEnv>, state: 'before' | 'closed') {
  const { t, locale, services: s } = c.var;
  const election = await s.election.current();
  return state === 'before'
    ? t('passwordRenewal.before')
    : t('passwordRenewal.closed', { date: formatParisNamed(election.closesAt, locale, t) });
}

async function renderForm(
  c: Context<AppEnv>,
  opts: { values?: Values; errors?: FieldErrors; notice?: string; closed?: boolean; status?: 200 | 400 | 429 } = {},
) {
  const { services: s, t, locale } = c.var;
  const election = await s.election.current();
  const captchaId = opts.closed ? null : await s.captcha.issue(s.clock(), c.var.locale);
  c.header('Cache-Control', 'no-store');
  return c.html(
    <RequestPage
      t={t}
      locale={locale}
      electionTitle={election.title}
      captchaId={captchaId}
      values={opts.values}
      errors={opts.errors}
      notice={opts.notice}
    />,
    opts.status ?? 200,
  );
}

passwordRenewalRoutes.get('/mot-de-passe-perdu', async (c) => {
  const s = c.var.services;
  const state = renewalState(await s.election.current(), s.clock());
  if (state !== 'open') return renderForm(c, { notice: await windowNotice(c, state), closed: true });
  return renderForm(c);
});

passwordRenewalRoutes.post(
  '/mot-de-passe-perdu',
  validForm(requestSchema, (c, values, errors) =>
    renderForm(c, {
      values: { identifier: values.identifier, numic: values.numic },
      errors,
      status: errors ? 400 : 200,
    }),
  ),
  async (c) => {
    const input = c.req.valid('form');
    const outcome = await requestPasswordRenewal(c.var.services, {
      ...input,
      clientAddress: c.req.header('cf-connecting-ip') ?? 'local',
    });
    return renderOutcome(c, { identifier: input.identifier, numic: input.numic }, outcome);
  },
);

async function renderOutcome(c: Context<AppEnv>, values: Values, outcome: PasswordRenewalOutcome) {
  const { services: s, t, locale } = c.var;
  const election = await s.election.current();
  c.header('Cache-Control', 'no-store');
  switch (outcome.kind) {
    case 'sent':
      return c.html(<SentPage t={t} locale={locale} electionTitle={election.title} />);
    case 'cooling-off':
      return c.html(
        <RefusedPage
          t={t}
          locale={locale}
          electionTitle={election.title}
          title={t('passwordRenewal.refusedTitle')}
          message={t('passwordRenewal.coolingOff', { hours: COOLING_OFF_MS / 3_600_000 })}
          rule
        />,
        409,
      );
    case 'failed':
      return c.html(
        <RefusedPage
          t={t}
          locale={locale}
          electionTitle={election.title}
          title={t('error.title')}
          message={t('passwordRenewal.failed')}
          rule={false}
        />,
        503,
      );
    case 'captcha':
    case 'throttled':
    case 'address-limited':
      return renderForm(c, { values, ...refusalView(outcome, t, { throttled: 'passwordRenewal.throttled' }) });
    case 'window':
      return renderForm(c, { values, notice: await windowNotice(c, outcome.state), closed: true, status: 400 });
  }
}
