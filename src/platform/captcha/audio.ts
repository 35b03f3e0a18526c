/**
 * The audio version of the security code ("Écouter le code"): the same 4 digits spoken in the
 * voter's language, assembled by the Worker from per-digit clips (espeak-ng, generated once
 * by scripts/make-audio-clips.sh). The clips are static asset files, kept out of the script
 * (≈ 62 KiB gzip, nearly half of it), under a directory that wrangler.toml's `run_worker_first`
 * hands to the Worker, which refuses it: never served one by one, where a bot could download
 * the ten clips and match them. The Worker reads them through its ASSETS binding, which goes
 * straight to the asset store.
 *
 * Every code sounds different: the pitch and speed of each digit, its loudness and colour,
 * the silences between digits, the background noise and the murmur of reversed distractor
 * digits all come from a PRNG seeded with an HMAC of the challenge id (renderCaptchaAudio says
 * what varies and why). Like the picture, the same id always gives the same bytes, so
 * fetching it many times and averaging reveals nothing new; and a code is spoken in the one
 * language sealed in it (challenge.ts).
 * Output: a plain 16-bit PCM WAV (the format every browser plays), 8 kHz mono, no metadata.
 */
import { hmacHex } from '../crypto';
import { below, between, prng } from './prng';

export type AudioLanguage = 'fr' | 'en';

/** One language's clips, decoded: index = the digit spoken, samples in [-1, 1] at 8 kHz. */
export type AudioClips = readonly Float32Array[];

const SAMPLE_RATE = 8000;

/**
 * Where the clips are, in public/ and so in the asset store: `<lang>.ulaw` per language. The
 * Worker claims this directory (wrangler.toml `run_worker_first`) and answers 404 for it.
 */
export const CLIPS_DIR = '/_private/captcha-clips';

// Decoded clips, per isolate and language (the result only: a promise shared between requests
// would tie one request to another's I/O).
const decoded = new Map<AudioLanguage, AudioClips>();

/**
 * The clips of `language`, read once per isolate from the asset store (`assets` is the
 * Worker's ASSETS binding) and decoded. Throws when the file is missing or malformed.
 */
export async function loadClips(assets: Fetcher, language: AudioLanguage): Promise<AudioClips> {
  const cached = decoded.get(language);
  if (cached) return cached;
  // The binding ignores the host: only the path names the asset.
  const res = await assets.fetch(`https://assets.invalid${CLIPS_DIR}/${language}.ulaw`);
  if (res.status !== 200) throw new Error(`captcha audio: no ${language} clips in the assets (${res.status})`);
  const clips = decodeClips(new Uint8Array(await res.arrayBuffer()));
  decoded.set(language, clips);
  return clips;
}

/**
 * A clips file (scripts/make-audio-clips.sh): one ASCII line
 * `ISOLOIR-CLIPS mu-law 8000 <bytes of clip 0> … <bytes of clip 9> <provenance…>`, then the
 * ten clips back to back, raw 8-bit G.711 μ-law.
 */
export function decodeClips(bytes: Uint8Array): AudioClips {
  const eol = bytes.indexOf(0x0a);
  const fields = eol > 0 ? new TextDecoder().decode(bytes.subarray(0, eol)).split(' ') : [];
  const lengths = fields.slice(3, 13).map(Number);
  const total = lengths.reduce((sum, n) => sum + n, 0);
  if (
    fields[0] !== 'ISOLOIR-CLIPS' ||
    fields[1] !== 'mu-law' ||
    Number(fields[2]) !== SAMPLE_RATE ||
    lengths.length !== 10 ||
    !lengths.every((n) => Number.isInteger(n) && n > 0) ||
    eol + 1 + total !== bytes.length
  ) {
    throw new Error('captcha audio: not a clips file');
  }
  let at = eol + 1;
  return lengths.map((n) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = ulawToFloat(bytes[at + i]!);
    at += n;
    return out;
  });
}

/** G.711 μ-law byte → linear sample in [-1, 1]. */
function ulawToFloat(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
  return (u & 0x80 ? -magnitude : magnitude) / 32768;
}

/**
 * Adds `clip` into `out` at `at`, resampled at a rate that wobbles around `rate` (> 1 = faster
 * and higher) by up to `wobble` over the clip, scaled by `gain`; returns the samples written.
 */
function mix(
  out: Float32Array,
  clip: Float32Array,
  at: number,
  rate: number,
  gain: number,
  { reversed = false, wobble = 0, phase = 0 } = {},
): number {
  let pos = 0;
  let i = 0;
  const period = clip.length / rate;
  // The wobble's sine by rotation (two multiplications a sample rather than Math.sin).
  const step = (2 * Math.PI) / period;
  let sin = Math.sin(phase);
  let cos = Math.cos(phase);
  const [ds, dc] = [Math.sin(step), Math.cos(step)];
  for (; pos < clip.length - 1; i++) {
    const k = Math.floor(pos);
    const a = clip[k]!;
    const sample = a + (clip[k + 1]! - a) * (pos - k);
    const index = reversed ? at + Math.floor(period) - 1 - i : at + i;
    if (index >= 0 && index < out.length) out[index]! += sample * gain;
    pos += rate * (1 + wobble * sin);
    const next = sin * dc + cos * ds;
    cos = cos * dc - sin * ds;
    sin = next;
  }
  return i;
}

/**
 * A peaking equaliser (RBJ biquad) at `freq` Hz, `gainDb` up or down, applied in place to
 * `samples[from, to)`: each digit gets its own colour, so no clip matches as recorded.
 */
