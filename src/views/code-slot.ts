/**
 * Screens that are the same for every voter but their security code (the login screen, the
 * renewal request screen) are rendered once per isolate, language and minute, with a slot
 * where the code goes; each load then gets its own fresh code spliced in. Rendering the JSX
 * is most of a screen's CPU (bench/profile.mjs), and a screen is loaded by every voter at the
 * peak. The server's clock that the page's script counts from (`data-now`, views/dates.tsx)
 * is filled in per load too, and so is what the voter typed in the one field a screen gives
 * back (the identifier after a wrong password: the login's answer to every failure, the
 * screen a credential-stuffing flood gets). Nothing is cached by HTTP: each response still
 * carries its own code and language, with `Cache-Control: no-store`.
 */
import type { Child } from 'hono/jsx';
import { escapeToBuffer } from 'hono/utils/html';

/** What a page is rendered with in place of a code: URL-safe, as a real code id is. */
export const CODE_SLOT = 'isoloir-code-slot';
/** What a page is rendered with in place of the value given back (nothing to escape in it). */
export const VALUE_SLOT = 'isoloir-value-slot';
const NOW_SLOT = 'isoloir-now-slot';
// A page part between two slots, and which slot follows it.
type Part = { text: string; then: 'code' | 'now' | 'value' | null };

const rendered = new Map<string, Part[]>();
const MAX_ENTRIES = 32;

/**
 * The page `render(CODE_SLOT, VALUE_SLOT)` with `captchaId` in place of every code slot,
 * `value` (escaped as hono/jsx escapes text and attributes) in place of every value slot and
 * `now` in every `data-now`. `key` must name everything else the page depends on (language,
 * election settings, what the clock shows, the errors shown); a minute is added to it, so a
 * forgotten time-dependent part is never more than a minute old.
 *
 * @example
 * c.html(await withCode(`login|${locale}|${remaining}`, captchaId, now, (id) => <LoginPage captchaId={id} … />))
 */
export async function withCode(
  key: string,
  captchaId: string,
  now: number,
  render: (slot: string, valueSlot: string) => Child,
  value = '',
): Promise<string> {
  const fullKey = `${key}|${Math.floor(now / 60_000)}`;
  let parts = rendered.get(fullKey);
  if (!parts) {
    const page = render(CODE_SLOT, VALUE_SLOT) as { toString(): string | Promise<string> };
    const html = String(await page.toString());
    parts = split(html.replaceAll(`data-now="${now}"`, `data-now="${NOW_SLOT}"`));
    if (rendered.size >= MAX_ENTRIES) rendered.clear();
    rendered.set(fullKey, parts);
  }
  const escaped = [''];
  escapeToBuffer(value, escaped);
  const fill = { code: captchaId, now: String(now), value: escaped[0]! };
  let out = '';
  for (const part of parts) out += part.then === null ? part.text : part.text + fill[part.then];
  return out;
}

const SLOTS = { [CODE_SLOT]: 'code', [NOW_SLOT]: 'now', [VALUE_SLOT]: 'value' } as const;

function split(html: string): Part[] {
  const parts: Part[] = [];
  const slots = new RegExp(`${CODE_SLOT}|${NOW_SLOT}|${VALUE_SLOT}`, 'g');
  let from = 0;
  for (const m of html.matchAll(slots)) {
    parts.push({ text: html.slice(from, m.index), then: SLOTS[m[0] as keyof typeof SLOTS] });
    from = m.index + m[0].length;
  }
  parts.push({ text: html.slice(from), then: null });
  return parts;
}
