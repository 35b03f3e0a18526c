/**
 * Écran 6 — the new identifier, shown once: rendered in the response to "Valider" (never in
 * a URL), `Cache-Control: no-store`. The copy button is hidden until the page's script
 * (src/client/copy.ts) wires it up; without the script the identifier is plain text to copy.
 */
import { translator, type Locale, type Translate } from '../../../i18n';
import { Layout } from '../../../views/layout';

export function RenewedPage({
  t,
  locale,
  electionTitle,
  identifier,
}: {
  t: Translate;
  locale: Locale;
  electionTitle: string;
  identifier: string;
}) {
  // This page cannot be shown again, so it has no language switch (following it would lose
  // the identifier); instead it says the essential in the other language too.
  const other: Locale = locale === 'fr' ? 'en' : 'fr';
  const o = translator(other);
  return (
    <Layout
      t={t}
      locale={locale}
      title={t('identifierRenewal.doneTitle')}
      electionTitle={electionTitle}
      path={null}
      scripts={['/js/app.js']}
    >
      <h1>{t('identifierRenewal.doneTitle')}</h1>
      <p>{t('identifierRenewal.doneIntro')}</p>
      <p class="identifier">
        <strong id="new-identifier" translate="no">
          {identifier}
        </strong>
      </p>
      <p>
        <button
          type="button"
          class="secondary copy"
          data-copy={identifier}
          data-copied={t('identifierRenewal.copied')}
          hidden
        >
          {t('identifierRenewal.copy')}
        </button>
        <span class="copy-status" role="status" aria-live="polite"></span>
      </p>
      <p>
        <strong>{t('identifierRenewal.doneKeep')}</strong>
      </p>
      <p>{t('identifierRenewal.doneOld')}</p>
      <p lang={other} class="other-language">
        {o('identifierRenewal.doneTitle')} — <span translate="no">{identifier}</span> —{' '}
        {o('identifierRenewal.doneKeep')}
      </p>
      <p>
        <a class="button primary" href="/">
          {t('identifierRenewal.toLogin')}
        </a>
      </p>
    </Layout>
  );
}
