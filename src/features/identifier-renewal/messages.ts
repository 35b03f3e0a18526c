/**
 * The messages of identifier renewal, in the voter's language (texts in the catalogue):
 * the e-mail with the link (Écran 4) and the notices once the identifier is renewed. A link
 * stands alone on its line (SPEC.md); it is the message's secret part, written `{{secret}}`
 * and put back only by the delivery consumer.
 */
import { translator } from '../../i18n';
import { formatParisNamed } from '../../i18n/dates';
import type { OutboundMessage } from '../../platform/delivery';
import { composeEmail, helpUrl, type Recipient } from '../../platform/delivery/compose';

/** Écran 4: the e-mail carrying the link (`link` is the secret, sent apart). */
export function linkEmail(
  to: Recipient,
  opts: { election: string; link: string; origin: string; expiresAt: number },
): OutboundMessage {
  const t = translator(to.locale);
  const subject = `${t('identifierRenewal.mail.subject')} — ${opts.election}`;
  const { text, html } = composeEmail(to.locale, subject, [
    t('identifierRenewal.mail.greeting'),
    t('identifierRenewal.mail.asked', { election: opts.election }),
    t('identifierRenewal.mail.open'),
    null,
    t('identifierRenewal.mail.validity'),
    t('identifierRenewal.mail.notYou'),
    helpUrl(opts.origin),
    t('identifierRenewal.mail.auto'),
  ]);
  return {
    channel: 'email',
    to: to.email,
    subject,
    text,
    html,
    purpose: 'identifier-link',
    numicHmac: to.numicHmac,
    secret: opts.link,
    expiresAt: opts.expiresAt,
  };
}

/** "Your identifier was renewed; if it was not you, contact the assistance", by e-mail and SMS. */
export function renewedNotices(
  to: Recipient,
  opts: { election: string; at: number; origin: string },
): OutboundMessage[] {
  const t = translator(to.locale);
  const date = formatParisNamed(opts.at, to.locale, t);
  const help = helpUrl(opts.origin);
  const subject = `${t('identifierRenewal.notice.subject')} — ${opts.election}`;
  const { text, html } = composeEmail(to.locale, subject, [
    t('identifierRenewal.mail.greeting'),
    t('identifierRenewal.notice.text', { election: opts.election, date }),
    help,
    t('identifierRenewal.mail.auto'),
  ]);
  const base = { purpose: 'identifier-renewed', numicHmac: to.numicHmac };
  return [
    { ...base, channel: 'email', to: to.email, subject, text, html },
    { ...base, channel: 'sms', to: to.phone, text: t('identifierRenewal.notice.sms', { date, help }) },
  ];
}
