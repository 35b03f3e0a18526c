/**
 * A voter's file (`/operateur/electeurs`): found by NUMIC, sent by POST so it never sits in a
 * URL, a log or a browser's history. Contacts masked; status, convocation, renewals, every
 * message sent with its outcome and the provider's receipt, the voter's audit trail — never a
 * credential, a token or a link. Each opening is audited. Actions, each with a reason: send a
 * credential again (the one-at-a-time rule holds), and ask for a corrected contact or a lifted
 * cooling-off, which another administrator approves (approvals.tsx).
 */
import { Hono } from 'hono';
import type { Voter } from '../../../db/schema';
import { formatParis } from '../../../i18n/dates';
import { normalizeNumic } from '../../../platform/credentials';
import { operatorEvent } from '../../../platform/operators/audit';
import type { SentMessage, TrailEvent } from '../../../platform/voter-file';
import { Field, TextAreaField } from '../../../views/form';
import { masked, resendCredential } from '../resend';
import { denied, formOf, type ConsoleContext, type ConsoleEnv } from './context';
import { requestApproval } from './approvals';
import { ConsoleLayout, Facts, Flash } from './layout';
import { forbiddenPage } from './tickets';

export const voterRoutes = new Hono<ConsoleEnv>();

function SearchPage({ c, error, numic }: { c: ConsoleContext; error?: string; numic?: string }) {
  const { t, locale } = c.var;
  return (
    <ConsoleLayout
      t={t}
      locale={locale}
      title={t('console.voters.title')}
      path="/operateur/electeurs"
      operator={c.var.operator}
    >
      <h1>{t('console.voters.title')}</h1>
      <form method="post" action="/operateur/electeurs" novalidate>
        <Field
          name="numic"
          label={t('console.voters.numic')}
          hint={t('console.voters.numicHint')}
          value={numic}
          error={error}
          inputmode="numeric"
          maxlength={20}
          autocomplete="off"
        />
        <div class="actions">
          <button type="submit" class="primary">
            {t('console.voters.open')}
          </button>
        </div>
      </form>
    </ConsoleLayout>
  );
}

voterRoutes.get('/', (c) => {
  const refused = denied(c, 'voters.read');
  return refused ? forbiddenPage(c, refused) : c.html(<SearchPage c={c} />);
});

/** The voter's file page, with the result of the action just taken if any. */
async function renderFile(
  c: ConsoleContext,
  voter: Voter,
  flash: { notice?: string; error?: string } = {},
  status: 200 | 400 | 409 | 503 = 200,
) {
  const { t, locale, services: s } = c.var;
  const numicHmac = await s.pseudonyms.numic(voter.numic);
  const [messages, trail] = await Promise.all([s.voterFile.messages(numicHmac), s.voterFile.trail({ numicHmac }, 200)]);
  const when = (ms: number | null) => (ms === null ? t('console.voter.never') : formatParis(ms, locale));
  return c.html(
    <ConsoleLayout
      t={t}
      locale={locale}
      title={t('console.voter.title', { numic: voter.numic })}
      path={null}
      operator={c.var.operator}
    >
      <h1>{t('console.voter.title', { numic: voter.numic })}</h1>
      <Flash notice={flash.notice} error={flash.error} />
      <Facts
        rows={[
          [t('console.voter.email'), masked('email', voter.email)],
          [t('console.voter.phone'), masked('sms', voter.phone)],
          [t('console.voter.constituency'), voter.constituency],
          [t('console.voter.consulate'), voter.consulate ?? '—'],
          [t('console.voter.language'), voter.language],
          [
            t('console.voter.status'),
            voter.deactivatedAt === null
              ? t('console.voter.active')
              : t('console.voter.deactivated', { date: formatParis(voter.deactivatedAt, locale) }),
          ],
          [
            t('console.voter.convoked'),
            voter.convokedAt === null ? t('console.voter.notConvoked') : when(voter.convokedAt),
          ],
          [t('console.voter.identifierRenewed'), when(voter.identifierRenewedAt)],
          [t('console.voter.passwordRenewed'), when(voter.passwordRenewedAt)],
          [t('console.voter.voted'), t('console.voter.votedUnknown')],
        ]}
      />
      <Messages c={c} messages={messages} />
      <Trail c={c} events={trail} />
      <Actions c={c} numic={voter.numic} />
    </ConsoleLayout>,
    status,
  );
}

