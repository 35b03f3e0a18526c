import { describe, expect, it } from 'vitest';
import wranglerToml from '../../wrangler.toml?raw';
import { backoffSeconds, MAX_ATTEMPTS, MAX_RETRIES, openSecret, sealSecret } from '../../src/platform/delivery';
import { scrub } from '../../src/platform/delivery/providers';
import { isLastAttempt, MAX_DELAY_SECONDS } from '../../src/platform/delivery/retry';

const KEY = 'unit-delivery-key';
const LINK = 'https://vote.isoloir.example/r/Zm9vYmFyYmF6cXV4cXV1eA';
const ctx = { messageId: 'm-1', expiresAt: 1_650_000_000_000 };

describe('sealing the secret', () => {
  it('opens what it sealed, and the sealed text shows nothing of the secret', async () => {
    const sealed = await sealSecret(KEY, LINK, ctx);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('isoloir');
    expect(sealed).not.toContain(LINK.slice(-12));
    expect(await openSecret(KEY, sealed, ctx)).toBe(LINK);
  });

  it('never seals the same secret to the same text (random IV)', async () => {
    expect(await sealSecret(KEY, LINK, ctx)).not.toBe(await sealSecret(KEY, LINK, ctx));
  });

  it('refuses another key, another message, a pushed-back expiry, and tampering', async () => {
    const sealed = await sealSecret(KEY, LINK, ctx);
    expect(await openSecret('another-key', sealed, ctx)).toBeNull();
    expect(await openSecret(KEY, sealed, { ...ctx, messageId: 'm-2' })).toBeNull();
    expect(await openSecret(KEY, sealed, { ...ctx, expiresAt: ctx.expiresAt + 3_600_000 })).toBeNull();
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1);
    expect(await openSecret(KEY, flipped, ctx)).toBeNull();
    expect(await openSecret(KEY, 'v1.', ctx)).toBeNull();
    expect(await openSecret(KEY, LINK, ctx)).toBeNull();
    expect(await openSecret(undefined, sealed, ctx)).toBeNull();
  });

  it('will not seal without a key (a secret is never queued in clear)', async () => {
    await expect(sealSecret(undefined, LINK, ctx)).rejects.toThrow(/DELIVERY_KEY/);
    await expect(sealSecret('', LINK, ctx)).rejects.toThrow(/DELIVERY_KEY/);
  });
});

describe('retry policy', () => {
  it('backs off exponentially from 5 s, capped', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffSeconds(a))).toEqual([5, 10, 20, 40, 80]);
    expect(backoffSeconds(20)).toBe(MAX_DELAY_SECONDS);
  });

  it("honours the provider's Retry-After, within the cap", () => {
    expect(backoffSeconds(1, 60)).toBe(60);
    expect(backoffSeconds(3, 2)).toBe(20);
    expect(backoffSeconds(1, 86_400)).toBe(MAX_DELAY_SECONDS);
  });

  it('knows the last attempt the runtime makes (max_retries + 1)', () => {
    expect(MAX_ATTEMPTS).toBe(MAX_RETRIES + 1);
    expect(isLastAttempt(MAX_ATTEMPTS - 1)).toBe(false);
    expect(isLastAttempt(MAX_ATTEMPTS)).toBe(true);
  });

  it('agrees with max_retries of every DELIVERY consumer in wrangler.toml', () => {
    // Top-level [[queues.consumers]] blocks, then the inline ones of [env.*].
    const blocks = [...wranglerToml.matchAll(/^queue = "([^"]*-delivery)"$[^[]*?^max_retries = (\d+)$/gm)];
    const inline = [...wranglerToml.matchAll(/\{ queue = "([^"]*-delivery)",[^}]*max_retries = (\d+)/g)];
    const found = [...blocks, ...inline].map((m) => [m[1], Number(m[2])]);
    expect(found.map(([q]) => q).sort()).toEqual([
      'isoloir-delivery',
      'isoloir-production-delivery',
      'isoloir-staging-delivery',
    ]);
    for (const [, retries] of found) expect(retries).toBe(MAX_RETRIES);
  });
});

describe('provider answers', () => {
  it('mask what a provider may echo: the secret, links, addresses, phone numbers', () => {
    const said = scrub(`invalid: ${LINK} for electeur@example.org / +33 6 00 00 00 01 token=abc`, ['abc']);
    expect(said).not.toContain(LINK);
    expect(said).not.toContain('electeur@example.org');
    expect(said).not.toContain('00 00 00');
    expect(said).not.toContain('abc');
    expect(said).toContain('[url]');
    expect(said).toContain('[address]');
  });

  it('stay short', () => {
    expect(scrub('x'.repeat(5000)).length).toBeLessThanOrEqual(160);
  });
});
