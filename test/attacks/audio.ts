/**
 * The audio reader of issue 10's attack suite: a bot that holds the ten clips of a language
 * (the worst case: they are never served, but espeak-ng is free) and matches them against a
 * code's sound. Both signals become log-mel spectra (24 bands, 10 ms frames, each band's
 * mean removed over the clip so a filter or a gain does not matter); every clip, resampled at
 * three rates (the renderer's pitch and tempo changes), is matched everywhere in the sound by
 * subsequence dynamic time warping (which absorbs timing); then the four non-overlapping
 * matches, in time order, of least total cost are the reading.
 */
const RATE = 8000;
const FRAME = 256;
const HOP = 80;
const BANDS = 24;

/** Real FFT magnitude² of one frame (radix-2, in place on re/im). */
function powerSpectrum(frame: Float32Array): Float32Array {
  const n = frame.length;
  const re = Float64Array.from(frame);
  const im = new Float64Array(n);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
  const out = new Float32Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) out[k] = re[k]! * re[k]! + im[k]! * im[k]!;
  return out;
}

const mel = (f: number) => 2595 * Math.log10(1 + f / 700);
const hz = (m: number) => 700 * (10 ** (m / 2595) - 1);

const FILTERS = (() => {
  const lo = mel(100);
  const hi = mel(3800);
  const edges = Array.from({ length: BANDS + 2 }, (_, i) => (hz(lo + ((hi - lo) * i) / (BANDS + 1)) * FRAME) / RATE);
  return Array.from({ length: BANDS }, (_, b) => {
    const w = new Float32Array(FRAME / 2 + 1);
    for (let k = 0; k <= FRAME / 2; k++) {
      const [l, c, r] = [edges[b]!, edges[b + 1]!, edges[b + 2]!];
      w[k] = k < l || k > r ? 0 : k <= c ? (k - l) / (c - l) : (r - k) / (r - c);
    }
    return w;
  });
})();

const WINDOW = Float32Array.from({ length: FRAME }, (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (FRAME - 1)));

/**
 * Log-mel frames of `samples`, floored (silence is a flat frame, whatever its level) and each
 * frame's mean removed: the spectrum's shape, whatever the gain.
 */
export function features(samples: Float32Array): Float32Array[] {
  const frames: Float32Array[] = [];
  for (let at = 0; at + FRAME <= samples.length; at += HOP) {
    const frame = new Float32Array(FRAME);
    for (let i = 0; i < FRAME; i++) frame[i] = samples[at + i]! * WINDOW[i]!;
    const power = powerSpectrum(frame);
    const f = Float32Array.from(FILTERS, (w) =>
      Math.log(
        Math.max(
          1e-5,
          w.reduce((s, wk, k) => s + wk * power[k]!, 0),
        ),
      ),
    );
    const mean = f.reduce((a, b) => a + b, 0) / BANDS;
    for (let b = 0; b < BANDS; b++) f[b]! -= mean;
    frames.push(f);
  }
  return frames;
}

/** `clip` resampled by `rate` (> 1: shorter and higher), linear interpolation. */
export function resample(clip: Float32Array, rate: number): Float32Array {
  const out = new Float32Array(Math.floor(clip.length / rate));
  for (let i = 0; i < out.length; i++) {
    const pos = i * rate;
    const k = Math.floor(pos);
    const a = clip[k] ?? 0;
    out[i] = a + ((clip[k + 1] ?? a) - a) * (pos - k);
  }
  return out;
}

function frameDistance(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i]! - b[i]!);
  return d;
}

interface Match {
  digit: number;
  start: number;
  end: number;
  cost: number;
}

/**
 * Subsequence DTW of `template` in `signal`: for each end frame, the least cost of the
 * template matched anywhere before it, along a path of slope between 1/2 and 2 (steps
 * (1,1), (1,2), (2,1)), so a match lasts between half and twice the template; cost per
 * template frame.
 */
function subsequence(template: Float32Array[], signal: Float32Array[], digit: number): Match[] {
  const m = template.length;
  const n = signal.length;
  const cost = Array.from({ length: m }, () => new Float64Array(n).fill(Infinity));
  const start = Array.from({ length: m }, () => new Int32Array(n));
  for (let j = 0; j < n; j++) {
    cost[0]![j] = frameDistance(template[0]!, signal[j]!);
    start[0]![j] = j;
  }
  for (let i = 1; i < m; i++) {
    for (let j = 1; j < n; j++) {
      let best = cost[i - 1]![j - 1]!;
      let from = start[i - 1]![j - 1]!;
      if (j > 1 && cost[i - 1]![j - 2]! < best) [best, from] = [cost[i - 1]![j - 2]!, start[i - 1]![j - 2]!];
      if (i > 1 && cost[i - 2]![j - 1]! < best) [best, from] = [cost[i - 2]![j - 1]!, start[i - 2]![j - 1]!];
      if (best === Infinity) continue;
      cost[i]![j] = best + frameDistance(template[i]!, signal[j]!);
      start[i]![j] = from;
    }
  }
  const out: Match[] = [];
  for (let j = 0; j < n; j++) {
    if (cost[m - 1]![j]! < Infinity) out.push({ digit, start: start[m - 1]![j]!, end: j, cost: cost[m - 1]![j]! / m });
  }
  return out;
}

