/**
 * The deterministic randomness of a code's picture and sound: a PRNG (xorshift128) seeded with
 * 128 bits of an HMAC of the challenge, so the same code always renders the same bytes (no
 * storage, no cache) and averaging many renderings of one code reveals nothing new, while two
 * codes — even with the same digits — share nothing an attacker could line up.
 */
export type Random = () => number;

/** A PRNG in [0, 1) seeded with the first 128 bits of `seedHex` (a hex digest). */
export function prng(seedHex: string): Random {
  const s = [0, 1, 2, 3].map((i) => parseInt(seedHex.slice(i * 8, i * 8 + 8), 16) >>> 0 || 0x9e3779b9);
  return () => {
    let t = s[3]!;
    const first = s[0]!;
    s[3] = s[2]!;
    s[2] = s[1]!;
    s[1] = first;
    t ^= t << 11;
    t ^= t >>> 8;
    s[0] = (t ^ first ^ (first >>> 19)) >>> 0;
    return s[0] / 0x100000000;
  };
}

/** A uniform number in [a, b). */
export const between = (rand: Random, a: number, b: number): number => a + (b - a) * rand();

/** An integer in [0, n). */
export const below = (rand: Random, n: number): number => Math.min(n - 1, Math.floor(rand() * n));
