/**
 * `/verifier` (SPEC.md "The ballot"): anyone types a ballot's tracker and learns whether the
 * box holds it — "Ce bulletin est présent dans l'urne." or "Aucun bulletin de l'urne ne
 * correspond à ce code." — answered from the tracker index (tracker → constituency), not by
 * asking every box; throttled per network, as a tracker is not a secret but the index must not
 * be walked at will. The form posts (the tracker stays out of URLs and logs).
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../env';
import { networkOf } from '../../platform/guard/network';
import { readForm } from '../../platform/validation';
import { Field } from '../../views/form';
import { Layout } from '../../views/layout';
import { waitText } from '../../views/refusal';

export const verifierRoutes = new Hono<AppEnv>();

export const TRACKER = /^[A-Za-z0-9+/]{43}$/;
/** Checks a network may make in a window. */
export const VERIFIER_ALLOWANCE = { limit: 30, windowMs: 10 * 60_000 };

/** Per set-up constituency: the ballots its box holds and the voters signed off in D1. */
async function counts(c: Context<AppEnv>) {
  const s = c.var.services;
  const rows = await s.ballots.emargements();
  return Promise.all(
    rows.map(async (r) => ({ ...r, ballots: (await s.boxes.forConstituency(r.constituency).info()).ballots })),
  );
}

async function page(
  c: Context<AppEnv>,
  opts: { value?: string; error?: string; answer?: 'found' | 'notFound'; notice?: string } = {},
  status: 200 | 400 | 429 = 200,
) {
  const { t, locale } = c.var;
  const [table, booth] = await Promise.all([counts(c), c.var.services.boothScript.integrity()]);
  c.header('Cache-Control', 'no-store');
  return c.html(
    <Layout t={t} locale={locale} title={t('verifier.title')} path="/verifier">
      <h1>{t('verifier.title')}</h1>
      <p>{t('verifier.intro')}</p>
      {opts.answer && (
        <div class={opts.answer === 'found' ? 'confirmation' : 'notice notice-warning'} role="status">
          <p>{t(opts.answer === 'found' ? 'verifier.found' : 'verifier.notFound')}</p>
        </div>
      )}
      {opts.notice && (
        <div class="notice notice-warning" role="alert">
          <p>{opts.notice}</p>
        </div>
      )}
      <form method="post" action="/verifier" novalidate>
        <Field
          name="tracker"
          label={t('verifier.label')}
          hint={t('verifier.hint')}
          value={opts.value}
          error={opts.error}
          maxlength={60}
          autocomplete="off"
          autocapitalize="none"
        />
        <div class="actions">
          <button type="submit" class="primary">
            {t('verifier.submit')}
          </button>
        </div>
      </form>
      {booth && <p class="hint">{t('verifier.booth', { hash: booth })}</p>}
      {table.length > 0 && (
        <section aria-labelledby="counts-title">
          <h2 id="counts-title">{t('verifier.counts')}</h2>
          <p>{t('verifier.countsIntro')}</p>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('verifier.constituency')}</th>
                <th scope="col">{t('verifier.ballots')}</th>
                <th scope="col">{t('verifier.emargements')}</th>
              </tr>
            </thead>
            <tbody>
              {table.map((r) => (
                <tr>
                  <th scope="row">{r.constituency}</th>
                  <td>{r.ballots}</td>
                  <td>{r.voted}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </Layout>,
    status,
  );
}

verifierRoutes.get('/', (c) => page(c));

verifierRoutes.post('/', async (c) => {
  const { t, services: s } = c.var;
  const body = await readForm(c);
  if (!body) return page(c, { error: t('error.badRequest') }, 400);
  const value = (body.tracker ?? '').trim().slice(0, 100);
  if (!TRACKER.test(value)) return page(c, { value, error: t('verifier.format') }, 400);
  const now = s.clock();
  const network = networkOf(c.req.header('cf-connecting-ip') ?? 'local');
  const verdict = await (
    await s.guards.forUnknown('verifier', network.key)
  ).hit(VERIFIER_ALLOWANCE.limit, VERIFIER_ALLOWANCE.windowMs, now);
  if (!verdict.ok)
    return page(c, { value, notice: t('verifier.tooMany', { wait: waitText(verdict.retryAfterMs, t) }) }, 429);
  const constituency = await s.ballots.constituencyOf(value);
  return page(c, { value, answer: constituency ? 'found' : 'notFound' });
});
