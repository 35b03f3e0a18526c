/**
 * The assistance cell's tickets: the requests of `/aide`, listed and filtered (status, topic,
 * dates), opened, answered — the answer e-mailed through the outbox to the address the voter
 * gave, in the voter's language, the reference in its subject — and closed. Each action is
 * audited with the operator's identity, in the same batch as the change.
 */
import { Hono } from 'hono';
import { translator, type Translate } from '../../../i18n';
import { formatParis } from '../../../i18n/dates';
import { TICKET_STATUSES, TOPICS, type AssistanceTicket, type TicketStatus } from '../../../platform/assistance';
import { SECRET_PLACEHOLDER } from '../../../platform/delivery';
import { composeEmail, helpUrl } from '../../../platform/delivery/compose';
import { operatorEvent } from '../../../platform/operators/audit';
import { TextAreaField } from '../../../views/form';
import { dayStart, DAY_MS, denied, formOf, type ConsoleContext, type ConsoleEnv } from './context';
import { ConsoleLayout, Facts, Flash } from './layout';

export const ticketRoutes = new Hono<ConsoleEnv>();

export const ANSWER_MAX = 4000;
const REFERENCE = /^AS-[A-Z0-9]{4}-[A-Z0-9]{4}$/;

function isStatus(v: string | undefined): v is TicketStatus {
  return (TICKET_STATUSES as readonly string[]).includes(v ?? '');
}

