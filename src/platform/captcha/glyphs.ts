/**
 * The digits' skeletons: the centre lines of a plain, monoline sans-serif, drawn with round
 * ends (picture.ts gives them their width). Coordinates are in a 10 × 16 box, y downwards.
 * Each stroke is a start point then cubic Bézier segments (`[c1x, c1y, c2x, c2y, x, y]`) or
 * straight ones (`[x, y]`). Drawn by us for this picture (no font file in the bundle).
 */
type Segment = readonly [number, number] | readonly [number, number, number, number, number, number];
type Stroke = readonly [readonly [number, number], ...Segment[]];

export const GLYPH_WIDTH = 10;
export const GLYPH_HEIGHT = 16;

const GLYPHS: readonly (readonly Stroke[])[] = [
  // 0
  [
    [
      [5, 0],
      [8, 0, 10, 3.4, 10, 8],
      [10, 12.6, 8, 16, 5, 16],
      [2, 16, 0, 12.6, 0, 8],
      [0, 3.4, 2, 0, 5, 0],
    ],
  ],
  // 1
  [
    [
      [1.2, 3.6],
      [6.2, 0],
      [6.2, 16],
    ],
    [
      [2.6, 16],
      [9.8, 16],
    ],
  ],
  // 2
  [
    [
      [0.4, 3.8],
      [0.9, 1.3, 2.8, 0, 5, 0],
      [7.8, 0, 9.6, 1.8, 9.6, 4.3],
      [9.6, 6.6, 8, 8.1, 6, 9.9],
      [0, 16],
      [10, 16],
    ],
  ],
  // 3
  [
    [
      [0.4, 2.8],
      [1.4, 0.9, 3, 0, 5, 0],
      [7.6, 0, 9.3, 1.6, 9.3, 3.9],
      [9.3, 6.3, 7.4, 7.6, 4.4, 7.6],
    ],
    [
      [4.4, 7.6],
      [8, 7.6, 10, 9.4, 10, 12],
      [10, 14.5, 8, 16, 5, 16],
      [2.8, 16, 1, 15.1, 0, 13.4],
    ],
  ],
  // 4
  [
    [
      [7.6, 16],
      [7.6, 0],
      [0, 11],
      [10, 11],
    ],
  ],
  // 5
  [
    [
      [9.4, 0],
      [1.6, 0],
      [0.8, 7.2],
      [2, 6.4, 3.4, 6, 5, 6],
      [8, 6, 10, 8, 10, 11],
      [10, 14, 7.8, 16, 5, 16],
      [2.8, 16, 1, 15.1, 0, 13.5],
    ],
  ],
  // 6
  [
    [
      [8.9, 1.6],
      [7.9, 0.5, 6.6, 0, 5.1, 0],
      [2, 0, 0, 3.5, 0, 8.6],
      [0, 13.2, 2, 16, 5, 16],
      [8, 16, 10, 13.8, 10, 11],
      [10, 8, 8, 6.1, 5.1, 6.1],
      [2.6, 6.1, 0.7, 7.5, 0.1, 9.6],
    ],
  ],
  // 7
  [
    [
      [0, 0.2],
      [10, 0.2],
      [3.6, 16],
    ],
  ],
  // 8
  [
    [
      [5, 7.5],
      [2.5, 7.5, 1, 6, 1, 3.8],
      [1, 1.5, 2.8, 0, 5, 0],
      [7.2, 0, 9, 1.5, 9, 3.8],
      [9, 6, 7.5, 7.5, 5, 7.5],
      [2, 7.5, 0, 9.3, 0, 11.8],
      [0, 14.4, 2.2, 16, 5, 16],
      [7.8, 16, 10, 14.4, 10, 11.8],
      [10, 9.3, 8, 7.5, 5, 7.5],
    ],
  ],
  // 9
  [
    [
      [9.9, 6.4],
      [9.3, 8.5, 7.4, 9.9, 4.9, 9.9],
      [2, 9.9, 0, 8, 0, 5],
      [0, 2, 2, 0, 5, 0],
      [8, 0, 10, 2.6, 10, 7.4],
      [10, 12.6, 8, 16, 4.9, 16],
      [3.3, 16, 2, 15.4, 1.1, 14.4],
    ],
  ],
];

/** A polyline: x0, y0, x1, y1, … */
export type Polyline = number[];

/**
 * The strokes of `digit` as polylines in the glyph box, curves cut into pieces of at most
 * about `step` units (what keeps a warped curve smooth).
 */
export function glyphPolylines(digit: number, step = 0.8): Polyline[] {
  return (GLYPHS[digit] ?? []).map(([start, ...segments]) => {
    const out: Polyline = [start[0], start[1]];
    let [x, y] = start;
    for (const s of segments) {
      if (s.length === 2) {
        out.push(s[0], s[1]);
        [x, y] = s;
        continue;
      }
      const [c1x, c1y, c2x, c2y, ex, ey] = s;
      const length = Math.hypot(c1x - x, c1y - y) + Math.hypot(c2x - c1x, c2y - c1y) + Math.hypot(ex - c2x, ey - c2y);
      const n = Math.max(2, Math.ceil(length / step));
      for (let i = 1; i <= n; i++) {
        const t = i / n;
        const u = 1 - t;
        out.push(
          u * u * u * x + 3 * u * u * t * c1x + 3 * u * t * t * c2x + t * t * t * ex,
          u * u * u * y + 3 * u * u * t * c1y + 3 * u * t * t * c2y + t * t * t * ey,
        );
      }
      [x, y] = [ex, ey];
    }
    return out;
  });
}
