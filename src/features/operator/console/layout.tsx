/**
 * The console's page shell: the voters' layout (same security headers, skip link, language
 * switch, footer), marked noindex, with the console's navigation — only the entries the
 * operator's role may open — and who is logged in.
 */
import type { Child } from 'hono/jsx';
import type { Locale, MessageKey, Translate } from '../../../i18n';
import type { Operator } from '../../../platform/operators/auth';
import { may, type Action } from '../../../platform/operators/roles';
import { Layout } from '../../../views/layout';

const ENTRIES: [string, MessageKey, Action | null][] = [
  ['/operateur', 'console.nav.home', null],
  ['/operateur/tickets', 'console.nav.tickets', 'tickets.read'],
  ['/operateur/electeurs', 'console.nav.voters', 'voters.read'],
  ['/operateur/approbations', 'console.nav.approvals', 'approvals.decide'],
  ['/operateur/envois', 'console.nav.delivery', 'delivery.read'],
  ['/operateur/journal', 'console.nav.audit', 'audit.read'],
  ['/operateur/election', 'console.nav.election', 'election.read'],
];

export interface ConsoleProps {
  t: Translate;
  locale: Locale;
  title: string;
  path: string | null;
  operator?: Operator;
  children?: Child;
}

export function ConsoleLayout({ t, locale, title, path, operator, children }: ConsoleProps) {
  const nav = operator && (
    <nav class="console-nav" aria-label={t('console.nav.label')}>
      <ul>
        {ENTRIES.filter(([, , action]) => action === null || may(operator.role, action)).map(([href, key]) => (
          <li>
            <a href={href} aria-current={href === path ? 'page' : undefined}>
              {t(key)}
            </a>
          </li>
        ))}
      </ul>
      <p class="console-who">{t('console.who', { id: operator.id, role: t(`console.role.${operator.role}`) })}</p>
      {operator.via === 'password' && (
        <form method="post" action="/operateur/deconnexion">
          <button type="submit" class="link-button">
            {t('console.nav.logout')}
          </button>
        </form>
      )}
    </nav>
  );
  return (
    <Layout t={t} locale={locale} title={title} electionTitle={t('console.portal')} path={path} nav={nav} noindex>
      {children}
    </Layout>
  );
}

/** A one-line status message (announced), or an error one. */
export function Flash({ notice, error }: { notice?: string; error?: string }) {
  if (error)
    return (
      <div class="notice notice-warning" role="alert">
        <p>{error}</p>
      </div>
    );
  if (notice)
    return (
      <div class="confirmation" role="status">
        <p>{notice}</p>
      </div>
    );
  return null;
}

/** A definition list of label → value rows. */
export function Facts({ rows }: { rows: [string, Child][] }) {
  return (
    <dl class="facts">
      {rows.map(([label, value]) => (
        <>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}
