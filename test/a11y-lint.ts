/**
 * Static accessibility checks on a page's HTML, for every screen in vitest (the browser checks
 * with axe-core live in test/e2e/). They catch in milliseconds what breaks most often: an
 * input without its label, an aria-describedby pointing nowhere, an inline script the CSP
 * would block, a missing language.
 */
export interface LintOptions {
  lang: 'fr' | 'en';
}

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

/** The problems found, as readable sentences (empty when the page passes). */
export function lintPage(html: string, { lang }: LintOptions): string[] {
  const problems: string[] = [];
  const fail = (message: string) => problems.push(message);

  if (!html.startsWith('<!DOCTYPE html>')) fail('no doctype');
  if (attr(/<html[^>]*>/.exec(html)?.[0] ?? '', 'lang') !== lang) fail(`<html lang> is not "${lang}"`);
  if (!/<title>[^<]+<\/title>/.test(html)) fail('no title');
  if (!/<meta name="viewport" content="width=device-width, initial-scale=1"/.test(html)) fail('no responsive viewport');
  if ((html.match(/<h1[\s>]/g) ?? []).length !== 1) fail('not exactly one <h1>');

  // Heading levels never jump (h2 → h4).
  let level = 0;
  for (const m of html.matchAll(/<h([1-6])[\s>]/g)) {
    const next = Number(m[1]);
    if (level && next > level + 1) fail(`heading jumps from h${level} to h${next}`);
    level = next;
  }

  // CSP: no inline script, no event handler attribute, no inline style.
  for (const m of html.matchAll(/<script\b[^>]*>/g)) if (!attr(m[0], 'src')) fail('inline <script>');
  if (/\son[a-z]+="/i.test(html)) fail('inline event handler');
  if (/<[a-z][^>]*\sstyle="/i.test(html)) fail('inline style attribute');
  if (/\stabindex="[1-9]/.test(html)) fail('positive tabindex');

  // Ids unique, and every reference resolves.
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) fail(`duplicate id "${id}"`);
    seen.add(id);
  }
  for (const m of html.matchAll(/\saria-(?:describedby|labelledby)="([^"]+)"/g)) {
    for (const id of m[1]!.split(/\s+/)) if (!seen.has(id)) fail(`aria reference to missing id "${id}"`);
  }
  for (const m of html.matchAll(/<a\b[^>]*\shref="#([^"]+)"/g))
    if (!seen.has(m[1]!)) fail(`link to missing anchor "#${m[1]}"`);

  // Every form control has a label; required ones say so.
  const labelled = new Set([...html.matchAll(/<label\b[^>]*\sfor="([^"]+)"/g)].map((m) => m[1]!));
  for (const m of html.matchAll(/<(input|select|textarea)\b[^>]*>/g)) {
    const tag = m[0];
    const type = attr(tag, 'type') ?? 'text';
    if (m[1] === 'input' && ['hidden', 'submit', 'button'].includes(type)) continue;
    const id = attr(tag, 'id');
    if (!id || !labelled.has(id)) fail(`${m[1]} "${attr(tag, 'name')}" has no <label for>`);
    if (/\srequired(="")?[\s/>]/.test(tag) && attr(tag, 'aria-required') !== 'true')
      fail(`required ${id} not announced`);
    if (attr(tag, 'aria-invalid') === 'true' && !attr(tag, 'aria-describedby')?.includes(`${id}-error`))
      fail(`invalid ${id} not tied to its error`);
    if (m[1] === 'input' && !attr(tag, 'autocomplete')) fail(`input ${id} has no autocomplete`);
  }
  for (const m of html.matchAll(/<img\b[^>]*>/g)) if (attr(m[0], 'alt') === undefined) fail('<img> without alt');
  for (const m of html.matchAll(/<button\b[^>]*>([\s\S]*?)<\/button>/g))
    if (!m[1]!.replace(/<[^>]+>/g, '').trim()) fail('empty button');

  // Every screen: skip link, language switch, the footer a public service owes.
  if (!html.includes('href="#main"') || !seen.has('main')) fail('no skip link to #main');
  const other = lang === 'fr' ? 'en' : 'fr';
  if (!new RegExp(`<a href="[^"]*[?&]lang=${other}"[^>]*hreflang="${other}"`).test(html)) fail('no language switch');
  for (const href of ['/aide', '/accessibilite', '/mentions-legales'])
    if (!html.includes(`href="${href}"`)) fail(`no footer link to ${href}`);
  return problems;
}
