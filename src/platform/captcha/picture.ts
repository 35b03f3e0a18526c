/**
 * The security code's picture: a PNG the Worker draws, so the file holds pixels and nothing
 * else — no path, element or attribute that names a digit (the SVG it replaces gave each digit
 * away by its markup: issue 10). Every code is drawn differently, from a PRNG seeded with an
 * HMAC of the challenge (the same id always gives the same bytes, so fetching it again and
 * averaging reveals nothing): each digit scaled, slanted, rotated, raised or lowered and
 * stroked with its own width, spaced unevenly, its longer strokes cut by a small gap; the
 * whole bent by a smooth warp, crossed by two curves and flanked by arcs in the same ink and
 * widths, so that neither cutting the picture into digits nor removing the clutter by colour
 * or stroke width is simple (what each measure bought against which reader: README,
 * "The security code").
 * What stays for people: dark ink (#1d1d1d) on a light background (≥ 13:1), digits 40–55 px
 * tall at the picture's own size, and "Nouveau code" for another drawing.
 */
import { hmacHex } from '../crypto';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphPolylines, type Polyline } from './glyphs';
import { encodeGreyPng } from './png';
import { between, prng, type Random } from './prng';
import { canvas, stroke } from './raster';

export const CAPTCHA_WIDTH = 240;
export const CAPTCHA_HEIGHT = 90;

/** The ink's grey level and the background's range (contrast: test/unit/captcha-picture.test.ts). */
export const INK = 0x1d;
export const PAPER = [0xe6, 0xfa] as const;

type Point = [number, number];

const ARCS = 4;
/**
 * Curves across the whole picture. With one, tesseract read 8 % of codes; with two, 1–2 %;
 * two thinner than the digits (3–4 px against 4.6–6.2), 7 %: an opening strips them.
 */
const CROSSINGS = 2;
/** Strokes shorter than this (pixels) are never broken: a short stroke cut in two is lost. */
const MIN_BROKEN = 45;
/** Blank columns kept at each side for the arcs (and the warp). */
const SIDE_MARGIN = 14;
/** The most the warp moves a point, in pixels (four waves of at most 3.2, two per axis). */
export const MAX_WARP = 6.4;
type Warp = (x: number, y: number) => Point;

/** A smooth displacement of the whole picture: two waves in x, two in y, a few pixels each. */
function warpOf(rand: Random): Warp {
  const waves = [0, 1, 2, 3].map(() => ({
    amp: between(rand, 1.5, 3.2),
    fx: between(rand, -1, 1) * ((2 * Math.PI) / between(rand, 45, 110)),
    fy: between(rand, -1, 1) * ((2 * Math.PI) / between(rand, 30, 70)),
    phase: between(rand, 0, 2 * Math.PI),
  }));
  const [a, b, c, d] = waves as [(typeof waves)[0], (typeof waves)[0], (typeof waves)[0], (typeof waves)[0]];
  const wave = (w: typeof a, x: number, y: number) => w.amp * Math.sin(w.fx * x + w.fy * y + w.phase);
  return (x, y) => [x + wave(a, x, y) + wave(b, x, y), y + wave(c, x, y) + wave(d, x, y)];
}

function warped(line: Polyline, warp: Warp): Polyline {
  const out: Polyline = [];
  for (let i = 0; i + 1 < line.length; i += 2) out.push(...warp(line[i]!, line[i + 1]!));
  return out;
}

/** A cubic Bézier as a polyline. */
function curve(p0: Point, p1: Point, p2: Point, p3: Point, n: number): Polyline {
  const out: Polyline = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    const u = 1 - t;
    out.push(
      u * u * u * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t * t * t * p3[0],
      u * u * u * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t * t * t * p3[1],
    );
  }
  return out;
}

function arc(cx: number, cy: number, radius: number, from: number, sweep: number): Polyline {
  const out: Polyline = [];
  const n = Math.max(3, Math.ceil((Math.abs(sweep) * radius) / 2));
  for (let i = 0; i <= n; i++) {
    const a = from + (sweep * i) / n;
    out.push(cx + radius * Math.cos(a), cy + radius * Math.sin(a));
  }
  return out;
}

/**
 * `line` with one short gap cut into it, somewhere along its length (the gap left between the
 * round ends is a fifth to half of the stroke's width): people close such gaps without
 * noticing, a reader of shapes sees two strokes. All else equal, tesseract's best run read
 * 4.5 % of 200 codes without the gaps, 1 % with them.
 */
