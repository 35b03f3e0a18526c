/** The voter space after login: the voter's election, its window, and logging out. */
import type { Election } from '../../../db/schema';
import type { Locale, Translate } from '../../../i18n';
import { formatParisNamed } from '../../../i18n/dates';
import { Layout } from '../../../views/layout';
import { WindowDates } from './login';

export function SpacePage({
  t,
  locale,
  election,
  now,
}: {
  t: Translate;
  locale: Locale;
  election: Election;
  now: number;
}) {
  return (
    <Layout
      t={t}
      locale={locale}
      title={t('space.title')}
      electionTitle={election.title}
      path="/espace"
      scripts={['/js/app.js']}
    >
      <h1>{t('space.title')}</h1>
      <p>{t('space.welcome')}</p>
      <p>{t('space.election', { title: election.title })}</p>
      <p>
        {t('space.window', {
          opening: formatParisNamed(election.opensAt, locale, t),
          closing: formatParisNamed(election.closesAt, locale, t),
        })}
      </p>
      <WindowDates t={t} locale={locale} election={election} now={now} />
      <p>
        <a class="button primary" href="/vote">
          {t('booth.vote')}
        </a>
      </p>
      <form method="post" action="/deconnexion">
        <button type="submit" class="secondary">
          {t('space.logout')}
        </button>
      </form>
    </Layout>
  );
}
