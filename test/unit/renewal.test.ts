import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { linkUrl, newLink, openLink, splitLinkPath } from '../../src/features/identifier-renewal/links';
import { canonicalEmail, minutesOf, sameEmail } from '../../src/features/identifier-renewal/rules';
import { waitText } from '../../src/features/password-renewal/rules';
import { translator } from '../../src/i18n';
import { en } from '../../src/i18n/en';
import { fr } from '../../src/i18n/fr';

const NUMIC_HMAC = 'a'.repeat(64);

describe('renewal links', () => {
  it('carry the object’s name and a tagged token of 128 random bits', async () => {
    const link = await newLink(env, NUMIC_HMAC);
    expect(link.ref).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(link.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(linkUrl('https://vote.example/', link)).toBe(`https://vote.example/r/${link.ref}/${link.token}`);
    const opened = await openLink(env, link.ref, link.token);
    expect(opened).toEqual(link);
    const other = await newLink(env, NUMIC_HMAC);
    expect(other.token).not.toBe(link.token);
  });

  it('refuse a tampered token, another voter’s name, or garbage — without storage', async () => {
    const link = await newLink(env, NUMIC_HMAC);
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    expect(await openLink(env, link.ref, flip(link.token, 0))).toBeNull();
    expect(await openLink(env, link.ref, flip(link.token, 31))).toBeNull();
    expect(await openLink(env, flip(link.ref, 5), link.token)).toBeNull();
    expect(await openLink(env, '', '')).toBeNull();
    expect(await openLink(env, link.ref, link.token + 'x')).toBeNull();
  });

  it('forgive punctuation a mail app glued to the link', () => {
    expect(splitLinkPath('abc/def.')).toEqual({ ref: 'abc', token: 'def' });
    expect(splitLinkPath('abc/def)>')).toEqual({ ref: 'abc', token: 'def' });
    expect(splitLinkPath('abc')).toEqual({ ref: 'abc', token: '' });
  });
});

describe('renewal rules', () => {
  it('compare addresses trimmed and case-insensitively', () => {
    expect(sameEmail(' Electeur@Example.ORG ', 'electeur@example.org')).toBe(true);
    expect(sameEmail('electeur@example.org', 'electeur@example.com')).toBe(false);
    expect(canonicalEmail('  A@B.C ')).toBe('a@b.c');
  });

  it('say waits in whole minutes, then hours', () => {
    const t = translator('fr');
    expect(minutesOf(1)).toBe(1);
    expect(minutesOf(50 * 60_000)).toBe(50);
    expect(waitText(59 * 60_000 + 1, t)).toBe('60 minute(s)');
    expect(waitText(23.5 * 3_600_000, t)).toBe('24 heure(s)');
  });

  it('have the same placeholders in French and English', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(fr) as (keyof typeof fr)[]) {
      if (!/^(identifierRenewal|passwordRenewal|renewal)\./.test(key)) continue;
      expect(placeholders(en[key]), key).toEqual(placeholders(fr[key]));
    }
  });
});
