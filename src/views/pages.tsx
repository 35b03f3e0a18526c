/** Error pages (404, 403, 413, 500, 503): translated, with the way back to the portal. */
import type { Locale, Translate } from '../i18n';
import { Layout } from './layout';

export function ErrorPage({ t, locale, message }: { t: Translate; locale: Locale; message: string }) {
  return (
    <Layout t={t} locale={locale} title={t('error.title')}>
      <h1>{t('error.title')}</h1>
      <p role="alert">{message}</p>
      <p>
        <a href="/">{t('meta.back')}</a>
      </p>
    </Layout>
  );
}
