/**
 * `/resultats`: the public results, per constituency once `ballot result` has published its
 * count — the votes per answer in the contest's order, the blank votes, the ballots counted —
 * and how anyone checks them with Debian's `belenios-tool`: the box's archive
 * (`/resultats/<constituency>/archive`, streamed, the same bytes as `ballot export`) and the
 * command that re-verifies every ballot, the tally, each trustee's decryption and the result.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../../env';
import { archiveStream } from '../operator/ballot';
import { networkOf } from '../../platform/guard/network';
import { Layout } from '../../views/layout';
import { waitText } from '../../views/refusal';
import { formatParisNamed } from '../../i18n/dates';

export const resultsRoutes = new Hono<AppEnv>();

/** Archive downloads a network may start in a window: a box of 200 000 ballots is ~5 GB. */
export const ARCHIVE_ALLOWANCE = { limit: 10, windowMs: 60 * 60_000 };

const percent = (n: number, of: number, locale: string) =>
  of === 0 ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(n / of);

resultsRoutes.get('/', async (c) => {
  const { t, locale, services: s } = c.var;
  const results = await s.counting.results();
  c.header('Cache-Control', 'public, max-age=60');
  return c.html(
    <Layout t={t} locale={locale} title={t('results.title')} path="/resultats">
      <h1>{t('results.title')}</h1>
      {results.length === 0 ? <p>{t('results.none')}</p> : <p>{t('results.intro')}</p>}
      {results.map((r) => {
        const id = `c-${r.constituency}`;
        const expressed = r.counts.reduce((n, x) => n + x.count, 0);
        return (
          <section aria-labelledby={id}>
            <h2 id={id}>{t('results.constituency', { constituency: r.constituency })}</h2>
            <p>{r.question}</p>
            <table class="counts">
              <caption>{t('results.caption', { constituency: r.constituency })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('results.answer')}</th>
                  <th scope="col">{t('results.votes')}</th>
                  <th scope="col">{t('results.share')}</th>
                </tr>
              </thead>
              <tbody>
                {r.counts.map((x) => (
                  <tr>
                    <th scope="row">{x.answer}</th>
                    <td>{x.count}</td>
                    <td>{percent(x.count, expressed, locale)}</td>
                  </tr>
                ))}
                {r.blank !== null && (
                  <tr>
                    <th scope="row">{t('results.blank')}</th>
                    <td>{r.blank}</td>
                    <td>—</td>
                  </tr>
                )}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t('results.ballots')}</th>
                  <td>{r.ballots}</td>
                  <td></td>
                </tr>
              </tfoot>
            </table>
            <p class="hint">{t('results.shareNote')}</p>
            <dl class="facts">
              <dt>{t('results.published')}</dt>
              <dd>{formatParisNamed(r.publishedAt, locale, t)}</dd>
              <dt>{t('results.uuid')}</dt>
              <dd>
                <code>{r.uuid}</code>
              </dd>
              <dt>{t('results.fingerprint')}</dt>
              <dd>
                <code>{r.fingerprint}</code>
              </dd>
              <dt>{t('results.resultHash')}</dt>
              <dd>
                <code class="hash">{r.resultHash}</code>
              </dd>
            </dl>
            <p>
              <a href={`/resultats/${r.constituency}/archive`} download={`${r.uuid}.bel`}>
                {t('results.download', { file: `${r.uuid}.bel` })}
              </a>
            </p>
          </section>
        );
      })}
      {results.length > 0 && (
        <section aria-labelledby="how">
          <h2 id="how">{t('results.howTitle')}</h2>
          <ol>
            <li>{t('results.how1')}</li>
            <li>{t('results.how2')}</li>
            <li>
              {t('results.how3')}
              <pre>
                <code>belenios-tool election verify --dir circonscription-1</code>
              </pre>
            </li>
            <li>{t('results.how4')}</li>
          </ol>
          <p>
            <a href="/verifier">{t('results.verifier')}</a>
          </p>
        </section>
      )}
    </Layout>,
  );
});

/** A counted box's archive, streamed; only once its result is published, throttled per network. */
resultsRoutes.get('/:constituency{[0-9]{1,2}}/archive', async (c) => {
  const { t, locale, services: s } = c.var;
  const constituency = c.req.param('constituency');
  const result = (await s.counting.results()).find((r) => r.constituency === constituency);
  if (!result) return c.notFound();
  const network = networkOf(c.req.header('cf-connecting-ip') ?? 'local');
  const verdict = await (
    await s.guards.forUnknown('results-archive', network.key)
  ).hit(ARCHIVE_ALLOWANCE.limit, ARCHIVE_ALLOWANCE.windowMs, s.clock());
  if (!verdict.ok) {
    c.header('Retry-After', String(Math.ceil(verdict.retryAfterMs / 1000)));
    return c.html(
      <Layout t={t} locale={locale} title={t('results.title')} path="/resultats">
        <h1>{t('results.title')}</h1>
        <div class="notice notice-warning" role="alert">
          <p>{t('results.tooMany', { wait: waitText(verdict.retryAfterMs, t) })}</p>
        </div>
      </Layout>,
      429,
    );
  }
  const box = s.boxes.forConstituency(constituency);
  const info = await box.info();
  c.header('Content-Type', 'application/octet-stream');
  c.header('Content-Disposition', `attachment; filename="${result.uuid}.bel"`);
  c.header('Cache-Control', 'public, max-age=3600');
  return c.body(archiveStream(box, info.timestamp!));
});
