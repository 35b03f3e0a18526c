/**
 * Hostile input for every form and endpoint (fast-check): strings that break naive code —
 * overlong, control characters, look-alikes, combining marks, markup meant to break out of
 * text and attributes — and request bodies that break naive parsing — repeated and missing
 * fields, wrong content types, multipart bodies (also broken ones), invalid UTF-8, oversized.
 *
 * Every piece of markup carries MARKER, so a page can be searched for what it must never hold
 * raw (invariants.ts `assertEscaped`).
 */
import fc from 'fast-check';
import { inject } from 'vitest';

/** Runs per property: 300 in `npm test`, `HOSTILE_RUNS` (10 000 in `npm run test:soak`). */
export const RUNS = inject('hostileRuns');

/** In every injected piece of markup: found raw in a page, the page did not escape it. */
export const MARKER = 'h0st1le';

/** Markup meant to break out of a text node, an attribute, a textarea or a script. */
export const INJECTIONS = [
  `<script>${MARKER}()</script>`,
  `"><img src=x onerror=${MARKER}>`,
  `' autofocus onfocus='${MARKER}`,
  `" autofocus onfocus="${MARKER}`,
  `</textarea><b>${MARKER}</b>`,
  `</title><svg onload=${MARKER}>`,
  `<!--${MARKER}-->`,
  `javascript:${MARKER}//"'>`,
  `</script><script>${MARKER}</script>`,
  `<${MARKER} x=">"`,
] as const;

/** Characters and sequences that naive code mishandles. */
const TRICKY = [
  '\u0000',
  '\u0007',
  '\b',
  '\t',
  '\r\n',
  '\n',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\u200b',
  '\u200d',
  '\u202e',
  '\u2066',
  '\ufeff',
  '\ufffd',
  '\ud800',
  '\udfff',
  '\u0301',
  'e\u0301\u0302\u0303\u0304\u0305\u0306\u0307',
  'Z\u0351\u0360\u0361\u0489\u0334',
  '\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67',
  '%00',
  '%',
  '%%',
  '%ZZ',
  '&amp;',
  '&#60;',
  '{{secret}}',
  '{wait}',
  '${x}',
  "' OR 1=1 --",
  '"; DROP TABLE voters; --',
  'isoloir-value-slot',
  'isoloir-code-slot',
  'isoloir-now-slot',
  '__proto__',
  'constructor',
  '\\',
  '../../',
];

/** Look-alikes of digits and of the identifier's letters. */
const LOOKALIKES = [
  '\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17', // fullwidth 0-7
  '\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667', // Arabic-Indic digits
  '\u06f0\u06f1\u06f2', // Persian digits
  '\u0966\u0967\u0968', // Devanagari digits
  '\u00b9\u00b2\u00b3', // superscripts
  '\u2460\u2461', // circled digits
  '\ud835\udfce\ud835\udfcf', // mathematical bold digits
  '\u0410\u0412\u0421\u0415', // Cyrillic А В С Е
  '\u0391\u0392\u0395', // Greek Α Β Ε
  '\u0130\u0131', // dotted and dotless i
  '\u212a', // Kelvin sign (lower-cases to k)
  '\u00df', // ß (upper-cases to SS)
  '\ufb01', // ﬁ ligature
  '\uff21\uff22\uff23', // fullwidth letters
];

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 2, arbitrary: fc.constantFrom(...LOOKALIKES) },
  { weight: 2, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 2, arbitrary: fc.stringMatching(/^\d{1,12}$/) },
);

/** A hostile string: pieces glued together, sometimes repeated far beyond any field's limit. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(piece, { maxLength: 6 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom(' ', '   ', '\t\n', '\u00a0\u3000') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(piece, fc.integer({ min: 30, max: 3000 }))
      .map(([p, n]) => (p || 'x').repeat(Math.ceil(n / Math.max(1, p.length)))),
  },
);

/** NUMICs as voters mistype them and as attackers shape them. */
export const hostileNumic: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^\d{9,12}$/),
  fc.stringMatching(/^\d{1,8}$/),
  fc.stringMatching(/^[0-9A-Za-z]{8}$/),
  fc.stringMatching(/^\d{2} \d{2} \d{2} \d{2}$/),
  fc.constantFrom('00123456', '123456', '0012345a', '-1234567', '1e7', '0x123456', '12345678.0', '+12345678'),
  fc.constantFrom(...LOOKALIKES),
  hostileString,
);

