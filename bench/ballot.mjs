/**
 * `npm run bench:ballot`: CPU of the ballot crypto (src/ballot/) — one plain 2048-bit modexp
 * with a 256-bit exponent, the verification and the encryption of one 15-answer + blank ballot
 * — in Node (wall clock of a busy loop) and on workerd through Miniflare (the workerd process's
 * CPU from /proc, since a Worker's clocks stand still while it computes). The budget:
 * ≤ 150 ms of CPU to verify one such ballot in workerd.
 *
 * Options: --quick (fewer repetitions), --no-workerd (Node only).
 */
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { cpuMs, workerdChildren } from './lib/cpu.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const reps = quick ? { modexp: 50, verify: 3, encrypt: 2 } : { modexp: 300, verify: 15, encrypt: 8 };

const bundled = await build({
  entryPoints: [path.join(here, 'ballot-entry.mjs')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  write: false,
});
const code = bundled.outputFiles[0].text;
const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-ballot-')), 'entry.mjs');
writeFileSync(file, code);

async function inNode() {
  const m = await import(pathToFileURL(file).href);
  await m.setup();
  const out = {};
  for (const op of ['modexp', 'verify', 'encrypt']) {
    await m[op](1); // warm-up
    const t = performance.now();
    await m[op](reps[op]);
    out[op] = (performance.now() - t) / reps[op];
  }
  return out;
}

async function inWorkerd() {
  const before = new Set(workerdChildren());
  // Miniflare 5 takes a new option shape; the converter accepts the documented v4 one.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: '127.0.0.1',
      port: 0,
      modules: true,
      script: code,
      compatibilityDate: '2026-11-01',
    }),
  );
  const url = await mf.ready;
  const pid = workerdChildren().find((p) => !before.has(p));
  if (!pid) throw new Error('workerd process not found (Linux /proc needed)');
  const call = async (op, n) => {
    const c0 = cpuMs(pid);
    const r = await fetch(new URL(`/${op}?n=${n}`, url));
    if (!r.ok) throw new Error(`${op}: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
    return cpuMs(pid) - c0;
  };
  try {
    const setupMs = await call('setup', 1);
    const out = { firstRequestSetup: setupMs };
    let noop = 0;
    for (let i = 0; i < 10; i++) noop += await call('noop', 1);
    noop /= 10;
    for (const op of ['modexp', 'verify', 'encrypt']) {
      await call(op, 1);
      out[op] = ((await call(op, reps[op])) - noop) / reps[op];
    }
    return out;
  } finally {
    await mf.dispose();
  }
}

const fmt = (x) => (x === undefined ? '—' : x.toFixed(2).padStart(8));
const node = await inNode();
const workerd = process.argv.includes('--no-workerd') ? undefined : await inWorkerd();
const rows = [
  ['modexp 2048-bit, 256-bit exponent', 'modexp'],
  ['verify 15-answer + blank ballot', 'verify'],
  ['encrypt 15-answer + blank ballot', 'encrypt'],
];
console.log(`${'ms per operation'.padEnd(38)}${'Node'.padStart(8)}  ${'workerd'.padStart(8)}`);
for (const [label, key] of rows) console.log(`${label.padEnd(38)}${fmt(node[key])}  ${fmt(workerd?.[key])}`);
for (const [name, r] of [
  ['Node', node],
  ['workerd', workerd],
]) {
  if (!r) continue;
  console.log(
    `${name}: verify = ${(r.verify / r.modexp).toFixed(1)} modexps, encrypt = ${(r.encrypt / r.modexp).toFixed(1)} modexps`,
  );
}
if (workerd) {
  console.log(`workerd: first request (g and y tables + one encryption) ${workerd.firstRequestSetup.toFixed(0)} ms`);
  console.log(`budget: verify ≤ 150 ms in workerd — ${workerd.verify <= 150 ? 'met' : 'NOT met'}`);
}
