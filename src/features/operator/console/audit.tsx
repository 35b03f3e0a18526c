/**
 * The audit trail for administrators (`/operateur/journal`): filtered by event (a prefix), date
 * and NUMIC — typed in clear and matched by its HMAC on the server, sent by POST so it stays out
 * of URLs — and exported as CSV. And the election as administrators see it (`/operateur/election`):
 * its window, contests, roll counts and convocation progress.
 */
import { Hono } from 'hono';
import { formatParis } from '../../../i18n/dates';
import { normalizeNumic } from '../../../platform/credentials';
import { operatorEvent } from '../../../platform/operators/audit';
import { EXPORT_LIMIT, TRAIL_PAGE, type AuditFilter } from '../../../platform/voter-file';
import { dayStart, DAY_MS, denied, formOf, type ConsoleContext, type ConsoleEnv } from './context';
import { ConsoleLayout, Facts, Flash } from './layout';
import { forbiddenPage } from './tickets';
import { Trail } from './voters';

export const auditRoutes = new Hono<ConsoleEnv>();

async function filterOf(c: ConsoleContext, form: Record<string, string>): Promise<AuditFilter | string> {
  const filter: AuditFilter = {};
  const event = (form.event ?? '').trim();
  if (event) filter.event = event.slice(0, 60);
  const numicText = (form.numic ?? '').trim();
  if (numicText) {
    const numic = normalizeNumic(numicText);
    if (!numic) return c.var.t('console.voters.numicError');
    filter.numicHmac = await c.var.services.pseudonyms.numic(numic);
  }
  filter.from = dayStart(form.du);
  const to = dayStart(form.au);
  if (to !== undefined) filter.to = to + DAY_MS;
  return filter;
}

async function auditPage(c: ConsoleContext, form: Record<string, string> = {}, searched = false) {
  const { t, locale, services: s } = c.var;
  const filter = searched ? await filterOf(c, form) : null;
  const error = typeof filter === 'string' ? filter : undefined;
  const events = filter && typeof filter !== 'string' ? await s.voterFile.trail(filter, TRAIL_PAGE) : null;
  const field = (name: string, label: string, inputmode?: 'numeric') => (
    <div class="field">
      <label for={name}>{label}</label>
      <input id={name} name={name} type="text" inputmode={inputmode} value={form[name] ?? ''} autocomplete="off" />
    </div>
  );
  return c.html(
    <ConsoleLayout
      t={t}
      locale={locale}
      title={t('console.audit.title')}
      path="/operateur/journal"
      operator={c.var.operator}
    >
      <h1>{t('console.audit.title')}</h1>
      <Flash error={error} />
      <form method="post" action="/operateur/journal" class="filters">
        {field('event', t('console.audit.event'))}
        {field('numic', t('console.audit.numic'), 'numeric')}
        {field('du', t('console.tickets.from'), 'numeric')}
        {field('au', t('console.tickets.to'), 'numeric')}
        <div class="actions">
          <button type="submit" class="primary">
            {t('console.audit.search')}
          </button>
          <button type="submit" class="secondary" formaction="/operateur/journal.csv">
            {t('console.audit.export')}
          </button>
        </div>
      </form>
      {events &&
        (events.length === 0 ? (
          <p>{t('console.audit.none')}</p>
        ) : (
          <p>{t('console.audit.count', { count: events.length })}</p>
        ))}
      {events && events.length > 0 && <Trail c={c} events={events} title={false} />}
    </ConsoleLayout>,
    error ? 400 : 200,
  );
}

auditRoutes.get('/journal', (c) => {
  const refused = denied(c, 'audit.read');
  return refused ? forbiddenPage(c, refused) : auditPage(c);
});

auditRoutes.post('/journal', async (c) => {
  const refused = denied(c, 'audit.read');
  return refused ? forbiddenPage(c, refused) : auditPage(c, await formOf(c), true);
});

/** One CSV field: quoted, quotes doubled, and a leading = + - @ defused for spreadsheets. */
export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

auditRoutes.post('/journal.csv', async (c) => {
  const refused = denied(c, 'audit.read');
  if (refused) return forbiddenPage(c, refused);
  const s = c.var.services;
  const form = await formOf(c);
  const filter = await filterOf(c, form);
  if (typeof filter === 'string') return auditPage(c, form, true);
  const events = await s.voterFile.trail(filter, EXPORT_LIMIT);
  await s.audit.record(operatorEvent('operator.audit.export', c.var.operator, s.clock(), { rows: events.length }));
  const lines = [
    ['at', 'event', 'outcome', 'detail', 'chain', 'seq'].join(','),
    ...events.map((e) =>
      [new Date(e.at).toISOString(), e.event, e.outcome, e.detail, e.chain, e.seq].map(csvField).join(','),
    ),
  ];
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', 'attachment; filename="isoloir-journal.csv"');
  return c.body(`\ufeff${lines.join('\r\n')}\r\n`);
});

auditRoutes.get('/election', async (c) => {
  const refused = denied(c, 'election.read');
  if (refused) return forbiddenPage(c, refused);
  const { t, locale, services: s } = c.var;
  const [{ election, contests }, counts] = await Promise.all([s.electionAdmin.read(), s.voterFile.rollCounts()]);
  return c.html(
    <ConsoleLayout
      t={t}
      locale={locale}
      title={t('console.election.title')}
      path="/operateur/election"
      operator={c.var.operator}
    >
      <h1>{t('console.election.title')}</h1>
      {!election ? (
        <p>{t('console.election.none')}</p>
      ) : (
        <>
          <h2>{election.title}</h2>
          <p>
            {t('console.election.window', {
              opens: formatParis(election.opensAt, locale),
              closes: formatParis(election.closesAt, locale),
            })}
          </p>
          <h2>{t('console.election.roll')}</h2>
          <Facts
            rows={[
              [t('console.election.active'), String(counts.active)],
              [t('console.election.deactivated'), String(counts.deactivated)],
              [t('console.election.convoked'), String(counts.convoked)],
            ]}
          />
          <p>
            {t('console.election.round', {
              round: election.convocationRound,
              state: t(election.convocationOpen ? 'console.election.roundOpen' : 'console.election.roundClosed'),
            })}
          </p>
          <h2>{t('console.election.contests')}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('console.voter.constituency')}</th>
                <th scope="col">{t('console.election.contests')}</th>
                <th scope="col">{t('console.election.answers')}</th>
              </tr>
            </thead>
            <tbody>
              {contests.map((k) => (
                <tr>
                  <th scope="row">{k.constituency}</th>
                  <td>{k.question}</td>
                  <td>
                    {(JSON.parse(k.answers) as string[]).join(' · ')}
                    {k.blank ? ` · ${t('console.election.blank')}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </ConsoleLayout>,
  );
});
