/**
 * The booth (`GET /vote`, behind the voter's session): the question of the voter's
 * constituency, its answers in the contest's order and "Vote blanc", then a confirmation; the
 * choice is encrypted and proven in the voter's browser (public/js/booth.js, with Subresource
 * Integrity, and its Web Worker). Without JavaScript the page explains why it is needed and
 * points to the assistance. Once the voter has voted, the page is the receipt: the tracker, the
 * time and the election's fingerprint.
 */
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { raw } from 'hono/html';
import type { AppEnv } from '../../env';
import { formatParisNamed } from '../../i18n/dates';
import { BOOTH_SCRIPT } from '../../platform/ballot/booth-script';
import { SESSION_COOKIE } from '../../platform/sessions';
import { openSession } from '../../platform/voter-session';
import { Layout } from '../../views/layout';
import { recordVote } from './service';

export const boothRoutes = new Hono<AppEnv>();

function Shell({ c, children, scripts = [] }: { c: Context<AppEnv>; children: unknown; scripts?: string[] }) {
  const { t, locale } = c.var;
  return (
    <Layout t={t} locale={locale} title={t('booth.title')} path="/vote" scripts={['/js/app.js', ...scripts]}>
      {children as never}
    </Layout>
  );
}

boothRoutes.get('/', async (c) => {
  const { services: s, t, locale } = c.var;
  c.header('Cache-Control', 'no-store');
  const open = await openSession(s, getCookie(c, SESSION_COOKIE));
  if (!open) return c.redirect('/', 303);
  const numicHmac = await s.pseudonyms.numic(open.voter.numic);
  const state = await s.guards.forVoter(numicHmac, 'vote').castState(s.clock());
  // The credential is opened only for a booth to show: a receipt never needs it.
  const ballot = await s.ballots.forVoter(open.voter.id, { open: state.state !== 'voted' });
  if (state.state === 'voted') {
    // The box holds the vote; a D1 that failed at the cast has not recorded it yet (receipt,
    // notice, tracker, event): the receipt's page, where the voter is sent back, records it.
    if (ballot) await recordVote(s, { ...open.voter, numicHmac }, ballot, state, s.clock());
    return c.html(
      <Shell c={c}>
        <h1>{t('booth.receiptTitle')}</h1>
        <div class="confirmation" role="status">
          <p>{t('booth.receiptIntro', { date: formatParisNamed(state.at, locale, t) })}</p>
          <p>
            <strong class="reference tracker">{state.tracker}</strong>
          </p>
        </div>
        <p>{t('booth.receiptMail')}</p>
        {ballot && <p>{t('booth.receiptFingerprint', { fingerprint: ballot.fingerprint })}</p>}
        <p>
          <a href="/verifier">{t('booth.receiptVerify')}</a>
        </p>
      </Shell>,
    );
  }
  if (!ballot) {
    return c.html(
      <Shell c={c}>
        <h1>{t('booth.title')}</h1>
        <p>{t('booth.notSetUp')}</p>
      </Shell>,
    );
  }
  const integrity = await s.boothScript.integrity();
  if (!integrity || !ballot.privateCredential) {
    return c.html(
      <Shell c={c}>
        <h1>{t('booth.title')}</h1>
        <p>{t(state.state === 'pending' ? 'vote.error.pending' : 'booth.unavailable')}</p>
      </Shell>,
      503,
    );
  }
  const question = ballot.election.questions[0]!;
  const data = JSON.stringify({
    electionJson: ballot.electionJson,
    fingerprint: ballot.fingerprint,
    credential: ballot.privateCredential,
  }).replace(/</g, '\\u003c');
  return c.html(
    <Layout t={t} locale={locale} title={t('booth.title')} path="/vote" scripts={['/js/app.js']}>
      <h1>{t('booth.title')}</h1>
      <noscript>
        <div class="notice notice-warning">
          <p>{t('booth.noScript')}</p>
          <p>
            <a href="/aide#contact">{t('meta.help')}</a>
          </p>
        </div>
      </noscript>
      <form
        id="booth"
        hidden
        novalidate
        data-required={t('booth.required')}
        data-encrypting={t('booth.encrypting')}
        data-sending={t('booth.sending')}
        data-failed={t('booth.failed')}
      >
        <fieldset>
          <legend>{question.question}</legend>
          <p class="error" id="booth-error" hidden>
            {t('booth.required')}
          </p>
          {question.answers.map((answer, i) => (
            <div class="radio">
              <input type="radio" id={`choice-${i}`} name="choice" value={String(i)} />
              <label for={`choice-${i}`}>{answer}</label>
            </div>
          ))}
          {question.blank && (
            <div class="radio">
              <input type="radio" id="choice-blank" name="choice" value="blank" />
              <label for="choice-blank">{t('booth.blank')}</label>
            </div>
          )}
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary">
            {t('booth.submit')}
          </button>
        </div>
      </form>
      <section id="booth-confirm" hidden aria-labelledby="booth-confirm-title">
        <h2 id="booth-confirm-title">{t('booth.confirmTitle')}</h2>
        <p>
          {t('booth.confirmIntro')} <strong id="booth-chosen"></strong>
        </p>
        <p>{t('booth.confirmFinal')}</p>
        <progress id="booth-progress" hidden aria-label={t('booth.progress')}></progress>
        <div class="actions">
          <button type="button" id="booth-cast" class="primary">
            {t('booth.cast')}
          </button>
          <button type="button" id="booth-change" class="secondary">
            {t('booth.change')}
          </button>
        </div>
      </section>
      <p id="booth-status" role="status" aria-live="polite"></p>
      {/* Data, not code (the CSP runs no inline script): `<` escaped, so it cannot close the tag. */}
      <script type="application/json" id="booth-data">
        {raw(data)}
      </script>
      <script type="module" src={BOOTH_SCRIPT} integrity={integrity} crossorigin="anonymous"></script>
    </Layout>,
  );
});
