/** Écran 1 — the login screen, texts of the source document. */
import type { Election } from '../../../db/schema';
import type { Locale, Translate } from '../../../i18n';
import { formatParisNamed } from '../../../i18n/dates';
import { WindowDates } from '../../../views/dates';
import { windowState } from '../../../platform/election';
import { Layout } from '../../../views/layout';
import { CaptchaField, ErrorSummary, Field, FormActions, Notice, type FieldErrors } from '../../../views/form';
import type { Child } from 'hono/jsx';

export interface LoginPageProps {
  t: Translate;
  locale: Locale;
  election: Election;
  now: number;
  captchaId: string;
  values?: { identifier?: string };
  errors?: FieldErrors;
  notice?: Child;
}

export function LoginPage({ t, locale, election, now, captchaId, values = {}, errors = {}, notice }: LoginPageProps) {
  const state = windowState(election, now);
  return (
    <Layout t={t} locale={locale} title={t('login.title')} electionTitle={election.title} scripts={['/js/app.js']}>
      <h1>{t('login.welcome')}</h1>
      <WindowDates t={t} locale={locale} election={election} now={now} />
      {state === 'before' && (
        <Notice kind="warning">{t('login.notOpen', { date: formatParisNamed(election.opensAt, locale, t) })}</Notice>
      )}
      {state === 'closed' && (
        <Notice kind="warning">{t('login.closed', { date: formatParisNamed(election.closesAt, locale, t) })}</Notice>
      )}
      {notice && <Notice kind="warning">{notice}</Notice>}
      <ErrorSummary t={t} errors={errors} />
      {state === 'open' && (
        <form method="post" action="/login" novalidate>
          <p class="required-note">{t('meta.required')}</p>
          <Field
            name="identifier"
            label={t('login.identifier')}
            value={values.identifier}
            error={errors.identifier}
            autocomplete="username"
            maxlength={64}
            after={
              <p class="field-link">
                <a href="/identifiant-perdu">{t('login.identifierLost')}</a>
              </p>
            }
          />
          <Field
            name="password"
            type="password"
            label={t('login.password')}
            error={errors.password}
            autocomplete="current-password"
            maxlength={128}
            after={
              <p class="field-link">
                <a href="/mot-de-passe-perdu">{t('login.passwordLost')}</a>
              </p>
            }
          />
          <CaptchaField t={t} captchaId={captchaId} error={errors.captcha} prompt="captcha.prompt" />
          <FormActions t={t} submit={t('login.submit')} />
        </form>
      )}
      {state !== 'open' && (
        <ul class="links">
          <li>
            <a href="/identifiant-perdu">{t('login.identifierLost')}</a>
          </li>
          <li>
            <a href="/mot-de-passe-perdu">{t('login.passwordLost')}</a>
          </li>
        </ul>
      )}
    </Layout>
  );
}

// The dates block is shared by every screen that shows the window.
export { WindowDates };
