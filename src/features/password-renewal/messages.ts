/**
 * The messages of password renewal, in the voter's language: the SMS carrying the new
 * password — alone on its line, as the message's secret part (`{{secret}}`, put back only by
 * the delivery consumer) — and the e-mail notice, which never holds the password.
 */
import { translator } from '../../i18n';
import { formatParisNamed } from '../../i18n/dates';
import { SECRET_PLACEHOLDER, type OutboundMessage } from '../../platform/delivery';
import { composeEmail, helpUrl, type Recipient } from '../../platform/delivery/compose';

/** The new password by SMS; stale (dropped, not sent) once the vote has closed. */
export function passwordSms(
  to: Recipient,
  opts: { election: string; password: string; origin: string; expiresAt: number },
): OutboundMessage {
  const t = translator(to.locale);
  return {
    channel: 'sms',
    to: to.phone,
    text: [
      t('passwordRenewal.sms.intro', { election: opts.election }),
      SECRET_PLACEHOLDER,
      t('passwordRenewal.sms.outro', { help: helpUrl(opts.origin) }),
    ].join('\n'),
    purpose: 'password',
    numicHmac: to.numicHmac,
    secret: opts.password,
    expiresAt: opts.expiresAt,
  };
}

/** "Your password was renewed; if it was not you, contact the assistance", by e-mail. */
export function renewedNotice(to: Recipient, opts: { election: string; at: number; origin: string }): OutboundMessage {
  const t = translator(to.locale);
  const subject = `${t('passwordRenewal.notice.subject')} — ${opts.election}`;
  const paragraphs = [
    t('passwordRenewal.mail.greeting'),
    t('passwordRenewal.notice.text', { election: opts.election, date: formatParisNamed(opts.at, to.locale, t) }),
    helpUrl(opts.origin),
    t('passwordRenewal.mail.auto'),
  ];
  const { text, html } = composeEmail(to.locale, subject, paragraphs);
  return {
    channel: 'email',
    to: to.email,
    subject,
    text,
    html,
    purpose: 'password-renewed',
    numicHmac: to.numicHmac,
  };
}
