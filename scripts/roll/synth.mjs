/**
 * `roll synth N`: a synthetic roll CSV for tests and the bench — N rows with distinct NUMICs
 * (never a demo voter's), mobile numbers of several countries that the import accepts (E.164,
 * or national with the row's country), constituencies 1..11, both languages, consulates, and
 * an exact share of bad rows (bad e-mails, landlines, duplicated NUMICs, missing fields).
 * Deterministic for a given seed. Every phone is checked with the import's own normalizePhone,
 * so the count of valid rows is what an import of the file reports.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { normalizePhone } from './normalize.mjs';
import { REASONS } from './reasons.mjs';
import { csvField } from './rejects.mjs';

/** The demo voters (SPEC.md, scripts/local.mjs): a synthetic roll never touches them. */
export const DEMO_NUMICS = new Set(['00123456', '00654321', '00111111', '00222222']);
export const BAD_KINDS = ['email', 'landline', 'duplicate', 'missing'];
export const HEADER = ['numic', 'email', 'phone', 'constituency', 'language', 'consulate', 'country'];

/** A small, fast, seedable generator (mulberry32) over a string seed. */
export function random(seed) {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
  let a = (h << 13) | (h >>> 19);
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    digits: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += Math.floor(next() * 10);
      return s;
    },
  };
}

// Per country: a mobile number (E.164 and national), the constituency its consulates vote in,
// the consulates. Prefixes are those libphonenumber's mobile metadata accepts.
const COUNTRIES = [
  {
    cc: 'FR',
    weight: 6,
    mobile: (r) => ['+33', '0', r.pick(['6', '7']) + r.digits(8)],
    constituency: null,
    consulates: [''],
  },
  {
    cc: 'US',
    weight: 4,
    mobile: (r) => ['+1', '', nanp(r, ['202', '212', '305', '415', '617', '312'])],
    constituency: '1',
    consulates: ['Washington', 'New York', 'San Francisco', 'Miami', 'Chicago', 'Boston'],
  },
  {
    cc: 'CA',
    weight: 3,
    mobile: (r) => ['+1', '', nanp(r, ['416', '514', '604', '418'])],
    constituency: '1',
    consulates: ['Montréal', 'Québec', 'Toronto', 'Vancouver'],
  },
  {
    cc: 'BR',
    weight: 1,
    mobile: (r) => ['+55', '0', '11' + '9' + r.pick(['6', '7', '8', '9']) + r.digits(7)],
    constituency: '2',
    consulates: ['São Paulo', 'Rio de Janeiro'],
  },
  {
    cc: 'GB',
    weight: 4,
    mobile: (r) => ['+44', '0', '7' + r.pick(['4', '5', '7', '8', '9']) + r.digits(8)],
    constituency: '3',
    consulates: ['Londres', 'Édimbourg'],
  },
  {
    cc: 'BE',
    weight: 3,
    mobile: (r) => ['+32', '0', '4' + r.pick(['7', '8', '9']) + r.digits(7)],
    constituency: '4',
    consulates: ['Bruxelles', 'Anvers'],
  },
  {
    cc: 'ES',
    weight: 2,
    mobile: (r) => ['+34', '', '6' + r.digits(8)],
    constituency: '5',
    consulates: ['Madrid', 'Barcelone', 'Séville'],
  },
  {
    cc: 'CH',
    weight: 3,
    mobile: (r) => ['+41', '0', '7' + r.pick(['6', '7', '8', '9']) + r.digits(7)],
    constituency: '6',
    consulates: ['Genève', 'Zurich'],
  },
  {
    cc: 'DE',
    weight: 3,
    mobile: (r) => ['+49', '0', '15' + r.pick(['1', '2', '7']) + r.digits(8)],
    constituency: '7',
    consulates: ['Berlin', 'Munich', 'Francfort'],
  },
  {
    cc: 'IT',
    weight: 2,
    mobile: (r) => ['+39', '', '3' + r.pick(['3', '4', '8', '9']) + r.digits(8)],
    constituency: '8',
    consulates: ['Rome', 'Milan'],
  },
  {
    cc: 'MA',
    weight: 2,
    mobile: (r) => ['+212', '0', '6' + r.digits(8)],
    constituency: '9',
    consulates: ['Rabat', 'Casablanca', 'Marrakech'],
  },
  {
    cc: 'SN',
    weight: 1,
    mobile: (r) => ['+221', '', '7' + r.pick(['0', '6', '7', '8']) + r.digits(7)],
    constituency: '9',
    consulates: ['Dakar'],
  },
  {
    cc: 'JP',
    weight: 1,
    mobile: (r) => ['+81', '0', r.pick(['80', '90']) + r.digits(8)],
    constituency: '11',
    consulates: ['Tokyo', 'Kyoto, Osaka'],
  },
  { cc: 'AU', weight: 1, mobile: (r) => ['+61', '0', '4' + r.digits(8)], constituency: '11', consulates: ['Sydney'] },
];
const WEIGHTED = COUNTRIES.flatMap((c) => Array(c.weight).fill(c));
const ENGLISH = new Set(['US', 'CA', 'GB', 'AU']);
const FIRST = [
  'camille',
  'louis',
  'lea',
  'hugo',
  'chloe',
  'jules',
  'manon',
  'lucas',
  'ines',
  'adam',
  'sarah',
  'nathan',
];
const LAST = ['martin', 'bernard', 'dubois', 'thomas', 'robert', 'richard', 'petit', 'durand', 'leroy', 'moreau'];
const DOMAINS = ['example.org', 'example.com', 'example.net', 'Example.ORG'];
const BAD_EMAILS = ['jean.dupont@', 'pas-une-adresse', 'jean dupont@example.org', '@example.org', 'jean@@example.org'];