/** Identifiers: right length wrong alphabet, look-alikes, separators everywhere. */
export const hostileIdentifier: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[A-Z0-9]{12}$/),
  fc.stringMatching(/^[A-Za-z0-9 .\-_]{10,20}$/),
  fc.constantFrom(
    'ABCD-EFGH-JKMN',
    'abcd efgh jkmn',
    'ABCD-EFGH-JKM\u039d',
    'ＡＢＣＤ-ＥＦＧＨ-ＪＫＭＮ',
    'ABCD\u200bEFGH\u200bJKMN',
  ),
  hostileString,
);

/** What a security code field may be sent as; `valid` asks for a real, fresh code. */
export type CodeChoice = 'valid' | 'garbage' | 'missing';
export const codeChoice: fc.Arbitrary<CodeChoice> = fc.constantFrom('valid', 'garbage', 'garbage', 'missing');

/** A form's fields: each one absent, once or repeated, its values hostile. */
export type Fields = [name: string, value: string][];

/**
 * A form of `names`: each field absent, given once or repeated (with hostile values from
 * `values[name]`, else `hostileString`), plus now and then a field nobody asked for.
 */
export function hostileFields(
  names: readonly string[],
  values: Partial<Record<string, fc.Arbitrary<string>>> = {},
): fc.Arbitrary<Fields> {
  const one = (name: string) =>
    fc
      .oneof(
        { weight: 1, arbitrary: fc.constant(0) },
        { weight: 6, arbitrary: fc.constant(1) },
        { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) },
      )
      .chain((n) => fc.array(values[name] ?? hostileString, { minLength: n, maxLength: n }))
      .map((vs) => vs.map((v): [string, string] => [name, v]));
  return fc
    .tuple(
      fc.tuple(...names.map(one)),
      fc.option(fc.tuple(fc.oneof(hostileString, fc.constantFrom('__proto__', 'intent', 'lang')), hostileString)),
    )
    .map(([fields, extra]) => [...fields.flat(), ...(extra ? [extra] : [])]);
}

/** How the fields travel. */
export type Encoding =
  | 'urlencoded'
  | 'multipart'
  | 'multipart-file'
  | 'broken-multipart'
  | 'bad-utf8'
  | 'bad-percent'
  | 'text-plain'
  | 'json'
  | 'no-type'
  | 'odd-type'
  | 'oversized';

export const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('urlencoded' as const) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Encoding>(
      'multipart',
      'multipart-file',
      'broken-multipart',
      'bad-utf8',
      'bad-percent',
      'text-plain',
      'json',
      'no-type',
      'odd-type',
      'oversized',
    ),
  },
);

/** Bytes that are not UTF-8: a lone continuation, overlongs, surrogates, truncated sequences. */
const BAD_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
];
const BAD_PERCENT = ['%FF', '%C0%AF', '%ED%A0%80', '%E2%82', '%', '%G1', '%u0041', '%F4%90%80%80'];

const ORIGIN_HEADER = 'http://127.0.0.1:8787';

