/**
 * A small anti-aliased rasteriser for the security code's picture: ink coverage per pixel,
 * stroked polylines with round ends and joins. Coverage is the union of the strokes (max),
 * so crossing strokes do not darken each other: a digit and a line over it are the same ink.
 */
import type { Polyline } from './glyphs';

export interface Canvas {
  width: number;
  height: number;
  /** Ink coverage in [0, 1], row by row. */
  ink: Float32Array;
}

export function canvas(width: number, height: number): Canvas {
  return { width, height, ink: new Float32Array(width * height) };
}

/** Strokes `line` (pixel coordinates) `width` pixels wide. */
export function stroke(c: Canvas, line: Polyline, width: number): void {
  const r = width / 2;
  if (line.length === 2) line = [line[0]!, line[1]!, line[0]!, line[1]!];
  for (let p = 0; p + 3 < line.length; p += 2) {
    const ax = line[p]!;
    const ay = line[p + 1]!;
    const bx = line[p + 2]!;
    const by = line[p + 3]!;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r - 1));
    const x1 = Math.min(c.width - 1, Math.ceil(Math.max(ax, bx) + r + 1));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - r - 1));
    const y1 = Math.min(c.height - 1, Math.ceil(Math.max(ay, by) + r + 1));
    for (let y = y0; y <= y1; y++) {
      const py = y + 0.5 - ay;
      const row = y * c.width;
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5 - ax;
        let t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = px - t * dx;
        const ey = py - t * dy;
        const cover = r + 0.5 - Math.sqrt(ex * ex + ey * ey);
        if (cover > 0) {
          const i = row + x;
          const v = cover > 1 ? 1 : cover;
          if (v > c.ink[i]!) c.ink[i] = v;
        }
      }
    }
  }
}
