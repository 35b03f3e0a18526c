/**
 * Changes a second administrator approves: a corrected e-mail or phone — the way out when the
 * SMS goes to a lost phone, and the classic account-takeover lever — and a lifted cooling-off
 * of the one-at-a-time rule. One administrator asks (with a reason), another approves or
 * refuses; the change and its notices (to the OLD address and the OLD phone for a correction)
 * go in the decision's batch. Refused where there is a single operator identity (the local
 * password mode): a second pair of eyes that is the same person is none.
 */
import { Hono } from 'hono';
import type { Voter } from '../../../db/schema';
import { translator } from '../../../i18n';
import { formatParis, formatParisNamed } from '../../../i18n/dates';
import type { Approval, ApprovalKind } from '../../../platform/approvals';
import type { OutboundMessage } from '../../../platform/delivery';
import { composeEmail, helpUrl } from '../../../platform/delivery/compose';
import { log } from '../../../platform/log';
import { operatorEvent } from '../../../platform/operators/audit';
import { masked } from '../resend';
import { denied, formOf, type ConsoleContext, type ConsoleEnv } from './context';
import { ConsoleLayout, Flash } from './layout';
import { forbiddenPage } from './tickets';

export const approvalRoutes = new Hono<ConsoleEnv>();

interface Payload {
  email?: string;
  phone?: string;
}

/** Records the request; the refusal's text when it cannot be asked here, else null. */
export async function requestApproval(
  c: ConsoleContext,
  voter: Voter,
  kind: ApprovalKind,
  payload: Payload,
  reason: string,
): Promise<string | null> {
  const { t, services: s } = c.var;
  if (c.var.operator.via === 'password') return t('console.error.singleOperator');
  const now = s.clock();
  const numicHmac = await s.pseudonyms.numic(voter.numic);
  // The audit names what changes, never the new address or number.
  const audit = operatorEvent(
    `operator.voter.${kind}.request`,
    c.var.operator,
    now,
    { reason: reason.slice(0, 500), fields: Object.keys(payload) },
    numicHmac,
  );
  await s.approvals.request(
    {
      id: crypto.randomUUID(),
      kind,
      voterId: voter.id,
      numicHmac,
      payload: JSON.stringify(payload),
      reason: reason.slice(0, 500),
      requestedBy: c.var.operator.id,
      requestedAt: now,
    },
    audit,
  );
  return null;
}

/** The notices of an approved change, to the voter's contacts as they were before it. */
function notices(
  kind: ApprovalKind,
  voter: Voter,
  payload: Payload,
  numicHmac: string,
  election: string,
  at: number,
  origin: string,
): OutboundMessage[] {
  const locale = voter.language === 'en' ? 'en' : 'fr';
  const t = translator(locale);
  const date = formatParisNamed(at, locale, t);
  const subject = `${t(kind === 'contact' ? 'console.notice.contact.subject' : 'console.notice.lift.subject')} — ${election}`;
  const paragraphs =
    kind === 'contact'
      ? [
          ...(payload.email ? [t('console.notice.contact.email', { election, date })] : []),
          ...(payload.phone ? [t('console.notice.contact.phone', { election, date })] : []),
        ]
      : [t('console.notice.lift.email', { election, date })];
  const { text, html } = composeEmail(locale, subject, [
    t('passwordRenewal.mail.greeting'),
    ...paragraphs,
    helpUrl(origin),
    t('passwordRenewal.mail.auto'),
  ]);
  const purpose = `assistance-${kind}`;
  return [
    { channel: 'email', to: voter.email, subject, text, html, purpose, numicHmac },
    {
      channel: 'sms',
      to: voter.phone,
      text: t('console.notice.sms', { date, help: helpUrl(origin) }),
      purpose,
      numicHmac,
    },
  ];
}

function describe(c: ConsoleContext, a: Approval): string {
  const { t } = c.var;
  const p = JSON.parse(a.payload) as Payload;
  if (a.kind === 'lift') return t('console.approvals.kind.lift');
  return [
    t('console.approvals.kind.contact'),
    ...(p.email ? [`${t('console.voter.email')} → ${masked('email', p.email)}`] : []),
    ...(p.phone ? [`${t('console.voter.phone')} → ${masked('sms', p.phone)}`] : []),
  ].join(' · ');
}

