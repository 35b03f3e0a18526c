/**
 * From a CSV row of the roll to the normalised voter the Worker expects (`rollRowSchema`,
 * src/platform/roll/row.ts — the very schema the Worker validates with), or the reasons it is
 * refused. Pure functions: no I/O, so the rules are tested on their own.
 */
import { parsePhoneNumberFromString as parseMobile, isSupportedCountry } from 'libphonenumber-js/mobile';
import { parsePhoneNumberFromString as parseAny } from 'libphonenumber-js/max';
import { normalizeNumic } from '../../src/platform/numic.ts';
import { CONSULATE_MAX, E164, rollRowSchema } from '../../src/platform/roll/row.ts';
import { REASONS } from './reasons.mjs';

export { normalizeNumic };

export const REQUIRED_COLUMNS = ['numic', 'email', 'phone', 'constituency'];
export const OPTIONAL_COLUMNS = ['language', 'consulate', 'country'];

/**
 * The header's column names → the index of each column the import reads (names trimmed and
 * case-insensitive; other columns ignored), or `{missing, duplicated}` naming what is wrong.
 */
export function mapColumns(header) {
  const names = header.map((name) => name.trim().toLowerCase());
  const columns = {};
  const duplicated = [];
  for (const name of [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]) {
    const first = names.indexOf(name);
    if (first < 0) continue;
    if (names.indexOf(name, first + 1) >= 0) duplicated.push(name);
    columns[name] = first;
  }
  const missing = REQUIRED_COLUMNS.filter((name) => columns[name] === undefined);
  return missing.length > 0 || duplicated.length > 0 ? { missing, duplicated } : { columns };
}

const emailSchema = rollRowSchema.shape.email;

/** Trimmed, its domain in lower case (the local part is the mailbox owner's to spell). */
export function normalizeEmail(text) {
  const s = text.trim();
  const at = s.lastIndexOf('@');
  const email = at < 0 ? s : s.slice(0, at) + s.slice(at).toLowerCase();
  return emailSchema.safeParse(email).success ? email : null;
}

// What libphonenumber's full metadata calls a valid number the mobile metadata refused.
const REFUSED_TYPES = {
  FIXED_LINE: REASONS.landline,
  PREMIUM_RATE: REASONS.premium,
  TOLL_FREE: REASONS.tollFree,
  SHARED_COST: REASONS.sharedCost,
};

/**
 * A phone as written in the roll → E.164, or the reason it is refused. The convocation's
 * password goes by SMS, so only numbers that can receive one are accepted: libphonenumber's
 * mobile metadata decides (MOBILE, and FIXED_LINE_OR_MOBILE — all of North America, where the
 * number does not tell). The full metadata only names what a refused number is. A national
 * format (`06 12 34 56 78`) is read with the row's country; `00` then the country code is read
 * as `+` when the row has no country.
 */
export function normalizePhone(text, country) {
  let s = text.trim();
  if (!/^[+\d\s().\-/]+$/.test(s) || !/\d/.test(s)) return { reason: REASONS.phoneInvalid };
  if (!country && s.startsWith('00')) s = `+${s.slice(2)}`;
  if (!s.startsWith('+')) {
    if (!country) return { reason: REASONS.phoneNational };
    if (!/^[A-Z]{2}$/.test(country) || !isSupportedCountry(country)) return { reason: REASONS.countryUnknown };
  }
  const options = s.startsWith('+') ? undefined : { defaultCountry: country };
  const mobile = parseMobile(s, options);
  // getType() is undefined for an invalid number: with typed metadata it is isValid()'s own test.
  const mobileType = mobile?.getType();
  if ((mobileType === 'MOBILE' || mobileType === 'FIXED_LINE_OR_MOBILE') && E164.test(mobile.number)) {
    return { phone: mobile.number };
  }
  const any = parseAny(s, options);
  const type = any?.isValid() ? any.getType() : undefined;
  if (type && REFUSED_TYPES[type]) return { reason: REFUSED_TYPES[type] };
  if (type) return { reason: REASONS.notMobile };
  return { reason: REASONS.phoneInvalid };
}

/** `"1"`..`"11"` (leading zeros read), or null. */
export function normalizeConstituency(text) {
  const s = text.trim();
  if (!/^\d{1,3}$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= 11 ? String(n) : null;
}

/**
 * One CSV record → `{row}` (the normalised voter, `rollRowSchema`) or `{reasons, numic}`: every
 * reason it is refused, and its NUMIC when readable (so `--replace` leaves that voter alone).
 */
export function normalizeRow(fields, columns) {
  const cell = (name) => (columns[name] === undefined ? '' : (fields[columns[name]] ?? '').trim());
  const reasons = [];

  const rawNumic = cell('numic');
  const numic = rawNumic === '' ? null : normalizeNumic(rawNumic);
  if (rawNumic === '') reasons.push(REASONS.numicMissing);
  else if (numic === null) reasons.push(REASONS.numicInvalid);

  const rawEmail = cell('email');
  const email = rawEmail === '' ? null : normalizeEmail(rawEmail);
  if (rawEmail === '') reasons.push(REASONS.emailMissing);
  else if (email === null) reasons.push(REASONS.emailInvalid);

  const rawPhone = cell('phone');
  let phone = null;
  if (rawPhone === '') reasons.push(REASONS.phoneMissing);
  else {
    const result = normalizePhone(rawPhone, cell('country').toUpperCase());
    if (result.phone) phone = result.phone;
    else reasons.push(result.reason);
  }

  const rawConstituency = cell('constituency');
  const constituency = normalizeConstituency(rawConstituency);
  if (rawConstituency === '') reasons.push(REASONS.constituencyMissing);
  else if (constituency === null) reasons.push(REASONS.constituencyUnknown);

  const language = cell('language').toLowerCase() || 'fr';
  if (language !== 'fr' && language !== 'en') reasons.push(REASONS.languageUnknown);

  const consulate = cell('consulate') || null;
  if (consulate !== null && consulate.length > CONSULATE_MAX) reasons.push(REASONS.consulateTooLong);

  if (reasons.length > 0) return { reasons, numic };
  const row = { numic, email, phone, constituency, language, consulate };
  // The schema the Worker applies, here too: a row it would refuse is never sent.
  const checked = rollRowSchema.safeParse(row);
  if (!checked.success) return { reasons: [REASONS.rowInvalid(checked.error.issues.map((i) => i.path[0]))], numic };
  return { row: checked.data };
}