function Messages({ c, messages }: { c: ConsoleContext; messages: SentMessage[] }) {
  const { t, locale } = c.var;
  return (
    <section aria-labelledby="messages-title">
      <h2 id="messages-title">{t('console.voter.messages')}</h2>
      {messages.length === 0 ? (
        <p>{t('console.voter.messagesNone')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('console.voter.message.when')}</th>
              <th scope="col">{t('console.voter.message.channel')}</th>
              <th scope="col">{t('console.voter.message.purpose')}</th>
              <th scope="col">{t('console.voter.message.outcome')}</th>
              <th scope="col">{t('console.voter.message.receipt')}</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr>
                <td>{formatParis(m.at, locale)}</td>
                <td>{m.channel}</td>
                <td>{m.purpose}</td>
                <td>{m.status}</td>
                <td>{m.receipt ? `${m.receipt} (${formatParis(m.receiptAt ?? m.at, locale)})` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function Trail({ c, events, title = true }: { c: ConsoleContext; events: TrailEvent[]; title?: boolean }) {
  const { t, locale } = c.var;
  return (
    <section aria-labelledby={title ? 'trail-title' : undefined}>
      {title && <h2 id="trail-title">{t('console.voter.trail')}</h2>}
      {events.length === 0 ? (
        <p>{t('console.voter.trailNone')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('console.voter.date')}</th>
              <th scope="col">{t('console.voter.event')}</th>
              <th scope="col">{t('console.voter.outcome')}</th>
              <th scope="col">{t('console.voter.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr>
                <td>{formatParis(e.at, locale)}</td>
                <td>{e.event}</td>
                <td>{e.outcome}</td>
                <td>
                  <code>{e.detail ?? ''}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Reason({ c, name }: { c: ConsoleContext; name: string }) {
  return <TextAreaField name={name} label={c.var.t('console.voter.reason')} rows={2} maxlength={500} value="" />;
}

function Submit({ label }: { label: string }) {
  return (
    <div class="actions">
      <button type="submit" class="primary">
        {label}
      </button>
    </div>
  );
}

function Actions({ c, numic }: { c: ConsoleContext; numic: string }) {
  const { t } = c.var;
  const { role } = c.var.operator;
  return (
    <section aria-labelledby="actions-title">
      <h2 id="actions-title">{t('console.voter.actions')}</h2>
      <form method="post" action="/operateur/electeurs/renvoi" novalidate>
        <h3>{t('console.voter.resend')}</h3>
        <p class="hint">{t('console.voter.resendHint')}</p>
        <input type="hidden" name="numic" value={numic} />
        <fieldset>
          <legend>{t('console.voter.credential')}</legend>
          <div class="radio">
            <input type="radio" id="credential-identifier" name="credential" value="identifier" checked />
            <label for="credential-identifier">{t('console.voter.credential.identifier')}</label>
          </div>
          <div class="radio">
            <input type="radio" id="credential-password" name="credential" value="password" />
            <label for="credential-password">{t('console.voter.credential.password')}</label>
          </div>
        </fieldset>
        <Reason c={c} name="resendReason" />
        <Submit label={t('console.voter.resendSubmit')} />
      </form>
      {role === 'administrator' && (
        <>
          <form method="post" action="/operateur/electeurs/coordonnees" novalidate>
            <h3>{t('console.voter.correct')}</h3>
            <p class="hint">{t('console.voter.correctHint')}</p>
            <input type="hidden" name="numic" value={numic} />
            <Field
              name="newEmail"
              type="email"
              label={t('console.voter.newEmail')}
              required={false}
              autocomplete="off"
            />
            <Field name="newPhone" type="tel" label={t('console.voter.newPhone')} required={false} autocomplete="off" />
            <Reason c={c} name="correctReason" />
            <Submit label={t('console.voter.correctSubmit')} />
          </form>
          <form method="post" action="/operateur/electeurs/delai" novalidate>
            <h3>{t('console.voter.lift')}</h3>
            <p class="hint">{t('console.voter.liftHint')}</p>
            <input type="hidden" name="numic" value={numic} />
            <Reason c={c} name="liftReason" />
            <Submit label={t('console.voter.liftSubmit')} />
          </form>
        </>
      )}
    </section>
  );
}

/** The voter of the form's NUMIC, or the search page again with why not. */
async function voterOf(c: ConsoleContext, form: Record<string, string>): Promise<Voter | Response> {
  const { t, services: s } = c.var;
  const numic = normalizeNumic(form.numic ?? '');
  if (!numic) return c.html(<SearchPage c={c} numic={form.numic} error={t('console.voters.numicError')} />, 400);
  const voter = await s.voterFile.voter(numic);
  if (!voter) return c.html(<SearchPage c={c} numic={form.numic} error={t('console.voters.unknown')} />, 404);
  return voter;
}

voterRoutes.post('/', async (c) => {
  const refused = denied(c, 'voters.read');
  if (refused) return forbiddenPage(c, refused);
  const s = c.var.services;
  const voter = await voterOf(c, await formOf(c));
  if (voter instanceof Response) return voter;
  // Every opening of a file is audited: who looked at whom, and when.
  await s.audit.record(
    operatorEvent('operator.voter.open', c.var.operator, s.clock(), {}, await s.pseudonyms.numic(voter.numic)),
  );
  return renderFile(c, voter);
});

const RESEND_ERRORS = {
  unknown: 'console.error.resend.unknown',
  window: 'console.error.resend.window',
  'cooling-off': 'console.error.resend.cooling',
  failed: 'console.error.unavailable',
} as const;

voterRoutes.post('/renvoi', async (c) => {
  const refused = denied(c, 'roll.resend');
  if (refused) return forbiddenPage(c, refused);
  const { t, services: s } = c.var;
  const form = await formOf(c);
  const voter = await voterOf(c, form);
  if (voter instanceof Response) return voter;
  const reason = (form.resendReason ?? '').trim();
  if (!reason) return renderFile(c, voter, { error: t('console.voter.reasonRequired') }, 400);
  const credential = form.credential === 'password' ? 'password' : 'identifier';
  const outcome = await resendCredential(s, c.var.operator, {
    numic: voter.numic,
    credential,
    reason: reason.slice(0, 500),
  });
  if (outcome.kind === 'sent') return renderFile(c, voter, { notice: t('console.voter.resent', { to: outcome.to }) });
  return renderFile(c, voter, { error: t(RESEND_ERRORS[outcome.kind]) }, outcome.kind === 'failed' ? 503 : 409);
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+[1-9]\d{6,14}$/;

voterRoutes.post('/coordonnees', async (c) => {
  const refused = denied(c, 'voters.correct');
  if (refused) return forbiddenPage(c, refused);
  const { t } = c.var;
  const form = await formOf(c);
  const voter = await voterOf(c, form);
  if (voter instanceof Response) return voter;
  const email = (form.newEmail ?? '').trim();
  const phone = (form.newPhone ?? '').replace(/[\s.-]/g, '');
  const reason = (form.correctReason ?? '').trim();
  const error =
    email && (!EMAIL.test(email) || email.length > 254)
      ? t('console.voter.badEmail')
      : phone && !PHONE.test(phone)
        ? t('console.voter.badPhone')
        : (!email || email === voter.email) && (!phone || phone === voter.phone)
          ? t('console.voter.nothingToCorrect')
          : !reason
            ? t('console.voter.reasonRequired')
            : undefined;
  if (error) return renderFile(c, voter, { error }, 400);
  const payload = {
    ...(email && email !== voter.email ? { email } : {}),
    ...(phone && phone !== voter.phone ? { phone } : {}),
  };
  const outcome = await requestApproval(c, voter, 'contact', payload, reason);
  return outcome
    ? renderFile(c, voter, { error: outcome }, 409)
    : renderFile(c, voter, { notice: t('console.voter.requested') });
});

voterRoutes.post('/delai', async (c) => {
  const refused = denied(c, 'voters.lift');
  if (refused) return forbiddenPage(c, refused);
  const { t } = c.var;
  const form = await formOf(c);
  const voter = await voterOf(c, form);
  if (voter instanceof Response) return voter;
  const reason = (form.liftReason ?? '').trim();
  if (!reason) return renderFile(c, voter, { error: t('console.voter.reasonRequired') }, 400);
  const outcome = await requestApproval(c, voter, 'lift', {}, reason);
  return outcome
    ? renderFile(c, voter, { error: outcome }, 409)
    : renderFile(c, voter, { notice: t('console.voter.requested') });
});