async function listPage(
  c: ConsoleContext,
  flash: { notice?: string; error?: string } = {},
  status: 200 | 400 | 409 | 503 = 200,
) {
  const { t, locale, services: s } = c.var;
  const pending = await s.approvals.pending();
  return c.html(
    <ConsoleLayout
      t={t}
      locale={locale}
      title={t('console.approvals.title')}
      path="/operateur/approbations"
      operator={c.var.operator}
    >
      <h1>{t('console.approvals.title')}</h1>
      <Flash notice={flash.notice} error={flash.error} />
      {pending.length === 0 ? (
        <p>{t('console.approvals.none')}</p>
      ) : (
        <ul class="approvals">
          {pending.map((a) => (
            <li>
              <p>
                <strong>{describe(c, a)}</strong>
              </p>
              <p>{t('console.approvals.requested', { date: formatParis(a.requestedAt, locale), by: a.requestedBy })}</p>
              <p>
                {t('console.voter.reason')} : {a.reason}
              </p>
              <form method="post" action={`/operateur/approbations/${a.id}`} class="inline-actions">
                <button type="submit" name="decision" value="approve" class="primary">
                  {t('console.approvals.approve')}
                </button>
                <button type="submit" name="decision" value="refuse" class="secondary">
                  {t('console.approvals.refuse')}
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </ConsoleLayout>,
    status,
  );
}

approvalRoutes.get('/', (c) => {
  const refused = denied(c, 'approvals.decide');
  return refused ? forbiddenPage(c, refused) : listPage(c);
});

approvalRoutes.post('/:id', async (c) => {
  const refused = denied(c, 'approvals.decide');
  if (refused) return forbiddenPage(c, refused);
  const { t, services: s } = c.var;
  const operator = c.var.operator;
  if (operator.via === 'password') return listPage(c, { error: t('console.error.singleOperator') }, 409);
  const approval = await s.approvals.byId(c.req.param('id'));
  if (!approval || approval.outcome !== null) return listPage(c, { error: t('console.error.decided') }, 409);
  if (approval.requestedBy.toLowerCase() === operator.id.toLowerCase()) {
    return listPage(c, { error: t('console.error.selfApproval') }, 409);
  }
  // Only the form's two buttons decide: an empty, unreadable or unknown decision decides nothing
  // (it once counted as a refusal, closing the request for good).
  const said = (await formOf(c)).decision;
  if (said !== 'approve' && said !== 'refuse') return listPage(c, { error: t('error.badRequest') }, 400);
  const decision = said === 'approve' ? 'approved' : 'refused';
  const now = s.clock();
  const audit = operatorEvent(
    `operator.voter.${approval.kind}.${decision}`,
    operator,
    now,
    { requestedBy: approval.requestedBy, approval: approval.id },
    approval.numicHmac,
  );
  const mine = { id: approval.id, by: operator.id, at: now, outcome: decision } as const;
  if (decision === 'refused') {
    const won = await s.approvals.decide(mine, audit);
    return won
      ? listPage(c, { notice: t('console.approvals.done.refused') })
      : listPage(c, { error: t('console.error.decided') }, 409);
  }
  const voter = await s.voters.byId(approval.voterId);
  const payload = JSON.parse(approval.payload) as Payload;
  if (!voter) return listPage(c, { error: t('console.error.resend.unknown') }, 409);
  if (approval.kind === 'lift') {
    // The object decides exactly whether a cooling-off runs; lifting it twice is harmless.
    const lifted = await s.guards.forVoter(approval.numicHmac, 'assistance-lift').liftCoolingOff(now);
    if (!lifted) return listPage(c, { error: t('console.error.notCooling') }, 409);
  }
  const election = await s.election.fresh();
  const rows = await Promise.all(
    notices(approval.kind as ApprovalKind, voter, payload, approval.numicHmac, election.title, now, s.origin).map((m) =>
      s.delivery.prepare(m, now),
    ),
  );
  try {
    const won = await s.approvals.decide(mine, audit, {
      voterId: voter.id,
      ...(approval.kind === 'contact' ? { contact: payload } : {}),
      notices: rows,
      at: now,
    });
    if (!won) return listPage(c, { error: t('console.error.decided') }, 409);
  } catch (err) {
    log.error('approval_not_recorded', err);
    return listPage(c, { error: t('console.error.unavailable') }, 503);
  }
  s.background(
    s.delivery.relay(
      rows.map((r) => r.id),
      now,
    ),
  );
  return listPage(c, { notice: t('console.approvals.done.approved') });
});
