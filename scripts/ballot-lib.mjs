/**
 * Loads src/ballot/ in Node, for the operator commands and the node tests alike. Node 22 strips
 * types but does not resolve the extensionless relative imports a bundler-style TypeScript
 * module uses, so esbuild bundles the library once per run; the bundle has no imports of its
 * own, so it is imported from a data: URL and leaves no temporary file behind.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let loaded;

/** The ballot library (src/ballot/index.ts), bundled in memory and imported (once per process). */
export function loadBallotLib() {
  loaded ??= build({
    entryPoints: [path.join(root, 'src/ballot/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  }).then((out) => import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`));
  return loaded;
}
