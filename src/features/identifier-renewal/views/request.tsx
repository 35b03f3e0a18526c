/** Écran 2 — "Renouvellement de votre identifiant", texts of the source document. */
import type { Child } from 'hono/jsx';
import type { Locale, Translate } from '../../../i18n';
import { CaptchaField, ErrorSummary, Field, FormActions, Notice, type FieldErrors } from '../../../views/form';
import { Layout } from '../../../views/layout';

export interface RequestPageProps {
  t: Translate;
  locale: Locale;
  electionTitle: string;
  /** Null when renewal is not possible (before the roll is loaded, after closing). */
  captchaId: string | null;
  values?: { numic?: string; email?: string };
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
      title={t('identifierRenewal.title')}
      electionTitle={electionTitle}
      path="/identifiant-perdu"
      scripts={['/js/app.js']}
    >
      <h1>{t('identifierRenewal.title')}</h1>
      <p>{t('identifierRenewal.intro')}</p>
      <p>{t('identifierRenewal.linkByEmail')}</p>
      {notice && <Notice kind="warning">{notice}</Notice>}
      <ErrorSummary t={t} errors={errors} />
      {captchaId && (
        <form method="post" action="/identifiant-perdu" novalidate>
          <Field
            name="numic"
            label={t('identifierRenewal.numic')}
            hint={t('identifierRenewal.numicHint')}
            value={values.numic}
            error={errors.numic}
            inputmode="numeric"
            autocomplete="off"
            maxlength={32}
          />
          <Field
            name="email"
            type="email"
            label={t('identifierRenewal.email')}
            hint={t('identifierRenewal.emailHint')}
            value={values.email}
            error={errors.email}
            inputmode="email"
            autocomplete="email"
            maxlength={254}
          />
          <CaptchaField t={t} captchaId={captchaId} error={errors.captcha} prompt="captcha.promptAbove" />
          <FormActions t={t} submit={t('identifierRenewal.submit')} />
        </form>
      )}
      <p>
        <a href="/">{t('meta.back')}</a>
      </p>
    </Layout>
  );
}

/**
 * Écran 3 — the same bytes whether or not a voter matched: nothing in it depends on the
 * request but the language.
 */
export function SentPage({ t, locale, electionTitle }: { t: Translate; locale: Locale; electionTitle: string }) {
  return (
    <Layout
      t={t}
      locale={locale}
      title={t('identifierRenewal.sentTitle')}
      electionTitle={electionTitle}
      path="/identifiant-perdu"
    >
      <h1>{t('identifierRenewal.sentTitle')}</h1>
      <div role="status">
        <p>{t('identifierRenewal.sentReceived')}</p>
        <p>{t('identifierRenewal.sentEmail')}</p>
      </div>
      <p>{t('identifierRenewal.sentSpam')}</p>
      <p>
        <a href="/">{t('meta.back')}</a>
      </p>
    </Layout>
  );
}
