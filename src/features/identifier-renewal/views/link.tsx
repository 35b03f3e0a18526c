/** Écran 5 — the link's page, and the one page for a link that cannot be used. */
import type { Child } from 'hono/jsx';
import type { Locale, Translate } from '../../../i18n';
import { CaptchaField, ErrorSummary, Field, FormActions, Notice, type FieldErrors } from '../../../views/form';
import { Layout } from '../../../views/layout';

export interface LinkPageProps {
  t: Translate;
  locale: Locale;
  electionTitle: string;
  ref: string;
  token: string;
  captchaId: string;
  errors?: FieldErrors;
  notice?: Child;
}

/**
 * The form posts to `/r`: the link travels in hidden fields, so the POST's URL (which the
 * platform logs) holds no token.
 */
export function LinkPage({ t, locale, electionTitle, ref, token, captchaId, errors = {}, notice }: LinkPageProps) {
  return (
    <Layout
      t={t}
      locale={locale}
      title={t('identifierRenewal.linkTitle')}
      electionTitle={electionTitle}
      path={`/r/${ref}/${token}`}
      scripts={['/js/app.js']}
    >
      <h1>{t('identifierRenewal.linkTitle')}</h1>
      <p>{t('identifierRenewal.linkShown')}</p>
      <p>{t('identifierRenewal.linkNeeds')}</p>
      <p>{t('renewal.bothRule')}</p>
      <p>{t('identifierRenewal.linkAsk')}</p>
      {notice && <Notice kind="warning">{notice}</Notice>}
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action="/r" novalidate>
        <input type="hidden" name="ref" value={ref} />
        <input type="hidden" name="token" value={token} />
        <Field
          name="password"
          type="password"
          label={t('identifierRenewal.password')}
          hint={t('identifierRenewal.passwordHint')}
          error={errors.password}
          autocomplete="current-password"
          maxlength={128}
        />
        <CaptchaField t={t} captchaId={captchaId} error={errors.captcha} prompt="captcha.promptAbove" />
        <FormActions t={t} submit={t('identifierRenewal.validate')} />
      </form>
      <p>
        <a href="/">{t('meta.back')}</a>
      </p>
    </Layout>
  );
}

export interface ProblemPageProps {
  t: Translate;
  locale: Locale;
  electionTitle: string;
  title: string;
  message: string;
  /** "ask for a new link" (a link that cannot be used) or "contact the assistance". */
  next: 'ask-again' | 'assistance' | 'none';
  rule?: boolean;
}

/** One clear page for every link that cannot be used, and for the refusals of Valider. */
export function ProblemPage({ t, locale, electionTitle, title, message, next, rule }: ProblemPageProps) {
  return (
    <Layout t={t} locale={locale} title={title} electionTitle={electionTitle} path="/identifiant-perdu">
      <h1>{title}</h1>
      <p role="alert">{message}</p>
      {rule && <p>{t('renewal.bothRule')}</p>}
      {next === 'ask-again' && (
        <p>
          <a class="button primary" href="/identifiant-perdu">
            {t('identifierRenewal.askAgain')}
          </a>
        </p>
      )}
      {next === 'assistance' && (
        <p>
          <a class="button primary" href="/aide">
            {t('identifierRenewal.contactHelp')}
          </a>
        </p>
      )}
      <p>
        <a href="/">{t('meta.back')}</a>
      </p>
    </Layout>
  );
}