function length(line: Polyline): number {
  let total = 0;
  for (let p = 2; p < line.length; p += 2) total += Math.hypot(line[p]! - line[p - 2]!, line[p + 1]! - line[p - 1]!);
  return total;
}

function broken(rand: Random, line: Polyline, width: number): Polyline[] {
  const total = length(line);
  const gap = width * between(rand, 1.2, 1.45);
  if (total < MIN_BROKEN) return [line];
  const start = between(rand, gap, total - 2 * gap);
  const end = start + gap;
  const before: Polyline = [line[0]!, line[1]!];
  const after: Polyline = [];
  let at = 0;
  for (let p = 2; p < line.length; p += 2) {
    const [ax, ay, bx, by] = [line[p - 2]!, line[p - 1]!, line[p]!, line[p + 1]!];
    const length = Math.hypot(bx - ax, by - ay);
    const point = (d: number) => [ax + ((bx - ax) * (d - at)) / length, ay + ((by - ay) * (d - at)) / length];
    if (at + length <= start) before.push(bx, by);
    else {
      if (at < start) before.push(...point(start));
      if (at + length > end) {
        if (after.length === 0) after.push(...point(Math.max(end, at)));
        after.push(bx, by);
      }
    }
    at += length;
  }
  return [before, after];
}

export interface Stroked {
  line: Polyline;
  width: number;
  /** A digit's stroke, or the clutter around them (tests check where each may go). */
  part: 'digit' | 'clutter';
}

/** What a code's picture is made of, in pixel coordinates, before the warp. */
export function planPicture(rand: Random, digits: string): Stroked[] {
  const strokes: Stroked[] = [];
  const W = CAPTCHA_WIDTH;
  const H = CAPTCHA_HEIGHT;

  // The digits: each its own size, slant, angle and stroke; spacing that lets them touch.
  const shapes = [...digits].map((d) => ({
    digit: Number(d),
    scale: between(rand, 2.6, 3.4),
    stretch: between(rand, 0.85, 1.2),
    angle: between(rand, -0.25, 0.25),
    shear: between(rand, -0.25, 0.25),
    width: between(rand, 4.4, 6),
    dy: between(rand, -14, 14),
    gap: between(rand, 0.08, 0.4),
  }));
  const advances = shapes.map((s, i) => (i === 0 ? 0 : GLYPH_WIDTH * s.scale * s.stretch * (1 + s.gap) + s.width));
  const first = shapes[0]!;
  const last = shapes[shapes.length - 1]!;
  const room = W - 2 * SIDE_MARGIN - (GLYPH_WIDTH / 2) * (first.scale * first.stretch + last.scale * last.stretch);
  const squeeze = Math.min(1, room / advances.reduce((a, b) => a + b, 0));
  const span = advances.reduce((a, b) => a + b * squeeze, 0);
  let cx = SIDE_MARGIN + (GLYPH_WIDTH / 2) * first.scale * first.stretch + between(rand, 0, Math.max(0, room - span));
  const placed = shapes.map((s, i) => {
    cx += advances[i]! * squeeze;
    const cos = Math.cos(s.angle);
    const sin = Math.sin(s.angle);
    const lines = glyphPolylines(s.digit).map((line) => {
      const out: Polyline = [];
      for (let p = 0; p < line.length; p += 2) {
        const gx = (line[p]! - GLYPH_WIDTH / 2) * s.scale * s.stretch;
        const gy = (line[p + 1]! - GLYPH_HEIGHT / 2) * s.scale;
        const x = gx - s.shear * gy;
        out.push(cx + x * cos - gy * sin, x * sin + gy * cos);
      }
      return out;
    });
    // Whole digits only: moved up or down so no stroke leaves the picture (the warp moves a
    // point by at most MAX_WARP pixels).
    const ys = lines.flatMap((line) => line.filter((_, p) => p % 2 === 1));
    const [top, bottom] = [Math.min(...ys), Math.max(...ys)];
    const margin = MAX_WARP + s.width / 2 + 1;
    const cy = Math.min(H - margin - bottom, Math.max(margin - top, H / 2 + s.dy));
    for (const line of lines) for (let p = 1; p < line.length; p += 2) line[p]! += cy;
    return { s, lines, margin, top: cy + top, bottom: cy + bottom };
  });
  // And the row moved left or right for the same reason (a slanted last digit can reach past it).
  const xs = (k: number) => placed[k]!.lines.flatMap((line) => line.filter((_, p) => p % 2 === 0));
  const far = placed.length - 1;
  const dx =
    Math.max(0, placed[0]!.margin - Math.min(...xs(0))) - Math.max(0, Math.max(...xs(far)) - (W - placed[far]!.margin));
  const boxes = placed.map(({ s, lines, margin, top, bottom }, k) => {
    for (const line of lines) {
      for (let p = 0; p < line.length; p += 2) line[p]! += dx;
      for (const piece of broken(rand, line, s.width)) strokes.push({ line: piece, width: s.width, part: 'digit' });
    }
    return [Math.min(...xs(k)) - margin, top - margin, Math.max(...xs(k)) + margin, bottom + margin] as const;
  });

  // Two curves across the digits, as wide as thin digit strokes: one falling from the upper
  // third to the lower, one rising, each bending a little on the way, so that every part of
  // the band holding the digits is crossed somewhere.
  for (let i = 0; i < CROSSINGS; i++) {
    const [from, to] = i % 2 === 0 ? [0.3, 0.7] : [0.7, 0.3];
    const y = (t: number) => H * (from + (to - from) * t + between(rand, -0.12, 0.12));
    strokes.push({
      line: curve(
        [between(rand, -10, 10), y(0)],
        [between(rand, W * 0.25, W * 0.4), y(1 / 3)],
        [between(rand, W * 0.6, W * 0.75), y(2 / 3)],
        [between(rand, W - 10, W + 10), y(1)],
        40,
      ),
      width: between(rand, 3.4, 4.6),
      part: 'clutter',
    });
  }

  // Arcs in the blank space around the digits (never over one: a stray arc on a digit makes
  // a 3 of an 8 for people too), in the digits' own widths.
  let arcs = 0;
  const left = boxes[0]![0];
  const right = boxes[boxes.length - 1]![2];
  for (let tries = 0; arcs < ARCS && tries < 40; tries++) {
    const radius = between(rand, 4, 10);
    const x = tries % 2 === 0 ? between(rand, 0, Math.max(8, left)) : between(rand, Math.min(W - 8, right), W);
    const y = between(rand, 6, H - 6);
    const clear = boxes.every(([l, t, r, b]) => x + radius < l || x - radius > r || y + radius < t || y - radius > b);
    if (!clear) continue;
    strokes.push({
      line: arc(x, y, radius, between(rand, 0, 2 * Math.PI), between(rand, 1.2, 3.2)),
      width: between(rand, 3.4, 5.6),
      part: 'clutter',
    });
    arcs++;
  }
  return strokes;
}