function concat(parts: (string | number[])[]): Uint8Array<ArrayBuffer> {
  const chunks = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : new Uint8Array(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The request init of a POST carrying `fields` as `how` says (`seed` picks where broken bytes
 * go), with a same-origin Origin (CSRF is not what these properties test).
 */
export function formRequest(fields: Fields, how: Encoding, seed: number, headers: Record<string, string> = {}) {
  const base = { origin: ORIGIN_HEADER, ...headers };
  const urlencoded = () => {
    const p = new URLSearchParams();
    for (const [k, v] of fields) p.append(k, v);
    return p.toString();
  };
  const form = 'application/x-www-form-urlencoded';
  switch (how) {
    case 'urlencoded':
      return { method: 'POST', headers: { ...base, 'content-type': form }, body: urlencoded() };
    case 'multipart':
    case 'multipart-file': {
      const fd = new FormData();
      // workerd's FormData refuses a name ending with a backslash (it could not escape it).
      for (const [k, v] of fields) fd.append(k.endsWith('\\') ? `${k}_` : k, v);
      if (how === 'multipart-file' && fields[0]) fd.append(fields[0][0], new File([MARKER], 'x.txt'));
      return { method: 'POST', headers: base, body: fd };
    }
    case 'broken-multipart': {
      const variants = [
        {
          type: 'multipart/form-data; boundary=XyZ',
          body: `--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nb`,
        },
        { type: 'multipart/form-data', body: urlencoded() },
        { type: 'multipart/form-data; boundary=', body: '--\r\n\r\n' },
        { type: 'multipart/form-data; boundary=abc', body: `--abc\r\n\r\n--abc--` },
        { type: 'multipart/form-data; boundary=abc', body: urlencoded() },
      ];
      const v = variants[seed % variants.length]!;
      return { method: 'POST', headers: { ...base, 'content-type': v.type }, body: v.body };
    }
    case 'bad-utf8': {
      const text = urlencoded();
      const at = text.length === 0 ? 0 : seed % (text.length + 1);
      const body = concat([text.slice(0, at), BAD_UTF8[seed % BAD_UTF8.length]!, text.slice(at)]);
      return { method: 'POST', headers: { ...base, 'content-type': form }, body };
    }
    case 'bad-percent': {
      const text = urlencoded();
      const at = text.length === 0 ? 0 : seed % (text.length + 1);
      const body = text.slice(0, at) + BAD_PERCENT[seed % BAD_PERCENT.length]! + text.slice(at);
      return { method: 'POST', headers: { ...base, 'content-type': form }, body };
    }
    case 'text-plain':
      return { method: 'POST', headers: { ...base, 'content-type': 'text/plain' }, body: urlencoded() };
    case 'json':
      return {
        method: 'POST',
        headers: { ...base, 'content-type': 'application/json' },
        body: JSON.stringify(Object.fromEntries(fields)),
      };
    case 'no-type':
      return { method: 'POST', headers: base, body: concat([urlencoded()]) };
    case 'odd-type': {
      const types = [
        'APPLICATION/X-WWW-FORM-URLENCODED',
        'application/x-www-form-urlencoded; charset=iso-8859-1',
        'application/x-www-form-urlencoded;;;',
        'application/xml',
        'image/png',
        '*/*',
        'application/x-www-form-urlencoded\u0000',
      ];
      const type = types[seed % types.length]!;
      // A header value the runtime refuses (a NUL) is not a request anyone can send.
      return { method: 'POST', headers: { ...base, 'content-type': type.replace('\u0000', '') }, body: urlencoded() };
    }
    case 'oversized':
      return {
        method: 'POST',
        headers: { ...base, 'content-type': form },
        body: `${urlencoded()}&pad=${'A'.repeat(17 * 1024 + (seed % 50_000))}`,
      };
  }
}

/** A client address per run (the per-network allowances are not what these properties test). */
export function addressOf(run: number): string {
  return `10.${(run >> 16) & 255}.${(run >> 8) & 255}.${run & 255}`;
}

/** JSON of every wrong shape: scalars, huge arrays, deep nesting, big numbers, odd keys. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, 0, -1, 1e308, -0, '', [], {}) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 50, max: 5_000 }).map((depth) => {
      let v: unknown = MARKER;
      for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
      return v;
    }),
  },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor')),
      fc.jsonValue({ maxDepth: 2 }),
      {
        maxKeys: 5,
      },
    ),
  },
);

/** A JSON body that is not JSON: cut, with a BOM, invalid UTF-8, NaN, comments… */
export const brokenJsonText: fc.Arbitrary<string | Uint8Array<ArrayBuffer>> = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '{"a":',
    '[1,2',
    'NaN',
    '{"a":NaN}',
    "{'a':1}",
    '{"a":1,}',
    '/*x*/{}',
    '\ufeff{}',
    'nul',
    '{"a":1}{"b":2}',
  ),
  fc.constantFrom(...BAD_UTF8).map((b) => concat(['{"a":"', b, '"}'])),
  fc.integer({ min: 1000, max: 200_000 }).map((n) => '['.repeat(n)),
  hostileString,
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * Every place in a JSON value down to depth 30: its path (the value itself is the empty path).
 * Bounded: a deeply nested value (hostileJson's) would overflow the test's own stack.
 */
function places(v: unknown, path: (string | number)[] = []): (string | number)[][] {
  const here = [path];
  if (path.length >= 30) return here;
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => places(x, [...path, i]))];
  if (v && typeof v === 'object') return [...here, ...Object.entries(v).flatMap(([k, x]) => places(x, [...path, k]))];
  return here;
}

