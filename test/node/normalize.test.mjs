// Each roll row normalised to what the Worker expects, or refused with a reason that says what
// to fix (French / English); the header's columns found in any order and case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mapColumns,
  normalizeConstituency,
  normalizeEmail,
  normalizePhone,
  normalizeRow,
} from '../../scripts/roll/normalize.mjs';
import { REASONS } from '../../scripts/roll/reasons.mjs';
import { normalizeNumic } from '../../src/platform/numic.ts';
import { rollRowSchema } from '../../src/platform/roll/row.ts';

test('columns: any order, names trimmed and case-insensitive, extra columns ignored', () => {
  assert.deepEqual(mapColumns([' Phone', 'extra', 'NUMIC', 'Constituency ', 'eMail', 'Country']).columns, {
    numic: 2,
    email: 4,
    phone: 0,
    constituency: 3,
    country: 5,
  });
});

test('columns: every missing required column named, a duplicated one refused', () => {
  assert.deepEqual(mapColumns(['numic', 'e-mail', 'telephone']), {
    missing: ['email', 'phone', 'constituency'],
    duplicated: [],
  });
  assert.deepEqual(mapColumns(['numic', 'email', 'Email', 'phone', 'constituency']), {
    missing: [],
    duplicated: ['email'],
  });
});

test('NUMIC: the voter screens’ own normalisation (leading zeros restored, spaces ignored)', () => {
  assert.equal(normalizeNumic('123456'), '00123456');
  assert.equal(normalizeNumic('00 12 34 56'), '00123456');
  assert.equal(normalizeNumic('123456789'), null);
  assert.equal(normalizeNumic('12a'), null);
});

test('e-mail: trimmed, the domain lower-cased, the local part kept; bad ones refused', () => {
  assert.equal(normalizeEmail('  Jean.Dupont@Example.ORG '), 'Jean.Dupont@example.org');
  for (const bad of ['jean.dupont@', 'pas-une-adresse', 'jean dupont@example.org', '@example.org', 'a@b', 'a@@b.org']) {
    assert.equal(normalizeEmail(bad), null, bad);
  }
});

test('phone: mobiles in E.164, national formats read with the country', () => {
  assert.deepEqual(normalizePhone('+33 6 12 34 56 78', ''), { phone: '+33612345678' });
  assert.deepEqual(normalizePhone('06.12.34.56.78', 'FR'), { phone: '+33612345678' });
  assert.deepEqual(normalizePhone('07400 123456', 'GB'), { phone: '+447400123456' });
  assert.deepEqual(normalizePhone('0151 23456789', 'DE'), { phone: '+4915123456789' });
  assert.deepEqual(normalizePhone('0033 6 12 34 56 78', ''), { phone: '+33612345678' });
  assert.deepEqual(normalizePhone('06 12 34 56 78', ''), { reason: REASONS.phoneNational });
  assert.deepEqual(normalizePhone('06 12 34 56 78', 'XX'), { reason: REASONS.countryUnknown });
});

test('phone: North America (FIXED_LINE_OR_MOBILE) accepted, in E.164 or national', () => {
  assert.deepEqual(normalizePhone('+1 202 555 0143', ''), { phone: '+12025550143' });
  assert.deepEqual(normalizePhone('(201) 555-0123', 'US'), { phone: '+12015550123' });
  assert.deepEqual(normalizePhone('514 416 2193', 'CA'), { phone: '+15144162193' });
});

test('phone: landlines, premium-rate, toll-free and invalid numbers refused, each saying which', () => {
  assert.deepEqual(normalizePhone('+33 1 42 68 53 00', ''), { reason: REASONS.landline });
  assert.deepEqual(normalizePhone('01 42 68 53 00', 'FR'), { reason: REASONS.landline });
  assert.deepEqual(normalizePhone('+44 20 7946 0000', ''), { reason: REASONS.landline });
  assert.deepEqual(normalizePhone('+33 8 99 12 34 56', ''), { reason: REASONS.premium });
  assert.deepEqual(normalizePhone('+1 900 555 0123', ''), { reason: REASONS.premium });
  assert.deepEqual(normalizePhone('+33 8 00 12 34 56', ''), { reason: REASONS.tollFree });
  assert.deepEqual(normalizePhone('+1 800 555 0123', ''), { reason: REASONS.tollFree });
  for (const bad of ['+33612', 'call +33612345678', '+', 'abc', '3.36123E+10']) {
    assert.deepEqual(normalizePhone(bad, ''), { reason: REASONS.phoneInvalid }, bad);
  }
  assert.equal(REASONS.landline, 'téléphone fixe refusé / landline refused');
});

test('constituency: "1" to "11", leading zeros read', () => {
  assert.equal(normalizeConstituency('01'), '1');
  assert.equal(normalizeConstituency(' 11 '), '11');
  for (const bad of ['0', '12', 'un', '1.5', '']) assert.equal(normalizeConstituency(bad), null, bad);
});

const columns = mapColumns(['numic', 'email', 'phone', 'constituency', 'language', 'consulate', 'country']).columns;

test('a good row: every field normalised, language fr by default, consulate trimmed or null', () => {
  const { row } = normalizeRow(['123456', ' A@Example.org ', '06 12 34 56 78', '03', '', '  Londres ', 'fr'], columns);
  assert.deepEqual(row, {
    numic: '00123456',
    email: 'A@example.org',
    phone: '+33612345678',
    constituency: '3',
    language: 'fr',
    consulate: 'Londres',
  });
  assert.ok(rollRowSchema.safeParse(row).success);
  assert.equal(normalizeRow(['1', 'a@example.org', '+33612345678', '1', 'EN', '', ''], columns).row.language, 'en');
  assert.equal(normalizeRow(['1', 'a@example.org', '+33612345678', '1', 'en', '', ''], columns).row.consulate, null);
});

test('a bad row: every reason listed, the NUMIC kept when readable', () => {
  assert.deepEqual(normalizeRow(['1', 'x@', '01 42 68 53 00', '12', 'de', 'y'.repeat(101), 'FR'], columns), {
    numic: '00000001',
    reasons: [
      REASONS.emailInvalid,
      REASONS.landline,
      REASONS.constituencyUnknown,
      REASONS.languageUnknown,
      REASONS.consulateTooLong,
    ],
  });
  assert.deepEqual(normalizeRow(['', '', '', ''], columns), {
    numic: null,
    reasons: [REASONS.numicMissing, REASONS.emailMissing, REASONS.phoneMissing, REASONS.constituencyMissing],
  });
  assert.deepEqual(normalizeRow(['12a'], columns).reasons[0], REASONS.numicInvalid);
});

test('every reason reads French first, then English', () => {
  for (const [name, reason] of Object.entries(REASONS)) {
    if (typeof reason !== 'string') continue;
    assert.match(reason, /^[^/]+ \/ [^/]+$/, name);
  }
});
