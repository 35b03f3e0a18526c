// Loads src/ballot/ in Node: Node 22 strips types but does not resolve the extensionless
// relative imports a bundler-style TypeScript module uses, so esbuild bundles it once per run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The ballot library (src/ballot/index.ts), bundled to a temporary ES module and imported. */
export async function loadBallotLib() {
  const out = await build({
    entryPoints: [path.join(root, 'src/ballot/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
  });
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ballot-lib-')), 'ballot.mjs');
  writeFileSync(file, out.outputFiles[0].text);
  return import(pathToFileURL(file).href);
}
