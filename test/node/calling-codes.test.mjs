// The Worker's list of country calling codes (src/platform/delivery/segments.ts) against
// libphonenumber-js's metadata, so the two cannot drift apart silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { getCountries, getCountryCallingCode } from 'libphonenumber-js/max';

test('the calling codes of segments.ts are those of libphonenumber-js', async () => {
  const source = await readFile(new URL('../../src/platform/delivery/segments.ts', import.meta.url), 'utf8');
  const listed = /new Set\(\s*'([\d ]+)'/.exec(source)?.[1]?.split(' ');
  assert.ok(listed, 'CALLING_CODES not found in segments.ts');
  const expected = [...new Set(getCountries().map((c) => getCountryCallingCode(c)))];
  assert.deepEqual(new Set(listed), new Set(expected));
});
