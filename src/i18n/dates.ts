/**
 * Dates as voters read them: in Paris time with the zone named (the election's legal time),
 * formatted like the source document ("mardi 19 avril 2022 11:14").
 */
import type { Locale, Translate } from './index';

const formatters = new Map<Locale, Intl.DateTimeFormat>();

function formatter(locale: Locale): Intl.DateTimeFormat {
  let f = formatters.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
      timeZone: 'Europe/Paris',
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(locale, f);
  }
  return f;
}

// Every screen shows the same two dates (opening, closing) and formatToParts is the most
// expensive call of the login screen: remember the last few results per isolate.
const formatted = new Map<string, string>();

/** "mardi 19 avril 2022 11:14" / "Tuesday 19 April 2022 11:14" in Paris time (zone not included). */
export function formatParis(ms: number, locale: Locale): string {
  const key = `${locale}${ms}`;
  let text = formatted.get(key);
  if (text === undefined) {
    const parts = Object.fromEntries(
      formatter(locale)
        .formatToParts(ms)
        .map((p) => [p.type, p.value]),
    );
    text = `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} ${parts.hour}:${parts.minute}`;
    if (formatted.size >= 64) formatted.clear();
    formatted.set(key, text);
  }
  return text;
}

/** The same, followed by the zone's name: "… 11:14 (heure de Paris)". */
export function formatParisNamed(ms: number, locale: Locale, t: Translate): string {
  return `${formatParis(ms, locale)} (${t('meta.parisZone')})`;
}

/**
 * Time left before closing, as the source document says it: whole days ("4 Jour(s)"), then
 * hours, then minutes on the last day. Rounded up, so the countdown never reads 0 while the
 * vote is open.
 */
export function remainingText(closesAt: number, now: number, t: Translate): string {
  const left = Math.max(0, closesAt - now);
  const day = 86_400_000;
  const hour = 3_600_000;
  if (left > day) return t('login.days', { n: Math.ceil(left / day - 1e-9) });
  if (left > hour) return t('login.hours', { n: Math.ceil(left / hour) });
  return t('login.minutes', { n: Math.max(1, Math.ceil(left / 60_000)) });
}
