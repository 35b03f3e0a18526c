/**
 * The audio version of the security code ("Écouter le code"): the same 4 digits spoken in the
 * voter's language, assembled by the Worker from per-digit clips (espeak-ng, generated once
 * by scripts/make-audio-clips.sh). The clips are static asset files, kept out of the script
 * (≈ 62 KiB gzip, nearly half of it), under a directory that wrangler.toml's `run_worker_first`
 * hands to the Worker, which refuses it: never served one by one, where a bot could download
 * the ten clips and match them. The Worker reads them through its ASSETS binding, which goes
 * straight to the asset store.
 *
 * Every code sounds different: the pitch and speed of each digit, its loudness, the silences
 * between digits, the background noise and the murmur of reversed distractor digits all come
 * from a PRNG seeded with an HMAC of the challenge id. Like the SVG noise, the same id always
 * gives the same bytes, so fetching it many times and averaging reveals nothing new.
 * Output: a plain 16-bit PCM WAV (the format every browser plays), 8 kHz mono, no metadata.
 */
import { hmacHex } from '../crypto';

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

/** Deterministic PRNG (xorshift128) seeded with 128 bits of a hex digest. */
function prng(seedHex: string): () => number {
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

/** Adds `clip` into `out` at `at`, resampled by `rate` (> 1 = faster and higher) and scaled by `gain`. */
function mix(out: Float32Array, clip: Float32Array, at: number, rate: number, gain: number, reversed = false): number {
  const length = Math.floor(clip.length / rate);
  for (let i = 0; i < length && at + i < out.length; i++) {
    const pos = i * rate;
    const k = Math.floor(pos);
    const frac = pos - k;
    const a = clip[k] ?? 0;
    const b = clip[k + 1] ?? a;
    const sample = a + (b - a) * frac;
    const index = reversed ? at + length - 1 - i : at + i;
    if (index >= 0 && index < out.length) out[index]! += sample * gain;
  }
  return length;
}

const seconds = (s: number) => Math.round(s * SAMPLE_RATE);

/**
 * The WAV bytes for `digits`, spoken with `clips` (`loadClips` of the same `language`),
 * deterministic for (`secret`, `id`, `language`). Lasts about 4 to 7 seconds.
 */
export async function renderCaptchaAudio(
  secret: string,
  id: string,
  digits: string,
  language: AudioLanguage,
  clips: AudioClips,
): Promise<Uint8Array<ArrayBuffer>> {
  const rand = prng(await hmacHex(secret, `captcha-audio:${language}:${id}`));
  const between = (a: number, b: number) => a + (b - a) * rand();

  // Plan the timeline first, so the buffer has the right length.
  const lead = seconds(between(0.3, 0.7));
  const spoken = [...digits].map((d) => ({ clip: clips[Number(d)]!, rate: between(0.9, 1.1), gain: between(0.75, 1) }));
  const gaps = spoken.map(() => seconds(between(0.35, 0.85)));
  const trail = seconds(between(0.3, 0.6));
  const total =
    lead +
    spoken.reduce((sum, s, i) => sum + Math.floor(s.clip.length / s.rate) + (i < spoken.length - 1 ? gaps[i]! : 0), 0) +
    trail;
  const out = new Float32Array(total);

  // Background: low-passed noise whose level drifts slowly.
  const level = between(0.03, 0.07);
  const smoothing = between(0.3, 0.7);
  let noise = 0;
  const drift = between(0.5, 2) / SAMPLE_RATE;
  const phase = between(0, 2 * Math.PI);
  for (let i = 0; i < total; i++) {
    noise = noise * smoothing + (rand() * 2 - 1) * (1 - smoothing);
    out[i] = noise * level * 2 * (0.75 + 0.25 * Math.sin(phase + 2 * Math.PI * drift * i));
  }

  // Murmur: reversed digits, quieter, anywhere on the timeline.
  const murmurs = 3 + Math.floor(rand() * 3);
  for (let m = 0; m < murmurs; m++) {
    const clip = clips[Math.floor(rand() * 10)]!;
    mix(out, clip, Math.floor(between(0, total - clip.length)), between(0.8, 1.2), between(0.1, 0.2), true);
  }

  // The code itself.
  let at = lead;
  spoken.forEach((s, i) => {
    at += mix(out, s.clip, at, s.rate, s.gain);
    if (i < spoken.length - 1) at += gaps[i]!;
  });

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
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    view.setInt16(44 + i * 2, Math.round(s * 32767), true);
  }
  return bytes;
}
