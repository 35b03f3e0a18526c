/**
 * "Mentions légales et données personnelles": who runs the portal, what personal data it
 * keeps, why, for how long, and the voter's rights (RGPD). The durations quoted here are
 * the code's own (session, link and code lifetimes), passed in so the text cannot drift.
 */
import type { Locale, Translate } from '../../../i18n';
import { Layout } from '../../../views/layout';

export const CNIL_COMPLAINT = 'https://www.cnil.fr/fr/plaintes';

export interface Durations {
  sessionMinutes: number;
  linkMinutes: number;
  codeMinutes: number;
}

export function LegalPage({
  t,
  locale,
  electionTitle,
  durations,
}: {
  t: Translate;
  locale: Locale;
  electionTitle?: string;
  durations: Durations;
}) {
  const d = { ...durations };
  return (
    <Layout t={t} locale={locale} title={t('legal.title')} electionTitle={electionTitle} path="/mentions-legales">
      <div class="prose">
        <h1>{t('legal.title')}</h1>

        <h2>{t('legal.publisherTitle')}</h2>
        <p>{t('legal.publisher')}</p>

        <h2>{t('legal.hostTitle')}</h2>
        <p>{t('legal.host')}</p>

        <h2>{t('legal.dataTitle')}</h2>
        <p>{t('legal.controller')}</p>

        <h3>{t('legal.whatTitle')}</h3>
        <ul>
          <li>{t('legal.what.roll')}</li>
          <li>{t('legal.what.credentials')}</li>
          <li>{t('legal.what.audit')}</li>
          <li>{t('legal.what.assistance')}</li>
          <li>{t('legal.what.technical', d)}</li>
        </ul>

        <h3>{t('legal.cookiesTitle')}</h3>
        <p>{t('legal.cookies', d)}</p>

        <h3>{t('legal.recipientsTitle')}</h3>
        <p>{t('legal.recipients')}</p>

        <h3>{t('legal.rightsTitle')}</h3>
        <p>{t('legal.rights')}</p>
        <p>
          <a href="/aide?topic=data#contact">{t('a11y.helpLink')}</a>
        </p>
        <p>{t('legal.cnil')}</p>
        <p>
          <a href={CNIL_COMPLAINT} hreflang="fr">
            {t('legal.cnilLink')}
          </a>
        </p>
      </div>
    </Layout>
  );
}
