// The security code's picture (src/platform/captcha/picture.ts): one drawing per code, every
// code drawn differently, whole digits inside the frame, and ink that people can see.
import { describe, expect, it } from 'vitest';
import { hmacHex } from '../../src/platform/crypto';
import {
  CAPTCHA_HEIGHT,
  CAPTCHA_WIDTH,
  INK,
  MAX_WARP,
  PAPER,
  planPicture,
  renderCaptchaPicture,
} from '../../src/platform/captcha/picture';
import { prng } from '../../src/platform/captcha/prng';
import { decodePng } from '../attacks/png';

/** WCAG's contrast ratio of two grey levels. */
function contrast(a: number, b: number): number {
  const l = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const [hi, lo] = [l(a), l(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('the picture of a code', () => {
  it('is the same for the same code, and different for another code with the same digits', async () => {
    const one = await renderCaptchaPicture('k', 'code-one', '4150');
    expect(await renderCaptchaPicture('k', 'code-one', '4150')).toEqual(one);
    const [a, b] = await Promise.all([decodePng(one), decodePng(await renderCaptchaPicture('k', 'code-two', '4150'))]);
    expect([a.width, a.height]).toEqual([CAPTCHA_WIDTH, CAPTCHA_HEIGHT]);
    // Not merely shifted or recoloured: the ink lies elsewhere.
    let both = 0;
    let either = 0;
    for (let i = 0; i < a.grey.length; i++) {
      const [inkA, inkB] = [a.grey[i]! < 128, b.grey[i]! < 128];
      if (inkA && inkB) both++;
      if (inkA || inkB) either++;
    }
    expect(both / either).toBeLessThan(0.35);
  });

  it('draws dark ink on a light background: ≥ 4.5:1 (WCAG 1.4.11), here ≥ 13:1', async () => {
    expect(contrast(INK, PAPER[0])).toBeGreaterThanOrEqual(13);
    const { grey } = await decodePng(await renderCaptchaPicture('k', 'contrast', '0869'));
    expect(Math.min(...grey)).toBe(INK);
    // The background's lightest and darkest: never below PAPER[0] where there is no ink.
    const sorted = [...grey].sort((x, y) => x - y);
    expect(sorted[Math.floor(sorted.length * 0.5)]!).toBeGreaterThanOrEqual(PAPER[0]);
  });

  it('keeps every digit whole inside the frame, whatever the warp, for 2 000 codes', async () => {
    const outside: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const digits = String((i * 7919) % 10000).padStart(4, '0');
      const strokes = planPicture(prng(await hmacHex('k', `frame-${i}`)), digits).filter((s) => s.part === 'digit');
      for (const { line, width } of strokes) {
        const reach = MAX_WARP + width / 2;
        for (let p = 0; p < line.length; p += 2) {
          const [x, y] = [line[p]!, line[p + 1]!];
          if (x < reach || x > CAPTCHA_WIDTH - reach || y < reach || y > CAPTCHA_HEIGHT - reach)
            outside.push(`${i}: ${x},${y}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });
});
