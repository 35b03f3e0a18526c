/**
 * The Worker's bundle as it ships: `wrangler deploy --dry-run --env production` into
 * dist/worker, every build setting (minify, keep_names…) from wrangler.toml. `npm run
 * deploy:dry` and the bench both build through `buildBundle`, so the bench measures the very
 * bytes that deploy (staging and the top level build the same bytes; only bindings and vars,
 * which are not in the script, differ).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, wrangler } from './local.mjs';

export const BUNDLE_DIR = 'dist/worker';
/** The hard ceiling for what ships, every later feature included: `deploy:dry` fails above it. */
export const CEILING_GZIP_KIB = 150;
/** The goal for the bundle as it is now (the bench reports it). */
export const GOAL_GZIP_KIB = 100;
/**
 * A string literal of this many base64 characters is data, not code — the audio clips were
 * once compiled in this way (≈ 62 KiB gzip). Data goes to public/ (read through ASSETS).
 */
const LONG_BASE64 = /(["'`])[A-Za-z0-9+/=]{500,}\1/g;

/** Builds the production bundle into `outdir` and returns its sizes. */
export function buildBundle({ outdir = BUNDLE_DIR, args = [], quiet = false } = {}) {
  wrangler(['deploy', '--dry-run', '--env', 'production', '--outdir', outdir, ...args], { quiet });
  return measureBundle(outdir);
}

/** `index.js` of a built bundle: raw and gzip bytes, and its long base64 literals (count, longest). */
export function measureBundle(outdir = BUNDLE_DIR) {
  const file = join(outdir, 'index.js');
  const bytes = readFileSync(join(ROOT, file));
  const literals = bytes.toString('utf8').match(LONG_BASE64) ?? [];
  return {
    file,
    raw: bytes.length,
    gzip: gzipSync(bytes).length,
    base64Literals: literals.length,
    longestBase64: Math.max(0, ...literals.map((l) => l.length - 2)),
  };
}

export const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** What is wrong with a measured bundle for shipping (empty when nothing). */
export function bundleProblems(size) {
  const problems = [];
  if (size.gzip > CEILING_GZIP_KIB * 1024) {
    problems.push(`${kib(size.gzip)} gzip is over the ceiling of ${CEILING_GZIP_KIB} KiB`);
  }
  if (size.base64Literals > 0) {
    problems.push(
      `${size.base64Literals} base64 string literal(s) of 500+ characters (longest ${size.longestBase64}): data belongs in public/, read through ASSETS`,
    );
  }
  return problems;
}
