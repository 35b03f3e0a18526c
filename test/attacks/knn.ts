/**
 * The template reader of issue 10's attack suite: what a bot builds from codes it has
 * labelled (500 through /_dev/captcha, standing in for a human farm). It binarises the picture
 * (Otsu), drops specks, finds where the ink is, cuts it into four digits — at equal widths, or
 * at the emptiest columns near the quarters — scales each cut to 16 × 16 and reads it by its
 * nearest neighbours among the training cuts (k = 3) or by the nearest class mean (a template
 * per digit). It reports each of the four readers; the suite holds the best one to the goal.
 */
export interface Grey {
  width: number;
  height: number;
  /** One byte per pixel, 0 = black. */
  grey: Uint8Array;
}

export interface Labelled extends Grey {
  digits: string;
}

const SIDE = 16;

/** Otsu's threshold of a greyscale picture. */
export function otsu(img: Grey): number {
  const hist = new Array<number>(256).fill(0);
  for (const v of img.grey) hist[v]!++;
  const total = img.grey.length;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let sumB = 0;
  let wB = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/** Ink mask (1 = ink) with connected components smaller than `minArea` pixels removed. */
export function inkMask(img: Grey, minArea = 40): Uint8Array {
  const { width: w, height: h } = img;
  const t = otsu(img);
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < mask.length; i++) mask[i] = img.grey[i]! <= t ? 1 : 0;
  const seen = new Uint8Array(w * h);
  const stack: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i] || seen[i]) continue;
    const comp: number[] = [];
    stack.push(i);
    seen[i] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      comp.push(p);
      const x = p % w;
      const y = (p - x) / w;
      for (const [nx, ny] of [
        [x - 1, y],
        [x + 1, y],
        [x, y - 1],
        [x, y + 1],
      ] as const) {
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const q = ny * w + nx;
        if (mask[q] && !seen[q]) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    if (comp.length < minArea) for (const p of comp) mask[p] = 0;
  }
  return mask;
}

/**
 * Morphological opening with a (2r+1)² square: erodes then dilates, which removes lines
 * thinner than 2r + 1 pixels and keeps wider strokes (how a bot strips thin clutter).
 */
export function opening(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  if (r <= 0) return mask;
  const pass = (src: Uint8Array, keep: 0 | 1) => {
    const out = new Uint8Array(src.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let v = keep;
        for (let dy = -r; dy <= r && v === keep; dy++) {
          for (let dx = -r; dx <= r; dx++) {
            const nx = x + dx;
            const ny = y + dy;
            const s = nx < 0 || ny < 0 || nx >= w || ny >= h ? 0 : src[ny * w + nx]!;
            if (s !== keep) {
              v = keep ? 0 : 1;
              break;
            }
          }
        }
        out[y * w + x] = v;
      }
    }
    return out;
  };
  return pass(pass(mask, 1), 0);
}

type Cutter = 'equal' | 'valleys';
type Extent = 'span' | 'run';

/** The four column ranges the digits are taken to occupy. */
export function cuts(mask: Uint8Array, w: number, h: number, how: Cutter, extent: Extent): [number, number][] {
  const cols = new Array<number>(w).fill(0);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) cols[x]! += mask[y * w + x]!;
  // Where the digits are: the columns (smoothed over 9) holding more ink than the lines
  // running across — a third of the busiest column's. 'span': from the first such column to
  // the last; 'run': the widest run of them that gaps under 24 columns do not split (stray
  // marks at the sides make short runs).
  const smooth = cols.map((_, x) => {
    let s = 0;
    for (let k = Math.max(0, x - 4); k <= Math.min(w - 1, x + 4); k++) s += cols[k]!;
    return s / 9;
  });
  const peak = Math.max(...smooth);
  let x0 = 0;
  let x1 = w - 1;
  if (extent === 'span') {
    while (x0 < w - 1 && smooth[x0]! < peak / 3) x0++;
    while (x1 > x0 && smooth[x1]! < peak / 3) x1--;
  } else {
    let best = -1;
    for (let x = 0; x < w;) {
      if (smooth[x]! < peak / 3) {
        x++;
        continue;
      }
      const start = x;
      let end = x;
      while (x < w) {
        if (smooth[x]! >= peak / 3) end = x;
        else if (x - end >= 24) break;
        x++;
      }
      if (end - start > best) [best, x0, x1] = [end - start, start, end];
    }
  }
  const span = Math.max(4, x1 - x0);
  const bounds = [x0];
  for (let k = 1; k < 4; k++) {
    const at = x0 + (span * k) / 4;
    if (how === 'equal') {
      bounds.push(Math.round(at));
      continue;
    }
    let best = Math.round(at);
    for (let x = Math.round(at - span * 0.08); x <= Math.round(at + span * 0.08); x++) {
      if (x > 0 && x < w && cols[x]! < cols[best]!) best = x;
    }
    bounds.push(best);
  }
  bounds.push(x1 + 1);
  return [0, 1, 2, 3].map((k) => [bounds[k]!, bounds[k + 1]!] as [number, number]);
}

