/** "Renouvellement de votre mot de passe": the form, the confirmation, the refusals. */
import type { Child } from 'hono/jsx';
import type { Locale, Translate } from '../../../i18n';
import { CaptchaField, ErrorSummary, Field, FormActions, Notice, type FieldErrors } from '../../../views/form';
import { Layout } from '../../../views/layout';

interface Common {
  t: Translate;
  locale: Locale;
  electionTitle: string;
}

export interface RequestPageProps extends Common {
  /** Null when renewal is not possible (before the roll is loaded, after closing). */
  captchaId: string | null;
  values?: { identifier?: string; numic?: string };
  errors?: FieldErrors;
  notice?: Child;
}

export function RequestPage({
  t,
  locale,
  electionTitle,
  captchaId,
  values = {},
  errors = {},
  notice,
}: RequestPageProps) {
  return (
    <Layout
      t={t}
      locale={locale}
      title={t('passwordRenewal.title')}
      electionTitle={electionTitle}
      path="/mot-de-passe-perdu"
      scripts={['/js/app.js']}
    >
      <h1>{t('passwordRenewal.title')}</h1>
      <p>{t('passwordRenewal.intro')}</p>
      <p>{t('passwordRenewal.bySms')}</p>
      <p>{t('renewal.bothRule')}</p>
      {notice && <Notice kind="warning">{notice}</Notice>}
      <ErrorSummary t={t} errors={errors} />
      {captchaId && (
        <form method="post" action="/mot-de-passe-perdu" novalidate>
          <Field
            name="identifier"
            label={t('passwordRenewal.identifier')}
            hint={t('passwordRenewal.identifierHint')}
            value={values.identifier}
            error={errors.identifier}
            autocomplete="username"
            maxlength={64}
          />
          <Field
            name="numic"
            label={t('passwordRenewal.numic')}
            hint={t('passwordRenewal.numicHint')}
            value={values.numic}
            error={errors.numic}
            inputmode="numeric"
            autocomplete="off"
            maxlength={32}
          />
          <CaptchaField t={t} captchaId={captchaId} error={errors.captcha} prompt="captcha.promptAbove" />
          <FormActions t={t} submit={t('passwordRenewal.submit')} />
        </form>
      )}
      <p>
        <a href="/">{t('meta.back')}</a>
      </p>
    </Layout>
  );
}

/** The one confirmation: the same bytes whether or not identifier and NUMIC matched. */
export function SentPage({ t, locale, electionTitle }: Common) {
  return (
    <Layout
      t={t}
      locale={locale}
      title={t('passwordRenewal.sentTitle')}
      electionTitle={electionTitle}
      path="/mot-de-passe-perdu"
    >
      <h1>{t('passwordRenewal.sentTitle')}</h1>
      <div role="status">
        <p>{t('passwordRenewal.sentReceived')}</p>
        <p>{t('passwordRenewal.sentSms')}</p>
      </div>
      <p>{t('passwordRenewal.sentUse')}</p>
      <p>{t('passwordRenewal.notArrived')}</p>
      <ul>
        <li>{t('passwordRenewal.notArrivedWait')}</li>
        <li>{t('passwordRenewal.notArrivedNumber')}</li>
        <li>
          <a href="/aide">{t('passwordRenewal.notArrivedHelp')}</a>
        </li>
      </ul>
      <p>
        <a href="/">{t('meta.back')}</a>
      </p>
    </Layout>
  );
}

/** A plain refusal (the one-at-a-time rule, a technical failure), with the way out. */
export function RefusedPage({
  t,
  locale,
  electionTitle,
  title,
  message,
  rule,
}: Common & { title: string; message: string; rule: boolean }) {
  return (
    <Layout t={t} locale={locale} title={title} electionTitle={electionTitle} path="/mot-de-passe-perdu">
      <h1>{title}</h1>
      <p role="alert">{message}</p>
      {rule && <p>{t('renewal.bothRule')}</p>}
      <p>
        <a class="button primary" href="/aide">
          {t('passwordRenewal.contactHelp')}
        </a>
      </p>
      <p>
        <a href="/">{t('meta.back')}</a>
      </p>
    </Layout>
  );
}