function Choice(p: { name: string; label: string; value?: string; any: string; options: [string, string][] }) {
  return (
    <div class="field">
      <label for={p.name}>{p.label}</label>
      <select id={p.name} name={p.name}>
        <option value="">{p.any}</option>
        {p.options.map(([value, label]) => (
          <option value={value} selected={value === p.value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

ticketRoutes.get('/', async (c) => {
  const { t, locale, services: s } = c.var;
  const refused = denied(c, 'tickets.read');
  if (refused) return forbiddenPage(c, refused);
  const q = {
    statut: c.req.query('statut'),
    sujet: c.req.query('sujet'),
    du: c.req.query('du'),
    au: c.req.query('au'),
  };
  const to = dayStart(q.au);
  const tickets = await s.assistance.list({
    ...(isStatus(q.statut) ? { status: q.statut } : {}),
    ...((TOPICS as readonly string[]).includes(q.sujet ?? '') ? { topic: q.sujet } : {}),
    from: dayStart(q.du),
    to: to === undefined ? undefined : to + DAY_MS,
  });
  return c.html(
    <ConsoleLayout
      t={t}
      locale={locale}
      title={t('console.tickets.title')}
      path="/operateur/tickets"
      operator={c.var.operator}
    >
      <h1>{t('console.tickets.title')}</h1>
      <form method="get" action="/operateur/tickets" class="filters">
        <Choice
          name="statut"
          label={t('console.tickets.status')}
          any={t('console.tickets.any')}
          value={q.statut}
          options={TICKET_STATUSES.map((v) => [v, t(`console.tickets.status.${v}`)])}
        />
        <Choice
          name="sujet"
          label={t('console.tickets.topic')}
          any={t('console.tickets.any')}
          value={q.sujet}
          options={TOPICS.map((v) => [v, t(`help.topic.${v}`)])}
        />
        <div class="field">
          <label for="du">{t('console.tickets.from')}</label>
          <input id="du" name="du" type="text" inputmode="numeric" value={q.du ?? ''} />
        </div>
        <div class="field">
          <label for="au">{t('console.tickets.to')}</label>
          <input id="au" name="au" type="text" inputmode="numeric" value={q.au ?? ''} />
        </div>
        <div class="actions">
          <button type="submit" class="secondary">
            {t('console.tickets.filter')}
          </button>
        </div>
      </form>
      {tickets.length === 0 ? (
        <p>{t('console.tickets.none')}</p>
      ) : (
        <>
          <p>{t('console.tickets.count', { count: tickets.length })}</p>
          <table>
            <caption class="visually-hidden">{t('console.tickets.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('console.tickets.reference')}</th>
                <th scope="col">{t('console.tickets.received')}</th>
                <th scope="col">{t('console.tickets.status')}</th>
                <th scope="col">{t('console.tickets.topic')}</th>
                <th scope="col">{t('console.tickets.name')}</th>
              </tr>
            </thead>
            <tbody>
              {tickets.map((k) => (
                <tr>
                  <td>
                    <a href={`/operateur/tickets/${k.reference}`}>{k.reference}</a>
                  </td>
                  <td>{formatParis(k.createdAt, locale)}</td>
                  <td>{t(`console.tickets.status.${k.status as TicketStatus}`)}</td>
                  <td>{t(`help.topic.${k.topic as (typeof TOPICS)[number]}`)}</td>
                  <td>{k.name}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </ConsoleLayout>,
  );
});

function TicketPage(p: {
  c: ConsoleContext;
  ticket: AssistanceTicket;
  notice?: string;
  error?: string;
  answer?: string;
}) {
  const { t, locale } = p.c.var;
  const k = p.ticket;
  return (
    <ConsoleLayout
      t={t}
      locale={locale}
      title={t('console.ticket.title', { reference: k.reference })}
      path={`/operateur/tickets/${k.reference}`}
      operator={p.c.var.operator}
    >
      <h1>{t('console.ticket.title', { reference: k.reference })}</h1>
      <Flash notice={p.notice} />
      <Facts
        rows={[
          [t('console.tickets.status'), t(`console.tickets.status.${k.status as TicketStatus}`)],
          [t('console.tickets.received'), formatParis(k.createdAt, locale)],
          [t('console.tickets.topic'), t(`help.topic.${k.topic as (typeof TOPICS)[number]}`)],
          [t('console.tickets.name'), k.name],
          [t('console.ticket.email'), k.email],
          [t('console.ticket.language'), k.language],
          [t('console.ticket.numic'), k.numic ? t('console.ticket.numicGiven') : t('console.ticket.numicNone')],
        ]}
      />
      <h2>{t('console.ticket.message')}</h2>
      <p class="message">{k.message}</p>
      {k.answer && k.answeredAt !== null && (
        <>
          <p>{t('console.ticket.answered', { date: formatParis(k.answeredAt, locale), by: k.answeredBy ?? '' })}</p>
          <p class="message">{k.answer}</p>
        </>
      )}
      {k.closedAt !== null && (
        <p>{t('console.ticket.closed', { date: formatParis(k.closedAt, locale), by: k.closedBy ?? '' })}</p>
      )}
      {k.status !== 'closed' && (
        <>
          <form method="post" action={`/operateur/tickets/${k.reference}/repondre`} novalidate>
            <TextAreaField
              name="answer"
              label={t('console.ticket.answer')}
              hint={t('console.ticket.answerHint')}
              value={p.answer}
              error={p.error}
              maxlength={ANSWER_MAX}
              rows={8}
            />
            <div class="actions">
              <button type="submit" class="primary">
                {t('console.ticket.send')}
              </button>
            </div>
          </form>
          <form method="post" action={`/operateur/tickets/${k.reference}/clore`}>
            <div class="actions">
              <button type="submit" class="secondary">
                {t('console.ticket.close')}
              </button>
            </div>
          </form>
        </>
      )}
    </ConsoleLayout>
  );
}

export function forbiddenPage(c: ConsoleContext, message: string, status: 403 | 404 | 409 | 503 = 403) {
  const { t, locale } = c.var;
  return c.html(
    <ConsoleLayout t={t} locale={locale} title={t('console.portal')} path={null} operator={c.var.operator}>
      <h1>{t('console.portal')}</h1>
      <Flash error={message} />
    </ConsoleLayout>,
    status,
  );
}

async function ticketOr404(c: ConsoleContext) {
  const reference = c.req.param('reference') ?? '';
  return REFERENCE.test(reference) ? c.var.services.assistance.byReference(reference) : undefined;
}

ticketRoutes.get('/:reference', async (c) => {
  const refused = denied(c, 'tickets.read');
  if (refused) return forbiddenPage(c, refused);
  const ticket = await ticketOr404(c);
  if (!ticket) return forbiddenPage(c, c.var.t('console.ticket.unknown'), 404);
  return c.html(<TicketPage c={c} ticket={ticket} />);
});

/** The answer's e-mail, in the voter's language, the reference in its subject. */
export function answerMail(ticket: AssistanceTicket, answer: string, origin: string) {
  const locale = ticket.language === 'en' ? 'en' : 'fr';
  const t: Translate = translator(locale);
  const subject = t('console.ticket.mail.subject', { reference: ticket.reference });
  // A placeholder typed by an operator must not become the place of a secret.
  const body = answer.replaceAll(SECRET_PLACEHOLDER, '{ {secret} }');
  const { text, html } = composeEmail(locale, subject, [
    t('console.ticket.mail.intro', { name: ticket.name }),
    t('console.ticket.mail.ref', { reference: ticket.reference }),
    body,
    t('console.ticket.mail.outro'),
    `${helpUrl(origin)}`,
  ]);
  return {
    channel: 'email' as const,
    to: ticket.email,
    subject,
    text,
    html,
    purpose: 'assistance-answer',
    numicHmac: ticket.numic,
  };
}

ticketRoutes.post('/:reference/repondre', async (c) => {
  const refused = denied(c, 'tickets.answer');
  if (refused) return forbiddenPage(c, refused);
  const { t, services: s } = c.var;
  const ticket = await ticketOr404(c);
  if (!ticket) return forbiddenPage(c, t('console.ticket.unknown'), 404);
  if (ticket.status === 'closed') return forbiddenPage(c, t('console.error.decided'), 409);
  const answer = ((await formOf(c)).answer ?? '').trim();
  const error = !answer
    ? t('console.error.answerRequired')
    : answer.length > ANSWER_MAX
      ? t('console.error.tooLong')
      : undefined;
  if (error) return c.html(<TicketPage c={c} ticket={ticket} error={error} answer={answer} />, 400);
  const now = s.clock();
  const mail = await s.delivery.prepare(answerMail(ticket, answer, s.origin), now);
  const audit = operatorEvent(
    'operator.ticket.answer',
    c.var.operator,
    now,
    { reference: ticket.reference },
    ticket.numic ?? undefined,
  );
  await s.assistance.answer(ticket.reference, { text: answer, by: c.var.operator.id, at: now }, mail, audit);
  s.background(s.delivery.relay([mail.id], now));
  const updated = (await s.assistance.byReference(ticket.reference)) ?? ticket;
  return c.html(<TicketPage c={c} ticket={updated} notice={t('console.ticket.sent', { email: ticket.email })} />);
});

ticketRoutes.post('/:reference/clore', async (c) => {
  const refused = denied(c, 'tickets.answer');
  if (refused) return forbiddenPage(c, refused);
  const { t, services: s } = c.var;
  const ticket = await ticketOr404(c);
  if (!ticket) return forbiddenPage(c, t('console.ticket.unknown'), 404);
  const now = s.clock();
  if (ticket.status !== 'closed') {
    const audit = operatorEvent(
      'operator.ticket.close',
      c.var.operator,
      now,
      { reference: ticket.reference },
      ticket.numic ?? undefined,
    );
    await s.assistance.close(ticket.reference, c.var.operator.id, now, audit);
  }
  const updated = (await s.assistance.byReference(ticket.reference)) ?? ticket;
  return c.html(<TicketPage c={c} ticket={updated} notice={t('console.ticket.closedNow')} />);
});