/** A cut scaled to SIDE × SIDE (ink fraction per cell), tight around its ink. */
function feature(mask: Uint8Array, w: number, h: number, [c0, c1]: [number, number]): Float32Array {
  let y0 = h;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = c0; x < c1; x++) {
      if (mask[y * w + x]) {
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  const out = new Float32Array(SIDE * SIDE);
  if (y1 < y0) return out;
  const bw = Math.max(1, c1 - c0);
  const bh = y1 - y0 + 1;
  for (let y = y0; y <= y1; y++) {
    for (let x = c0; x < c1; x++) {
      if (!mask[y * w + x]) continue;
      const fx = Math.min(SIDE - 1, Math.floor(((x - c0) * SIDE) / bw));
      const fy = Math.min(SIDE - 1, Math.floor(((y - y0) * SIDE) / bh));
      out[fy * SIDE + fx]! += (SIDE * SIDE) / (bw * bh);
    }
  }
  return out;
}

function distance(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const e = a[i]! - b[i]!;
    d += e * e;
  }
  return d;
}

export type ReaderName = `${'knn' | 'template'}-${Extent}-${Cutter}`;

/** Trains the four readers on `train`; each reads a picture as four digits. */
export function trainReaders(train: Labelled[], open = 0): Record<ReaderName, (img: Grey) => string> {
  const maskOf = (img: Grey) => opening(inkMask(img), img.width, img.height, open);
  const readers = {} as Record<ReaderName, (img: Grey) => string>;
  for (const extent of ['span', 'run'] as const) {
    for (const how of ['equal', 'valleys'] as const) {
      const samples: { f: Float32Array; d: number }[] = [];
      for (const img of train) {
        const mask = maskOf(img);
        cuts(mask, img.width, img.height, how, extent).forEach((cut, k) =>
          samples.push({ f: feature(mask, img.width, img.height, cut), d: Number(img.digits[k]) }),
        );
      }
      const means = Array.from({ length: 10 }, (_, d) => {
        const mine = samples.filter((s) => s.d === d);
        const m = new Float32Array(SIDE * SIDE);
        for (const s of mine) for (let i = 0; i < m.length; i++) m[i]! += s.f[i]! / Math.max(1, mine.length);
        return m;
      });
      const read = (img: Grey, classify: (f: Float32Array) => number) => {
        const mask = maskOf(img);
        return cuts(mask, img.width, img.height, how, extent)
          .map((cut) => classify(feature(mask, img.width, img.height, cut)))
          .join('');
      };
      readers[`knn-${extent}-${how}`] = (img) =>
        read(img, (f) => {
          const near = samples
            .map((s) => ({ d: s.d, dist: distance(f, s.f) }))
            .sort((a, b) => a.dist - b.dist)
            .slice(0, 3);
          const votes = new Array<number>(10).fill(0);
          near.forEach((n, i) => (votes[n.d]! += 3 - i));
          return votes.indexOf(Math.max(...votes));
        });
      readers[`template-${extent}-${how}`] = (img) =>
        read(img, (f) => {
          let best = 0;
          for (let d = 1; d < 10; d++) if (distance(f, means[d]!) < distance(f, means[best]!)) best = d;
          return best;
        });
    }
  }
  return readers;
}