/** What happens to one place of a valid body: another value, removed, or repeated `n` times. */
export type Change = { kind: 'set'; value: unknown } | { kind: 'drop' } | { kind: 'repeat'; n: number };

/**
 * Changes of one value: numbers and decimals out of range (`extra` adds the caller's own), any
 * other JSON shape, a hostile string, the value dropped, or repeated into a huge array.
 */
export function changeOf(extra: unknown[] = []): fc.Arbitrary<Change> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .constantFrom<unknown>(
          '0',
          '-1',
          'NaN',
          '1.5',
          '9'.repeat(700),
          '',
          0,
          -1,
          1.5,
          2 ** 53,
          -(2 ** 31),
          1e308,
          null,
          true,
          [],
          {},
          ...extra,
        )
        .map((value) => ({ kind: 'set' as const, value })),
    },
    { weight: 2, arbitrary: hostileJson.map((value) => ({ kind: 'set' as const, value })) },
    { weight: 2, arbitrary: hostileString.map((value) => ({ kind: 'set' as const, value })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'drop' as const }) },
    { weight: 1, arbitrary: fc.integer({ min: 2, max: 400 }).map((n) => ({ kind: 'repeat' as const, n })) },
  );
}

/** `value` with its `pick`-th place (of all, modulo) changed. */
export function mutate(value: unknown, pick: number, change: Change): unknown {
  const copy = structuredClone(value) as Json;
  const all = places(copy);
  const path = all[pick % all.length]!;
  if (path.length === 0) {
    if (change.kind === 'set') return change.value;
    return change.kind === 'drop' ? null : Array.from({ length: change.n }, () => copy);
  }
  const parent = path.slice(0, -1).reduce<Json>((o, k) => (o as Record<string, Json>)[k]!, copy) as
    Json[] | Record<string, Json>;
  const key = path[path.length - 1]!;
  if (change.kind === 'set') (parent as Record<string, unknown>)[key] = change.value;
  else if (Array.isArray(parent) && typeof key === 'number') {
    if (change.kind === 'drop') parent.splice(key, 1);
    else parent.splice(key, 1, ...Array.from({ length: change.n }, () => structuredClone(parent[key]!)));
  } else if (change.kind === 'drop') delete (parent as Record<string, Json>)[key];
  else (parent as Record<string, unknown>)[key] = Array.from({ length: change.n }, () => parent[key as never]);
  return copy;
}

/** Every string in a JSON value, keys included (what an answer may quote back). */
export function stringsIn(v: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof v === 'string') out.push(v);
  else if (depth >= 30) return out;
  else if (Array.isArray(v)) for (const x of v.slice(0, 1000)) stringsIn(x, out, depth + 1);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v).slice(0, 1000)) {
      out.push(k);
      stringsIn(x, out, depth + 1);
    }
  }
  return out;
}
