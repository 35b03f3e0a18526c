import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { canonicalEmail, sameEmail } from '../../src/features/identifier-renewal/rules';
import { kvLinks, splitLinkPath } from '../../src/platform/links';
import { waitText } from '../../src/views/refusal';
import { translator } from '../../src/i18n';
import { en } from '../../src/i18n/en';
import { fr } from '../../src/i18n/fr';

const NUMIC_HMAC = 'a'.repeat(64);

const links = kvLinks(env.TOKENS, env.NUMIC_HMAC_KEY, 'https://vote.example/');
const newLink = (numicHmac: string) => links.create(numicHmac);
const openLink = (ref: string, token: string) => links.open(ref, token);

describe('renewal links', () => {
  it('carry the object’s name and a tagged token of 128 random bits', async () => {
    const link = await newLink(NUMIC_HMAC);
    expect(link.ref).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(link.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(links.url(link)).toBe(`https://vote.example/r/${link.ref}/${link.token}`);
    const opened = await openLink(link.ref, link.token);
    expect(opened).toEqual(link);
    const other = await newLink(NUMIC_HMAC);
    expect(other.token).not.toBe(link.token);
  });

  it('refuse a tampered token, another voter’s name, or garbage — without storage', async () => {
    const link = await newLink(NUMIC_HMAC);
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    expect(await openLink(link.ref, flip(link.token, 0))).toBeNull();
    expect(await openLink(link.ref, flip(link.token, 31))).toBeNull();
    expect(await openLink(flip(link.ref, 5), link.token)).toBeNull();
    expect(await openLink('', '')).toBeNull();
    expect(await openLink(link.ref, link.token + 'x')).toBeNull();
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

  it('say waits rounded up: seconds, then whole minutes, then hours', () => {
    const t = translator('fr');
    expect(waitText(0, t)).toBe('1 seconde(s)');
    expect(waitText(1999, t)).toBe('2 seconde(s)');
    expect(waitText(59_000, t)).toBe('59 seconde(s)');
    expect(waitText(59_001, t)).toBe('1 minute(s)');
    expect(waitText(50 * 60_000, t)).toBe('50 minute(s)');
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
