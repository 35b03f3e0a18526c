/**
 * Translation: the locale lives on the request (`c.var.locale`, `c.var.t`), never in a
 * module variable — one isolate serves many voters in many languages at once.
 */
import { en } from './en';
import { fr, type MessageKey, type Messages } from './fr';

export type { MessageKey, Messages };
export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const catalogues: Record<Locale, Messages> = { fr, en };

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function isMessageKey(value: string): value is MessageKey {
  return Object.hasOwn(fr, value);
}

export function isLocale(value: unknown): value is Locale {
  return value === 'fr' || value === 'en';
}

/** Fills `{name}` placeholders of a catalogue entry. */
export function translator(locale: Locale): Translate {
  const messages = catalogues[locale];
  return (key, params) => {
    const text = messages[key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}
