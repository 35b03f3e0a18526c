/**
 * The page shell of every screen: doctype (hono/jsx does not emit one), `<html lang>`, the
 * election title, the FR/EN switch, the main landmark and the footer links a public service
 * owes. No inline script anywhere (the CSP forbids it): scripts come from /js/.
 */
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { Locale, Translate } from '../i18n';

export interface PageProps {
  t: Translate;
  locale: Locale;
  /** The page's own heading, also the start of the document title. */
  title: string;
  electionTitle?: string;
  /**
   * The path of this page, for the language switch; `null` on a page that cannot be shown
   * again (the new identifier is shown once), where following a link would lose it.
   */
  path?: string | null;
  scripts?: string[];
  /** Navigation under the banner (the operators' console). */
  nav?: Child;
  /** Pages no search engine may list (the console). */
  noindex?: boolean;
  children?: Child;
}

export function Layout({
  t,
  locale,
  title,
  electionTitle,
  path = '/',
  scripts = [],
  nav,
  noindex,
  children,
}: PageProps) {
  const other: Locale = locale === 'fr' ? 'en' : 'fr';
  const switchHref = path === null ? null : `${path}${path.includes('?') ? '&' : '?'}lang=${other}`;
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang={locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          {noindex && <meta name="robots" content="noindex, nofollow" />}
          <title>{`${title} — ${electionTitle ?? t('meta.portal')}`}</title>
          <link rel="stylesheet" href="/styles.css" />
          {scripts.map((src) => (
            <script type="module" src={src} defer></script>
          ))}
        </head>
        <body>
          <a class="skip" href="#main">
            {t('meta.skip')}
          </a>
          <header class="banner">
            <p class="election-title">{electionTitle ?? t('meta.portal')}</p>
            {switchHref && (
              <nav class="lang" aria-label="Langue / Language">
                <a href={switchHref} lang={other} hreflang={other} aria-label={t('meta.switchLabel')}>
                  {t('meta.switchTo')}
                </a>
              </nav>
            )}
          </header>
          {nav}
          <main id="main" tabindex={-1}>
            {children}
          </main>
          <footer class="footer">
            <ul>
              <li>
                <a class="help" href="/aide">
                  {t('meta.help')}
                </a>
              </li>
              <li>
                <a href="/accessibilite">{t('meta.accessibility')}</a>
              </li>
              <li>
                <a href="/mentions-legales">{t('meta.legal')}</a>
              </li>
            </ul>
          </footer>
        </body>
      </html>
    </>
  );
}
