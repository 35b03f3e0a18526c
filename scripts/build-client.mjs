// Bundles the browser scripts (src/client/) into public/js/: small ES modules,
// minified, for browsers from 2020 on (mail apps' built-in browsers included).
// public/js/ is git-ignored; `npm test` and `npm start` run this first.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const options = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  platform: 'browser',
  // jsx-dom (the stack's choice for browser scripts): JSX that builds real DOM elements, no
  // virtual DOM; it adds about 6 KB minified to the script.
  jsx: 'automatic',
  jsxImportSource: 'jsx-dom',
  sourcemap: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
};

// app.js on every page; the booth (booth.js, served with Subresource Integrity, its hash
// published on /verifier) and its Web Worker, which encrypts and proves the ballot with the
// Belenios library (src/ballot/) off the page's thread.
for (const [entry, outfile] of [
  ['src/client/main.ts', 'public/js/app.js'],
  ['src/client/booth.ts', 'public/js/booth.js'],
  ['src/client/booth-worker.ts', 'public/js/booth-worker.js'],
]) {
  const result = await build({ ...options, entryPoints: [entry], outfile });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  console.log(`built ${outfile} (${bytes} bytes)`);
}
