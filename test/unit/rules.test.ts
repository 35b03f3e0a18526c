import { describe, expect, it } from 'vitest';
import {
  formatIdentifier,
  generateIdentifier,
  generatePassword,
  normalizeIdentifier,
  normalizeNumic,
  IDENTIFIER_ALPHABET,
} from '../../src/platform/credentials';
import { loginVerdict, windowVerdict } from '../../src/platform/guard/throttle';
import { PBKDF2_ITERATIONS, hashPassword, verifyPassword } from '../../src/platform/passwords';
import { remainingText, formatParis } from '../../src/i18n/dates';
import { translator } from '../../src/i18n';

describe('credentials', () => {
  it('normalises identifiers: case, separators, Crockford look-alikes', () => {
    expect(normalizeIdentifier('abcd-efgh-jkmn')).toBe('ABCDEFGHJKMN');
    expect(normalizeIdentifier(' ABCD EFGH JKMN ')).toBe('ABCDEFGHJKMN');
    expect(normalizeIdentifier('WXYZ-2345-6789')).toBe('WXYZ23456789');
    expect(normalizeIdentifier('ABCD-EFGH-JKMO')).toBe('ABCDEFGHJKM0');
    expect(normalizeIdentifier('ABCD-EFGH-JKMU')).toBeNull();
    expect(normalizeIdentifier('ABCD')).toBeNull();
  });

  it('generates identifiers of 12 Crockford characters and passwords unlike them', () => {
    const ids = new Set(Array.from({ length: 200 }, generateIdentifier));
    expect(ids.size).toBe(200);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
      expect([...id].every((c) => IDENTIFIER_ALPHABET.includes(c))).toBe(true);
    }
    expect(formatIdentifier('ABCDEFGHJKMN')).toBe('ABCD-EFGH-JKMN');
    const pw = generatePassword();
    expect(pw).toMatch(/^[a-hjkmnp-z2-9]{12}$/);
  });

  it('normalises NUMICs: leading zeros restored, spaces ignored', () => {
    expect(normalizeNumic('123456')).toBe('00123456');
    expect(normalizeNumic('00 12 34 56')).toBe('00123456');
    expect(normalizeNumic('123456789')).toBeNull();
    expect(normalizeNumic('12a')).toBeNull();
  });
});

describe('passwords', () => {
  it('uses exactly 100 000 PBKDF2 iterations (the Workers production cap)', async () => {
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    const stored = await hashPassword('Vote-2022-Demo');
    expect(stored).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('Vote-2022-Demo', stored)).toBe(true);
    expect(await verifyPassword('vote-2022-demo', stored)).toBe(false);
    expect(await verifyPassword('anything', null)).toBe(false);
  });
});

describe('login throttling rules', () => {
  const t = 1_000_000_000;
  it('lets five failures in 15 minutes through, then doubles the wait', () => {
    const four = [t - 4, t - 3, t - 2, t - 1];
    expect(loginVerdict(four, t)).toEqual({ ok: true });
    const five = [...four, t];
    expect(loginVerdict(five, t)).toEqual({ ok: false, retryAfterMs: 2000 });
    expect(loginVerdict([...five, t + 2000], t + 2000)).toEqual({ ok: false, retryAfterMs: 4000 });
    expect(loginVerdict(five, t + 2000)).toEqual({ ok: true });
  });
  it('never waits more than 5 minutes, never more than 100 failures per hour', () => {
    const many = Array.from({ length: 40 }, (_, i) => t - 40 + i);
    const v = loginVerdict(many, t);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.retryAfterMs).toBeLessThanOrEqual(300_000);
    const hundred = Array.from({ length: 100 }, (_, i) => t - 3_000_000 + i * 1000);
    const capped = loginVerdict(hundred, t);
    expect(capped.ok).toBe(false);
  });
  it('counts hits in a sliding window', () => {
    expect(windowVerdict([1, 2], 3, 100, 50)).toEqual({ ok: true });
    expect(windowVerdict([1, 2, 3], 3, 100, 50)).toEqual({ ok: false, retryAfterMs: 51 });
    expect(windowVerdict([1, 2, 3], 3, 100, 101)).toEqual({ ok: true });
  });
});

describe('dates', () => {
  const t = translator('fr');
  it('formats like the source document, in Paris time', () => {
    expect(formatParis(Date.UTC(2022, 3, 19, 9, 14), 'fr')).toBe('mardi 19 avril 2022 11:14');
    expect(formatParis(Date.UTC(2022, 0, 10, 9, 5), 'fr')).toBe('lundi 10 janvier 2022 10:05');
    expect(formatParis(Date.UTC(2022, 3, 19, 9, 14), 'en')).toBe('Tuesday 19 April 2022 11:14');
  });
  it('counts down in days, then hours, then minutes', () => {
    const day = 86_400_000;
    expect(remainingText(4 * day, 1, t)).toBe('4 Jour(s)');
    expect(remainingText(day + 1, 0, t)).toBe('2 Jour(s)');
    expect(remainingText(day, 0, t)).toBe('24 heure(s)');
    expect(remainingText(3_600_000, 0, t)).toBe('60 minute(s)');
    expect(remainingText(1000, 0, t)).toBe('1 minute(s)');
  });
});
