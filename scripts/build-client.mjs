/**
 * Bundles the browser scripts (src/client/*.ts, jsx-dom) into public/js/ with esbuild.
 * Progressive enhancement only: every page works without them.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './local.mjs';

const entry = join(ROOT, 'src/client/main.ts');
const outdir = join(ROOT, 'public/js');
mkdirSync(outdir, { recursive: true });
if (existsSync(entry)) {
  await build({ entryPoints: { app: entry }, outdir, bundle: true, minify: true, format: 'esm', target: 'es2020', logLevel: 'warning' });
} else {
  writeFileSync(join(outdir, 'app.js'), '// no browser scripts yet\n');
}