/** A North American number: area code, exchange 2-9xx (not N11, not 555), line. */
function nanp(r, areas) {
  let exchange;
  do exchange = `${2 + r.int(8)}${r.digits(2)}`;
  while (exchange === '555' || exchange.endsWith('11'));
  return r.pick(areas) + exchange + r.digits(4);
}

const LANDLINES = [(r) => `+331${r.digits(8)}`, (r) => `+44207946${r.digits(4)}`, (r) => `+4930${r.digits(7)}`];

/** A mobile the import accepts, as the file writes it: `{phone, country, cc}`. */
function mobilePhone(r) {
  for (;;) {
    const country = r.pick(WEIGHTED);
    const [code, trunk, national] = country.mobile(r);
    const e164 = `${code}${national}`;
    if (!normalizePhone(e164, '').phone) continue; // a range the metadata refuses: draw again
    // E.164 as is, spaced, or national with the row's country — each read back to check it.
    const style = r.int(4);
    const written =
      style === 0 ? e164 : style === 1 ? spaced(e164) : style === 2 ? trunk + national : spaced(trunk + national);
    const cc = style === 0 && r.int(2) === 0 ? '' : country.cc;
    if (normalizePhone(written, cc).phone === e164) return { phone: written, country, cc };
    return { phone: e164, country, cc };
  }
}

const spaced = (s) => s.replace(/(\d{2})(?=\d)/g, '$1 ').trim();

function landline(r) {
  for (;;) {
    const phone = r.pick(LANDLINES)(r);
    if (normalizePhone(phone, '').reason === REASONS.landline) return phone;
  }
}

/**
 * Writes the synthetic roll. Resolves to `{rows, valid, bad, file, kinds, seed}` (`kinds`: bad
 * rows of each kind; a duplicated NUMIC makes two bad rows).
 */
export async function synthRoll({ rows, out = `roll-${rows}.csv`, badShare = 0.05, seed = String(Date.now()) }) {
  const r = random(seed);
  const file = resolve(out);
  const badTotal = Math.round(rows * badShare);
  const kinds = Object.fromEntries(BAD_KINDS.map((k) => [k, 0]));
  // NUMICs: offset + i × stride modulo 10⁸ — the stride is prime to 10⁸, so all distinct.
  const STRIDE = 37_139_213;
  const offset = r.int(100_000_000);
  let drawn = 0;
  const nextNumic = () => {
    for (;;) {
      const numic = String((offset + drawn++ * STRIDE) % 100_000_000).padStart(8, '0');
      if (!DEMO_NUMICS.has(numic)) return numic;
    }
  };
  const stream = createWriteStream(file, { encoding: 'utf8' });
  let text = `${HEADER.join(',')}\n`;
  let badSoFar = 0;
  let pendingDuplicate = null; // the first row of a duplicated pair waits for its second
  for (let i = 0; i < rows; i++) {
    // Bad rows spread evenly: exactly badTotal of them.
    const isBad = Math.floor(((i + 1) * badTotal) / rows) > badSoFar;
    let kind = null;
    if (isBad) {
      badSoFar++;
      const lastBad = badSoFar === badTotal;
      if (pendingDuplicate) kind = 'duplicate';
      else {
        kind = r.pick(BAD_KINDS);
        if (kind === 'duplicate' && lastBad) kind = 'email'; // no room left for its pair
      }
      kinds[kind]++;
    }
    const { phone, country, cc } = mobilePhone(r);
    let numic = kind === 'duplicate' && pendingDuplicate ? pendingDuplicate : nextNumic();
    if (kind === 'duplicate') pendingDuplicate = pendingDuplicate ? null : numic;
    // Spreadsheets drop leading zeros; the import restores them.
    if (numic.startsWith('0') && r.int(5) === 0) numic = String(Number(numic));
    const first = r.pick(FIRST);
    const last = r.pick(LAST);
    const cells = {
      numic,
      email: `${first}.${last}.${i}@${r.pick(DOMAINS)}`,
      phone,
      constituency: country.constituency ?? String(1 + r.int(11)),
      language: ENGLISH.has(country.cc) ? r.pick(['en', 'en', 'fr']) : r.int(10) === 0 ? 'en' : 'fr',
      consulate: r.pick(country.consulates),
      country: cc,
    };
    if (kind === 'email') cells.email = r.pick(BAD_EMAILS);
    if (kind === 'landline') cells.phone = landline(r);
    if (kind === 'missing') cells[r.pick(['numic', 'email', 'phone', 'constituency'])] = '';
    text += `${HEADER.map((h) => csvField(cells[h])).join(',')}\n`;
    if (text.length > 65536) {
      if (!stream.write(text)) await once(stream, 'drain');
      text = '';
    }
  }
  stream.end(text);
  await once(stream, 'finish');
  return { rows, valid: rows - badTotal, bad: badTotal, file, kinds, seed };
}