/** The templates of a language's clips: each at three rates. */
export function templates(clips: readonly Float32Array[]): { digit: number; frames: Float32Array[] }[] {
  return clips.flatMap((clip, digit) =>
    [0.9, 1, 1.1].map((rate) => ({ digit, frames: features(resample(clip, rate)) })),
  );
}

/** The attacker's reading of a code's `samples` (8 kHz). */
export function readSound(samples: Float32Array, tpl: ReturnType<typeof templates>): string {
  const signal = features(samples);
  const n = signal.length;
  // Best match per end frame over all templates.
  const bestAt: (Match | null)[] = new Array(n).fill(null);
  for (const t of tpl) {
    for (const m of subsequence(t.frames, signal, t.digit)) {
      const cur = bestAt[m.end];
      if (!cur || m.cost < cur.cost) bestAt[m.end] = m;
    }
  }
  // Four matches in time order, not overlapping, least total cost (dynamic programming).
  const K = 4;
  const score = Array.from({ length: K + 1 }, () => new Float64Array(n + 1).fill(Infinity));
  const back: (null | { j: number; m: Match | null })[][] = Array.from({ length: K + 1 }, () =>
    new Array(n + 1).fill(null),
  );
  score[0]!.fill(0);
  for (let k = 1; k <= K; k++) {
    for (let j = 1; j <= n; j++) {
      // Either nothing ends at frame j - 1 ...
      score[k]![j] = score[k]![j - 1]!;
      back[k]![j] = { j: j - 1, m: null };
      const m = bestAt[j - 1];
      if (m) {
        const total = score[k - 1]![m.start]! + m.cost;
        if (total < score[k]![j]!) {
          score[k]![j] = total;
          back[k]![j] = { j: m.start, m };
        }
      }
    }
  }
  const digits: number[] = [];
  let k = K;
  let j = n;
  while (k > 0 && j > 0) {
    const b = back[k]![j]!;
    if (b.m) {
      digits.unshift(b.m.digit);
      k--;
    }
    j = b.j;
  }
  return digits.join('');
}

/** Frame energies (dB) of `samples`, on the same frames as `features`. */
function energies(samples: Float32Array): number[] {
  const out: number[] = [];
  for (let at = 0; at + FRAME <= samples.length; at += HOP) {
    let e = 0;
    for (let i = 0; i < FRAME; i++) e += samples[at + i]! * samples[at + i]!;
    out.push(10 * Math.log10(1e-10 + e / FRAME));
  }
  return out;
}

/** Whole-sequence DTW cost (steps (1,1), (1,0), (0,1)), per step of the path's diagonal. */
function dtw(a: Float32Array[], b: Float32Array[]): number {
  const m = a.length;
  const n = b.length;
  let prev = new Float64Array(n + 1).fill(Infinity);
  let cur = new Float64Array(n + 1);
  prev[0] = 0;
  for (let i = 1; i <= m; i++) {
    cur.fill(Infinity);
    for (let j = 1; j <= n; j++) {
      cur[j] = frameDistance(a[i - 1]!, b[j - 1]!) + Math.min(prev[j - 1]!, prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n]! / (m + n);
}

/**
 * The other reader: cut the sound into its four loudest stretches (frame energy above a
 * threshold set between the noise floor and the peaks, the threshold lowered or raised until
 * there are four), then name each stretch by the clip it is nearest to (whole DTW).
 */
export function readSoundBySegments(samples: Float32Array, tpl: ReturnType<typeof templates>): string {
  const e = energies(samples);
  const signal = features(samples);
  const sorted = [...e].sort((a, b) => a - b);
  const floor = sorted[Math.floor(sorted.length * 0.1)]!;
  const peak = sorted[Math.floor(sorted.length * 0.98)]!;
  let best: [number, number][] = [];
  for (let f = 0.2; f <= 0.8; f += 0.05) {
    const threshold = floor + (peak - floor) * f;
    // Runs above the threshold, merged across gaps under 60 ms, dropped under 60 ms.
    const runs: [number, number][] = [];
    for (let j = 0; j < e.length; j++) {
      if (e[j]! < threshold) continue;
      const last = runs[runs.length - 1];
      if (last && j - last[1] <= 6) last[1] = j;
      else runs.push([j, j]);
    }
    const kept = runs.filter(([a, b]) => b - a >= 6);
    if (kept.length === 4) {
      best = kept;
      break;
    }
    if (Math.abs(kept.length - 4) < Math.abs(best.length - 4) || best.length === 0) best = kept;
  }
  // Exactly four: split the longest run or merge the closest ones.
  while (best.length > 0 && best.length < 4) {
    const i = best.reduce((k, r, j) => (r[1] - r[0] > best[k]![1] - best[k]![0] ? j : k), 0);
    const [a, b] = best[i]!;
    const mid = Math.floor((a + b) / 2);
    best.splice(i, 1, [a, mid], [mid + 1, b]);
  }
  while (best.length > 4) {
    let k = 0;
    for (let j = 1; j < best.length - 1; j++) if (best[j + 1]![0] - best[j]![1] < best[k + 1]![0] - best[k]![1]) k = j;
    best.splice(k, 2, [best[k]![0], best[k + 1]![1]]);
  }
  return best
    .map(([a, b]) => {
      const stretch = signal.slice(a, b + 1);
      let digit = 0;
      let cost = Infinity;
      for (const t of tpl) {
        const c = dtw(t.frames, stretch);
        if (c < cost) [digit, cost] = [t.digit, c];
      }
      return digit;
    })
    .join('');
}
