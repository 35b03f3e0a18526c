/**
 * "Déclaration d'accessibilité": the statement a French public service owes (RGAA 4.1), in
 * the official model's order — status, gaps, how to get help, recourse.
 */
import type { Locale, Translate } from '../../../i18n';
import { Layout } from '../../../views/layout';

export const DEFENSEUR_FORM = 'https://formulaire.defenseurdesdroits.fr/';
export const DEFENSEUR_DELEGATES = 'https://www.defenseurdesdroits.fr/carte-des-delegues';

export function AccessibilityPage({
  t,
  locale,
  electionTitle,
}: {
  t: Translate;
  locale: Locale;
  electionTitle?: string;
}) {
  return (
    <Layout t={t} locale={locale} title={t('a11y.title')} electionTitle={electionTitle} path="/accessibilite">
      <div class="prose">
        <h1>{t('a11y.title')}</h1>
        <p>{t('a11y.commitment')}</p>

        <h2>{t('a11y.statusTitle')}</h2>
        <p>{t('a11y.status')}</p>
        <p>{t('a11y.effort')}</p>

        <h2>{t('a11y.gapsTitle')}</h2>
        <ul>
          <li>{t('a11y.gap.audio')}</li>
          <li>{t('a11y.gap.languages')}</li>
          <li>{t('a11y.gap.messages')}</li>
        </ul>

        <h2>{t('a11y.techTitle')}</h2>
        <p>{t('a11y.tech')}</p>

        <h2>{t('a11y.testsTitle')}</h2>
        <p>{t('a11y.tests')}</p>

        <h2>{t('a11y.helpTitle')}</h2>
        <p>{t('a11y.help')}</p>
        <p>
          <a href="/aide?topic=accessibility#contact">{t('a11y.helpLink')}</a>
        </p>

        <h2>{t('a11y.recourseTitle')}</h2>
        <p>{t('a11y.recourse')}</p>
        <ul>
          <li>
            <a href={DEFENSEUR_FORM} hreflang="fr">
              {t('a11y.recourse.form')}
            </a>
          </li>
          <li>
            <a href={DEFENSEUR_DELEGATES} hreflang="fr">
              {t('a11y.recourse.delegate')}
            </a>
          </li>
          <li>
            {t('a11y.recourse.mail')}
            <address>{t('a11y.recourse.address')}</address>
          </li>
        </ul>
      </div>
    </Layout>
  );
}
