/**
 * Plain renderings: the positive controls of issue 10's attack suite. The same digits with the
 * same strokes as the Worker's picture (glyphs.ts, raster.ts) — upright, evenly spaced, one
 * width, dark on white, no warp, no gap, no clutter — as a PNG, as an SVG of paths, and the
 * same digits' clips spoken one after the other with plain silences. Each attack must read at
 * least 90 % of these, or its low score on the real thing proves nothing.
 */
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphPolylines } from '../../src/platform/captcha/glyphs';
import { CAPTCHA_HEIGHT, CAPTCHA_WIDTH } from '../../src/platform/captcha/picture';
import { encodeGreyPng } from '../../src/platform/captcha/png';
import { canvas, stroke } from '../../src/platform/captcha/raster';

const SCALE = 3;
const ADVANCE = 46;

function plainLines(digits: string): number[][] {
  return [...digits].flatMap((d, k) => {
    const cx = CAPTCHA_WIDTH / 2 + (k - 1.5) * ADVANCE;
    return glyphPolylines(Number(d)).map((line) =>
      line.map((v, i) =>
        i % 2 === 0 ? cx + (v - GLYPH_WIDTH / 2) * SCALE : CAPTCHA_HEIGHT / 2 + (v - GLYPH_HEIGHT / 2) * SCALE,
      ),
    );
  });
}

export async function plainPng(digits: string): Promise<Uint8Array<ArrayBuffer>> {
  const c = canvas(CAPTCHA_WIDTH, CAPTCHA_HEIGHT);
  for (const line of plainLines(digits)) stroke(c, line, 5);
  const grey = Uint8Array.from(c.ink, (ink) => Math.round(250 - (250 - 0x1d) * ink));
  return encodeGreyPng(CAPTCHA_WIDTH, CAPTCHA_HEIGHT, grey);
}

export function plainSvg(digits: string): Uint8Array {
  const paths = plainLines(digits)
    .map((line) => {
      let d = '';
      for (let i = 0; i < line.length; i += 2) d += `${i ? 'L' : 'M'}${line[i]!.toFixed(1)} ${line[i + 1]!.toFixed(1)}`;
      return `<path d="${d}" fill="none" stroke="#1d1d3a" stroke-width="5" stroke-linecap="round"/>`;
    })
    .join('');
  return new TextEncoder().encode(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CAPTCHA_WIDTH}" height="${CAPTCHA_HEIGHT}">${paths}</svg>`,
  );
}

/** The clips of `digits`, each after 0.3 s of silence, then 0.3 s more (8 kHz samples). */
export function plainSound(digits: string, clips: readonly Float32Array[]): Float32Array {
  const gap = 2400;
  const parts = [...digits].map((d) => clips[Number(d)]!);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length + gap, gap));
  let at = gap;
  for (const p of parts) {
    out.set(p, at);
    at += p.length + gap;
  }
  return out;
}
