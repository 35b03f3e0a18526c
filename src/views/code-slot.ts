/**
 * Screens that are the same for every voter but their security code (the login screen, the
 * renewal request screen) are rendered once per isolate, language and minute, with a slot
 * where the code goes; each load then gets its own fresh code spliced in. Rendering the JSX
 * is most of a screen's CPU (bench/profile.mjs), and a screen is loaded by every voter at the
 * peak. Nothing is cached by HTTP: each response still carries its own code and language,
 * with `Cache-Control: no-store`.
 */
import type { Child } from 'hono/jsx';

/** What a page is rendered with in place of a code: URL-safe, as a real code id is. */
export const CODE_SLOT = 'isoloir-code-slot';

const rendered = new Map<string, string[]>();
const MAX_ENTRIES = 32;

/**
 * The page `render(CODE_SLOT)` with `captchaId` in place of every slot. `key` must name
 * everything the page depends on besides the code (language, election settings, what the
 * clock shows); a minute is added to it, so a forgotten time-dependent part is never more
 * than a minute old.
 *
 * @example
 * c.html(await withCode(`login|${locale}|${remaining}`, captchaId, now, (id) => <LoginPage captchaId={id} … />))
 */
export async function withCode(key: string, captchaId: string, now: number, render: (slot: string) => Child): Promise<string> {
  const fullKey = `${key}|${Math.floor(now / 60_000)}`;
  let parts = rendered.get(fullKey);
  if (!parts) {
    parts = String(await (render(CODE_SLOT) as { toString(): string | Promise<string> }).toString()).split(CODE_SLOT);
    if (rendered.size >= MAX_ENTRIES) rendered.clear();
    rendered.set(fullKey, parts);
  }
  return parts.join(captchaId);
}
