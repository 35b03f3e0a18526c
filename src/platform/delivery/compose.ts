/**
 * Building blocks of the messages the flows send: who receives them (in their own language)
 * and an e-mail as plain text with a simple HTML twin — mail apps show either.
 */
import type { Voter } from '../../db/schema';
import { isLocale, type Locale } from '../../i18n';
import { SECRET_PLACEHOLDER } from './types';

export interface Recipient {
  email: string;
  phone: string;
  locale: Locale;
  numicHmac: string;
}

/** The voter as a recipient, in the language stored on the voter (French by default). */
export function recipientOf(voter: Voter, numicHmac: string): Recipient {
  return {
    email: voter.email,
    phone: voter.phone,
    locale: isLocale(voter.language) ? voter.language : 'fr',
    numicHmac,
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The help page's absolute address, given in every message. */
export function helpUrl(origin: string): string {
  return `${origin.replace(/\/+$/, '')}/aide`;
}

/**
 * Plain text and its HTML twin from paragraphs. `null` marks the line of the message's secret
 * link, which stands alone on its line (SPEC.md) and is written `{{secret}}` until delivery.
 */
export function composeEmail(locale: Locale, subject: string, paragraphs: (string | null)[]) {
  const text = paragraphs.map((p) => p ?? SECRET_PLACEHOLDER).join('\n\n') + '\n';
  const body = paragraphs
    .map((p) =>
      p === null ? `<p><a href="${SECRET_PLACEHOLDER}">${SECRET_PLACEHOLDER}</a></p>` : `<p>${escapeHtml(p)}</p>`,
    )
    .join('\n');
  const html = `<!DOCTYPE html>\n<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>\n<body>\n${body}\n</body></html>\n`;
  return { text, html };
}