function peak(samples: Float32Array, from: number, to: number, freq: number, gainDb: number, q: number): void {
  const A = 10 ** (gainDb / 40);
  const w = (2 * Math.PI * freq) / SAMPLE_RATE;
  const alpha = Math.sin(w) / (2 * q);
  const a0 = 1 + alpha / A;
  const [b0, b1, b2] = [(1 + alpha * A) / a0, (-2 * Math.cos(w)) / a0, (1 - alpha * A) / a0];
  const [a1, a2] = [(-2 * Math.cos(w)) / a0, (1 - alpha / A) / a0];
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = Math.max(0, from); i < Math.min(samples.length, to); i++) {
    const x = samples[i]!;
    const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
    samples[i] = y;
  }
}

const seconds = (s: number) => Math.round(s * SAMPLE_RATE);

/**
 * The WAV bytes for `digits`, spoken with `clips` (`loadClips` of the same `language`),
 * deterministic for (`secret`, `id`, `language`). Lasts about 3.5 to 7 seconds.
 *
 * What varies per code, and why (the attacker is assumed to hold the clips:
 * test/attacks/audio.ts): each digit's pitch and tempo (resampled 0.84–1.18, wobbling by up
 * to 5 % within the digit), its loudness and its colour (two peaking filters, ±9 dB, between
 * 250 Hz and 3 kHz), the silences (0.3–0.9 s, so cutting at silences does not find four
 * digits), a background of filtered noise, and a murmur of reversed digits as loud as a quiet
 * digit running through the whole code — speech-like, so that the loudest stretches are not
 * simply the digits, yet sounding like no digit to a listener.
 */
export async function renderCaptchaAudio(
  secret: string,
  id: string,
  digits: string,
  language: AudioLanguage,
  clips: AudioClips,
): Promise<Uint8Array<ArrayBuffer>> {
  const rand = prng(await hmacHex(secret, `captcha-audio:${language}:${id}`));
  const range = (a: number, b: number) => between(rand, a, b);

  // Plan the timeline first, so the buffer has the right length.
  const lead = seconds(range(0.4, 0.7));
  const spoken = [...digits].map((d) => {
    const clip = clips[Number(d)]!;
    const rate = range(0.84, 1.18);
    return { clip, rate, gain: range(0.7, 1), length: Math.ceil((clip.length / rate) * 1.06) };
  });
  const gaps = spoken.map(() => seconds(range(0.3, 0.9)));
  const trail = seconds(range(0.3, 0.5));
  const total = lead + spoken.reduce((sum, s, i) => sum + s.length + (i < spoken.length - 1 ? gaps[i]! : 0), 0) + trail;
  const out = new Float32Array(total);

  // The code itself, each digit coloured on its own.
  let at = lead;
  spoken.forEach((s, i) => {
    const written = mix(out, s.clip, at, s.rate, s.gain, { wobble: range(0, 0.05), phase: range(0, 2 * Math.PI) });
    for (let f = 0; f < 2; f++) peak(out, at, at + written + 200, range(250, 3000), range(-9, 9), range(0.7, 2));
    at += s.length + (i < spoken.length - 1 ? gaps[i]! : 0);
  });

  // Murmur: reversed digits end to end over the whole code, quieter than the code.
  const murmur = new Float32Array(total);
  for (let m = Math.floor(range(-0.4, 0.4) * SAMPLE_RATE); m < total;) {
    const clip = clips[below(rand, 10)]!;
    const rate = range(0.8, 1.25);
    mix(murmur, clip, m, rate, range(0.22, 0.38), { reversed: true });
    m += Math.floor((clip.length / rate) * range(0.55, 1));
  }
  peak(murmur, 0, total, range(300, 2000), range(-6, 6), 1);

  // Background: low-passed noise whose level drifts slowly.
  const level = range(0.03, 0.06);
  const smoothing = range(0.3, 0.7);
  const drift = range(0.5, 2) / SAMPLE_RATE;
  const phase = range(0, 2 * Math.PI);
  let noise = 0;
  // The drift's sine by rotation, as in mix().
  let sin = Math.sin(phase);
  let cos = Math.cos(phase);
  const [ds, dc] = [Math.sin(2 * Math.PI * drift), Math.cos(2 * Math.PI * drift)];
  for (let i = 0; i < total; i++) {
    noise = noise * smoothing + (rand() * 2 - 1) * (1 - smoothing);
    out[i]! += murmur[i]! + noise * level * 2 * (0.75 + 0.25 * sin);
    const next = sin * dc + cos * ds;
    cos = cos * dc - sin * ds;
    sin = next;
  }
  // A boosted band can push a loud digit past full scale: the whole code is scaled down so
  // its loudest sample is at 0.95 (clipping clicked in nearly half of the codes before).
  let loudest = 0;
  for (let i = 0; i < total; i++) loudest = Math.max(loudest, Math.abs(out[i]!));
  if (loudest > 0.95) for (let i = 0; i < total; i++) out[i]! *= 0.95 / loudest;
  return wav16(out);
}

/** A minimal RIFF/WAVE file: `fmt ` (PCM, mono, 16-bit) and `data`, nothing else. */
function wav16(samples: Float32Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, s: string) => [...s].forEach((ch, i) => view.setUint8(at + i, ch.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, SAMPLE_RATE, true);
  view.setUint32(28, SAMPLE_RATE * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  // WAV is little-endian, as every platform Workers run on: the samples go in through a view.
  const pcm = new Int16Array(bytes.buffer, 44, samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    pcm[i] = Math.round((s < -1 ? -1 : s > 1 ? 1 : s) * 32767);
  }
  return bytes;
}
