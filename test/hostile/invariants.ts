/**
 * What every answer to hostile input must satisfy: no 5xx, a refusal in the right shape with
 * a translated message, every input string escaped in the page, and — for a refusal — no
 * state written (D1 rows and KV keys the same before and after; only throttle counters and
 * nonces in the Durable Objects and the audit trail may move).
 *
 * Each invariant was seen to fail: with the login's echoed identifier left unescaped
 * (views/code-slot.ts filling `value` raw) the login property fails on
 * `<script>h0st1le()</script>` raw in the page; with a KV write added to the login's
 * wrong-password answer it fails on "kv changed by a refused request".
 */
import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import { en } from '../../src/i18n/en';
import { fr } from '../../src/i18n/fr';
import { INJECTIONS, MARKER } from './arbitraries';

/** The D1 tables a refusal may write to: the audit trail (events of refused attempts). */
const MAY_CHANGE = new Set(['audit_events', 'd1_migrations']);

/** Every D1 table's rows (but the audit trail's) and every KV key with its value. */
export async function snapshot(): Promise<Record<string, string>> {
  const { results } = await env.DB.prepare(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name`,
  ).all<{ name: string }>();
  const out: Record<string, string> = {};
  const tables = results.map((r) => r.name).filter((n) => !MAY_CHANGE.has(n));
  const rows = await env.DB.batch(tables.map((t) => env.DB.prepare(`SELECT * FROM "${t}" ORDER BY rowid`)));
  tables.forEach((t, i) => (out[`d1:${t}`] = JSON.stringify(rows[i]!.results)));
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await env.TOKENS.list({ cursor });
    keys.push(...page.keys.map((k) => k.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  const values = await Promise.all(keys.map((k) => env.TOKENS.get(k)));
  out.kv = JSON.stringify(keys.map((k, i) => [k, values[i]]));
  return out;
}

/** Asserts nothing but what a refusal may change has changed since `before`. */
export async function assertUnchanged(before: Record<string, string>, what: string) {
  const after = await snapshot();
  for (const key of Object.keys({ ...before, ...after })) {
    expect(after[key], `${what}: ${key} changed by a refused request`).toBe(before[key]);
  }
}

/** A page holds none of the injected markup raw: it was escaped (or left out). */
export function assertEscaped(html: string, what: string) {
  for (const injection of INJECTIONS) {
    expect(html.includes(injection), `${what}: ${JSON.stringify(injection)} raw in the page`).toBe(false);
  }
  // Markup of ours never names the marker: wherever it is, it must be in text, escaped.
  for (const m of html.matchAll(new RegExp(MARKER, 'g'))) {
    const before = html.slice(Math.max(0, m.index - 40), m.index);
    // The innermost tag opened before the marker must be closed before it, or the marker is
    // inside an attribute value — which then must be quoted with no raw quote from the input.
    const open = before.lastIndexOf('<');
    const close = before.lastIndexOf('>');
    if (open > close) {
      const attribute = before.slice(open);
      const quotes = (attribute.match(/"/g) ?? []).length;
      expect(quotes % 2, `${what}: the marker outside a quoted attribute: ${attribute}${MARKER}`).toBe(1);
    }
  }
}

const KEY = /^(?:[a-z]+[A-Za-z]*\.)+[A-Za-z.]+$/;
const CATALOGUE_KEYS = new Set(Object.keys(fr));

/** The error texts of a page: each field's error, the summary's items, the notices. */
export function errorTexts(html: string): string[] {
  const texts: string[] = [];
  for (const m of html.matchAll(/<p class="error" id="[^"]*-error">([\s\S]*?)<\/p>/g)) texts.push(m[1]!);
  for (const m of html.matchAll(/<div class="error-summary"[\s\S]*?<\/div>/g)) {
    for (const li of m[0].matchAll(/<a href="[^"]*">([\s\S]*?)<\/a>/g)) texts.push(li[1]!);
  }
  for (const m of html.matchAll(/<div class="notice[^"]*" role="(?:status|alert)">([\s\S]*?)<\/div>/g)) {
    texts.push(m[1]!.replace(/<[^>]+>/g, ''));
  }
  for (const m of html.matchAll(/<p role="alert">([\s\S]*?)<\/p>/g)) texts.push(m[1]!);
  return texts.map((t) => t.trim());
}

/**
 * Each text is a translation, not an empty string, `undefined` or a catalogue key, and no
 * placeholder of ours is left unfilled — once what the input carried (`inputs`, which a
 * message may quote) is taken out of it.
 */
export function assertTranslated(texts: string[], what: string, inputs: string[] = []) {
  const quoted = inputs.filter((v) => v.length > 0).flatMap((v) => [v, v.trim(), escapeHtml(v), escapeHtml(v.trim())]);
  for (const text of texts) {
    expect(text, `${what}: an empty message`).not.toBe('');
    expect(text, `${what}: an untranslated message`).not.toMatch(/^(undefined|null)$/);
    expect(KEY.test(text) && CATALOGUE_KEYS.has(text), `${what}: a catalogue key shown: ${text}`).toBe(false);
    const ours = quoted.reduce((t, v) => (v ? t.replaceAll(v, '') : t), text);
    expect(ours, `${what}: a placeholder left unfilled`).not.toMatch(/\{(wait|max|hours|date|count|n|role|detail)\}/);
  }
}

const escapeHtml = (v: string) =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export interface FormAnswer {
  status: number;
  html: string;
  type: string;
}

/**
 * A form route's answer to hostile input: never a 5xx; HTML; escaped; a refusal (4xx) is the
 * form again (its `action`) with at least one translated message — or, for a body too large
 * to read (413), the error page saying so.
 */
export function assertFormAnswer(
  a: FormAnswer,
  /** The form's action, or a pattern of the `action="…"` of the forms it may be. */
  action: string | RegExp,
  what: string,
  allowed: number[],
  /** Refusals that are a page of their own (a dead link): its message, not the form. */
  pages: number[] = [],
  /** What the input carried (a message may quote it). */
  inputs: string[] = [],
) {
  expect(a.status, `${what}: a server error`).toBeLessThan(500);
  expect(allowed, `${what}: status ${a.status}`).toContain(a.status);
  expect(a.type, `${what}: content type`).toMatch(/^text\/html/);
  assertEscaped(a.html, what);
  if (a.status < 400) return;
  const texts = errorTexts(a.html);
  if (a.status === 413) {
    const said = texts.some((t) => t === fr['error.tooLarge'] || t === en['error.tooLarge']);
    expect(said, `${what}: 413 without its message`).toBe(true);
    return;
  }
  expect(texts.length, `${what}: a refusal without a message`).toBeGreaterThan(0);
  assertTranslated(texts, what, inputs);
  if (pages.includes(a.status)) return;
  if (typeof action === 'string') {
    expect(a.html, `${what}: a refusal that is not the form again`).toContain(`action="${action}"`);
  } else expect(a.html, `${what}: a refusal that is not the form again`).toMatch(action);
}

/**
 * A JSON API's answer to hostile input: never a 5xx, JSON, its refusal `{error, message?}`.
 * `inputs`: what the request carried (its body), which a message may quote.
 */
export async function assertJsonAnswer(res: Response, what: string, allowed: number[], inputs: string[] = []) {
  const body = await res.text();
  expect(res.status, `${what}: a server error: ${body.slice(0, 300)}`).toBeLessThan(500);
  expect(allowed, `${what}: status ${res.status}: ${body.slice(0, 300)}`).toContain(res.status);
  expect(res.headers.get('content-type') ?? '', `${what}: content type`).toMatch(/^application\/json/);
  const data = JSON.parse(body) as Record<string, unknown>;
  if (res.status >= 400) {
    expect(typeof data.error, `${what}: a refusal without its code`).toBe('string');
    if ('message' in data) assertTranslated([String(data.message)], what, inputs);
  }
  return data;
}
