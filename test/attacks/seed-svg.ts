/**
 * The seed's SVG picture, as it was served before issue 10 (src/platform/captcha/svg.ts at
 * the time), kept here as the markup attack's positive control: each digit a jittered, rotated
 * stroke path among noise curves and dots, the digit strokes the only paths with
 * `stroke-linecap="round"`. test/attacks/markup.ts must read it, or it proves nothing when it
 * reads nothing of the PNG.
 */
import { hmacHex } from '../../src/platform/crypto';

// Stroke skeletons of the digits in a 10 × 16 box; each digit is one or two polylines.
const GLYPHS: Record<string, number[][]> = {
  '0': [[5, 0, 9, 3, 10, 8, 9, 13, 5, 16, 1, 13, 0, 8, 1, 3, 5, 0]],
  '1': [
    [2, 4, 6, 0, 6, 16],
    [3, 16, 9, 16],
  ],
  '2': [[0, 3, 3, 0, 7, 0, 10, 3, 10, 6, 0, 16, 10, 16]],
  '3': [[0, 1, 10, 1, 5, 7, 9, 9, 10, 12, 7, 16, 3, 16, 0, 13]],
  '4': [[8, 16, 8, 0, 0, 11, 10, 11]],
  '5': [[10, 0, 1, 0, 0, 7, 6, 6, 10, 9, 10, 13, 6, 16, 0, 15]],
  '6': [[9, 1, 5, 0, 1, 4, 0, 10, 2, 15, 6, 16, 10, 13, 9, 9, 5, 8, 0, 10]],
  '7': [
    [0, 0, 10, 0, 4, 16],
    [2, 8, 8, 8],
  ],
  '8': [[5, 8, 1, 5, 2, 1, 5, 0, 8, 1, 9, 5, 5, 8, 0, 12, 2, 16, 8, 16, 10, 12, 5, 8]],
  '9': [[10, 6, 5, 8, 1, 6, 1, 2, 5, 0, 9, 1, 10, 6, 9, 12, 5, 16, 1, 15]],
};

export const CAPTCHA_WIDTH = 180;
export const CAPTCHA_HEIGHT = 70;

/** Deterministic PRNG (xorshift32) seeded from a hex digest. */
function prng(seedHex: string): () => number {
  let state = parseInt(seedHex.slice(0, 8), 16) || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

// One decimal at most: no run of 4 digits ever appears in the markup.
const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

export async function renderCaptchaSvg(secret: string, id: string, digits: string): Promise<string> {
  const rand = prng(await hmacHex(secret, `captcha-noise:${id}`));
  const between = (a: number, b: number) => a + (b - a) * rand();
  const parts: string[] = [];

  // Background speckle and curves drawn under the digits.
  for (let i = 0; i < 40; i++) {
    parts.push(
      `<circle cx="${fmt(between(0, CAPTCHA_WIDTH))}" cy="${fmt(between(0, CAPTCHA_HEIGHT))}" r="${fmt(between(0.6, 2))}" fill="#6b6b80"/>`,
    );
  }
  const curve = (stroke: string, width: number) =>
    `<path d="M${fmt(between(-10, 20))} ${fmt(between(5, 65))}C${fmt(between(30, 80))} ${fmt(between(-20, 90))} ${fmt(between(90, 150))} ${fmt(between(-20, 90))} ${fmt(between(160, 190))} ${fmt(between(5, 65))}" fill="none" stroke="${stroke}" stroke-width="${fmt(width)}"/>`;
  for (let i = 0; i < 4; i++) parts.push(curve('#8a8aa0', between(1, 2)));

  // The digits themselves.
  [...digits].forEach((digit, index) => {
    const scale = between(2.4, 3);
    const angle = between(-0.3, 0.3);
    const ox = 18 + index * 40 + between(-4, 4);
    const oy = 10 + between(-4, 4);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    for (const stroke of GLYPHS[digit] ?? []) {
      let d = '';
      for (let p = 0; p < stroke.length; p += 2) {
        const x = (stroke[p]! - 5 + between(-0.7, 0.7)) * scale;
        const y = (stroke[p + 1]! - 8 + between(-0.7, 0.7)) * scale;
        d += `${p === 0 ? 'M' : 'L'}${fmt(ox + 15 + x * cos - y * sin)} ${fmt(oy + 24 + x * sin + y * cos)}`;
      }
      parts.push(
        `<path d="${d}" fill="none" stroke="#1d1d3a" stroke-width="${fmt(between(3, 4.2))}" stroke-linecap="round" stroke-linejoin="round"/>`,
      );
    }
  });

  // Curves over the digits, in the digits' own colour, so they cannot be filtered by colour.
  for (let i = 0; i < 3; i++) parts.push(curve('#1d1d3a', between(1.2, 2)));

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CAPTCHA_WIDTH}" height="${CAPTCHA_HEIGHT}" viewBox="0 0 ${CAPTCHA_WIDTH} ${CAPTCHA_HEIGHT}" aria-hidden="true">` +
    `<rect width="100%" height="100%" fill="#f4f4f8"/>${parts.join('')}</svg>`
  );
}