/** The greyscale pixels of a code's picture (ink over a softly varying background). */
export function paintPicture(rand: Random, strokes: Stroked[]): Uint8Array {
  const W = CAPTCHA_WIDTH;
  const H = CAPTCHA_HEIGHT;
  const warp = warpOf(rand);
  const c = canvas(W, H);
  for (const s of strokes) stroke(c, warped(s.line, warp), s.width);
  // Background: a gentle gradient and blotches, never darker than PAPER[0].
  const g = {
    ax: between(rand, -1, 1),
    ay: between(rand, -1, 1),
    fx: (2 * Math.PI) / between(rand, 30, 80),
    fy: (2 * Math.PI) / between(rand, 20, 50),
    phase: between(rand, 0, 2 * Math.PI),
  };
  const [low, high] = PAPER;
  const grey = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const t =
        0.5 + 0.25 * ((g.ax * x) / W + (g.ay * y) / H) + 0.25 * Math.sin(g.fx * x + g.phase) * Math.sin(g.fy * y);
      const paper = low + (high - low) * Math.min(1, Math.max(0, t));
      const ink = c.ink[y * W + x]!;
      grey[y * W + x] = Math.round(paper + (INK - paper) * ink);
    }
  }
  return grey;
}

/** The PNG of `digits` for the challenge `id`: deterministic for (`secret`, `id`). */
export async function renderCaptchaPicture(
  secret: string,
  id: string,
  digits: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const rand = prng(await hmacHex(secret, `captcha-picture:${id}`));
  return encodeGreyPng(CAPTCHA_WIDTH, CAPTCHA_HEIGHT, paintPicture(rand, planPicture(rand, digits)));
}
