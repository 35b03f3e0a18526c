/**
 * Écran 6 — the new identifier, shown once: rendered in the response to "Valider" (never in
 * a URL), `Cache-Control: no-store`. The copy button is hidden until the page's script
 * (src/client/copy.ts) wires it up; without the script the identifier is plain text to copy.
 */
import type { Locale, Translate } from '../../../i18n';
import { Layout } from '../../../views/layout';

export function RenewedPage({ t, locale, electionTitle, identifier }: { t: Translate; locale: Locale; electionTitle: string; identifier: string }) {
  return (
    <Layout t={t} locale={locale} title={t('identifierRenewal.doneTitle')} electionTitle={electionTitle} path="/" scripts={['/js/app.js']}>
      <h1>{t('identifierRenewal.doneTitle')}</h1>
      <p>{t('identifierRenewal.doneIntro')}</p>
      <p class="identifier">
        <strong id="new-identifier" translate="no">
          {identifier}
        </strong>
      </p>
      <p>
        <button type="button" class="secondary copy" data-copy={identifier} data-copied={t('identifierRenewal.copied')} hidden>
          {t('identifierRenewal.copy')}
        </button>
        <span class="copy-status" role="status" aria-live="polite"></span>
      </p>
      <p>
        <strong>{t('identifierRenewal.doneKeep')}</strong>
      </p>
      <p>{t('identifierRenewal.doneOld')}</p>
      <p>
        <a class="button primary" href="/">
          {t('identifierRenewal.toLogin')}
        </a>
      </p>
    </Layout>
  );
}
