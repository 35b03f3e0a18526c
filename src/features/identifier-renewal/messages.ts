/**
 * The messages of identifier renewal, in the voter's language (texts in the catalogue):
 * the e-mail with the link (Écran 4) and the notices once the identifier is renewed. A link
 * stands alone on its line (SPEC.md); it is the message's secret part, written `{{secret}}`
 * and put back only by the delivery consumer.
 */
import { translator, type Locale } from '../../i18n';
import { formatParisNamed } from '../../i18n/dates';
import { SECRET_PLACEHOLDER, type OutboundMessage } from '../../platform/delivery';

export interface Recipient {
  email: string;
  phone: string;
  locale: Locale;
  numicHmac: string;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Plain text and a simple HTML twin (mail apps show either). `null` marks the link's line. */
function compose(locale: Locale, subject: string, paragraphs: (string | null)[]) {
  const text = paragraphs.map((p) => p ?? SECRET_PLACEHOLDER).join('\n\n') + '\n';
  const body = paragraphs
    .map((p) =>
      p === null ? `<p><a href="${SECRET_PLACEHOLDER}">${SECRET_PLACEHOLDER}</a></p>` : `<p>${escapeHtml(p)}</p>`,
    )
    .join('\n');
  const html = `<!DOCTYPE html>\n<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>\n<body>\n${body}\n</body></html>\n`;
  return { text, html };
}

export function helpUrl(origin: string): string {
  return `${origin.replace(/\/+$/, '')}/aide`;
}

/** Écran 4: the e-mail carrying the link (`link` is the secret, sent apart). */
export function linkEmail(
  to: Recipient,
  opts: { election: string; link: string; origin: string; expiresAt: number },
): OutboundMessage {
  const t = translator(to.locale);
  const subject = `${t('identifierRenewal.mail.subject')} — ${opts.election}`;
  const { text, html } = compose(to.locale, subject, [
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
  const { text, html } = compose(to.locale, subject, [
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
