/**
 * `npm run test:e2e`: the browser tests. Serves the portal with `wrangler dev` on a fresh
 * local state (its own persist directory and port, so a running `npm start` is untouched),
 * with the demo data, then runs test/e2e/*.test.mjs in Debian's Chromium via playwright-core.
 */
import { rmSync, mkdirSync, openSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  E2E_VOTERS,
  ROOT,
  buildClient,
  ensureDevVars,
  prepareLocalDatabase,
  startDevServer,
  stopDevServer,
} from './local.mjs';

const port = Number(process.env.E2E_PORT ?? 8788);
const persistTo = join(ROOT, '.wrangler', 'e2e-state');
rmSync(persistTo, { recursive: true, force: true });
mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });

const vars = ensureDevVars();
buildClient();
prepareLocalDatabase(vars, persistTo, E2E_VOTERS);
const log = openSync(join(ROOT, 'test-artifacts', 'wrangler-dev.log'), 'w');
const { child, url } = await startDevServer({ port, persistTo, stdio: ['ignore', log, log] });

let status;
try {
  const files = process.argv.slice(2);
  const res = spawnSync(
    'node',
    ['--test', '--test-concurrency=1', '--test-reporter=spec', ...(files.length ? files : ['test/e2e/*.test.mjs'])],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, BASE_URL: url, PERSIST_TO: persistTo } },
  );
  status = res.status ?? 1;
} finally {
  stopDevServer(child);
}
process.exit(status);
