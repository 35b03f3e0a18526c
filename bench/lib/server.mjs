/**
 * Serves the built bundle and the baseline Worker on workerd through Miniflare (not
 * `wrangler dev`, whose proxy is fragile under load), each in its own Miniflare instance —
 * so each has its own workerd process whose CPU counters belong to it alone — on loopback
 * ports chosen by the system.
 */
import { readFile, readdir } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { workerdChildren } from './cpu.mjs';

/**
 * The bench's fixed secrets (never used anywhere but this local run): one for every name in
 * src/env.ts's REQUIRED_SECRETS, so a secret added there needs no change here.
 */
export const SECRETS = Object.fromEntries(
  (
    /REQUIRED_SECRETS\s*=\s*\[([^\]]*)\]/.exec(
      readFileSync(new URL('../../src/env.ts', import.meta.url), 'utf8'),
    )?.[1] ?? ''
  )
    .split(',')
    .map((name) => name.trim().replace(/^['"]|['"]$/g, ''))
    .filter(Boolean)
    .concat(['IDENTIFIER_HMAC_KEY', 'NUMIC_HMAC_KEY', 'CAPTCHA_KEY'])
    .map((name) => [name, `bench-${name.toLowerCase().replace(/_/g, '-')}`]),
);

/** The app's number of shard objects (src/platform/guard/guards.ts), which the bench starts. */
export const SHARD_COUNT = (() => {
  const source = readFileSync(new URL('../../src/platform/guard/guards.ts', import.meta.url), 'utf8');
  const count = /export const SHARD_COUNT = (\d+)/.exec(source)?.[1];
  if (!count) throw new Error('bench: SHARD_COUNT not found in src/platform/guard/guards.ts');
  return Number(count);
})();

const COMPAT = { compatibilityDate: '2026-11-01', compatibilityFlags: ['nodejs_compat'] };

/**
 * The asset router as wrangler.toml sets it up: the paths of `run_worker_first` (the private
 * directory the Worker refuses) go to the Worker, everything else to the assets first.
 */
const RUN_WORKER_FIRST = JSON.parse(
  /^run_worker_first\s*=\s*(\[[^\]]*\])/m.exec(
    readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8'),
  )?.[1] ?? '[]',
);
const ROUTER_CONFIG = {
  has_user_worker: true,
  ...(RUN_WORKER_FIRST.length ? { static_routing: { user_worker: RUN_WORKER_FIRST } } : {}),
};

// Miniflare keeps this run's D1, KV and Durable Object files under os.tmpdir(). On disk, each
// new AccessState object (every voter, most code and address shards in a short run) cost the
// simulator ~5 ms of CPU creating its SQLite files — work a deployed Worker never does, as
// its objects live elsewhere. A memory file system keeps the simulator out of the figures.
if (!process.env.BENCH_DISK && existsSync('/dev/shm')) process.env.TMPDIR = '/dev/shm';

const CONSUMERS = {
  'isoloir-convoke': { maxBatchSize: 20, maxBatchTimeout: 1, maxRetries: 10 },
  'isoloir-audit': { maxBatchSize: 100, maxBatchTimeout: 1, maxRetries: 10 },
  'isoloir-delivery': { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: 5, retryDelay: 5 },
};

/** Starts Miniflare and returns it with its URL and the pid of the workerd it spawned. */
async function start(worker, shared = {}) {
  const before = new Set(workerdChildren());
  // Miniflare 5 takes a new option shape; the converter accepts the documented v4 one.
  const mf = new Miniflare(convertV4MiniflareOptions({ host: '127.0.0.1', port: 0, ...shared, ...worker }));
  const url = await mf.ready;
  const pid = workerdChildren().find((p) => !before.has(p));
  return { mf, url: url.origin, pid };
}

/** The baseline: a Worker that returns one constant Response, nothing else. */
export function startBaseline({ assetsDir } = {}) {
  return start({
    ...COMPAT,
    modules: true,
    script: `const body = 'ok';\nexport default { fetch() { return new Response(body); } };`,
    ...(assetsDir ? { assets: { directory: assetsDir, routerConfig: ROUTER_CONFIG } } : {}),
  });
}

/**
 * The app: the bundle of `npm run deploy:dry` (`dist/worker/index.js`) untouched, behind
 * bench/counting-entry.mjs (which only wraps the bindings to count storage calls). Bindings
 * and the asset router mirror wrangler.toml; D1, KV and Durable Objects live in memory for
 * this run only.
 */
export async function startApp({ bundleDir, root, vars, inspectorPort, consumers = true }) {
  const entry = await readFile(new URL('../counting-entry.mjs', import.meta.url), 'utf8');
  const tools = await readFile(new URL('../tools-entry.mjs', import.meta.url), 'utf8');
  const bundle = await readFile(path.join(bundleDir, 'index.js'), 'utf8');
  const assetsDir = path.join(root, 'public');
  return start(
    {
      ...COMPAT,
      modulesRoot: bundleDir,
      modules: [
        { type: 'ESModule', path: path.join(bundleDir, '__bench_entry.mjs'), contents: entry },
        { type: 'ESModule', path: path.join(bundleDir, '__bench_tools.mjs'), contents: tools },
        { type: 'ESModule', path: path.join(bundleDir, 'index.js'), contents: bundle },
      ],
      bindings: { ELECTION_ID: '1', PUBLIC_ORIGIN: 'http://127.0.0.1:8787', DEV_TOOLS: '1', ...SECRETS, ...vars },
      d1Databases: { DB: 'bench-db' },
      kvNamespaces: { TOKENS: 'bench-tokens' },
      durableObjects: {
        ACCESS_STATE: { className: 'AccessState', useSQLite: true },
        AUDIT_HEAD: { className: 'AuditHead', useSQLite: true },
      },
      queueProducers: {
        AUDIT: { queueName: 'isoloir-audit' },
        DELIVERY: { queueName: 'isoloir-delivery' },
        CONVOKE: { queueName: 'isoloir-convoke' },
      },
      // `consumers`: true, or the queues whose consumers run; the others keep their messages (a
      // consumer's batch is an invocation of its own on Cloudflare, not the CPU of the requests
      // that sent its messages).
      queueConsumers: Object.fromEntries(
        Object.entries(CONSUMERS).filter(([queue]) => consumers === true || consumers.includes(queue)),
      ),
      ...(existsSync(assetsDir) && !process.env.BENCH_NO_ASSETS
        ? { assets: { directory: assetsDir, binding: 'ASSETS', routerConfig: ROUTER_CONFIG } }
        : {}),
    },
    {
      ...(inspectorPort ? { inspectorPort } : {}),
      // The app's own log lines (one per delivered message…) would bury the table: only its
      // warnings and errors are shown.
      // (The unit cost of a queue send uses messages of no known kind, which the app drops.)
      handleStructuredLogs: ({ level, message }) => {
        if (/message of unknown kind|message_unknown_kind/.test(message)) return;
        if (level === 'error' || level === 'warn') console.error(`[app ${level}] ${message}`);
      },
    },
  );
}

/** Applies `migrations/*.sql` in order, statement by statement (drizzle's breakpoints). */
export async function applyMigrations(mf, root) {
  const db = await mf.getD1Database('DB');
  const dir = path.join(root, 'migrations');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  for (const file of files) {
    const sql = await readFile(path.join(dir, file), 'utf8');
    const statements = sql
      .split('--> statement-breakpoint')
      .map((s) => s.trim())
      .filter((s) => s.replace(/--.*$/gm, '').trim() !== '');
    await db.batch(statements.map((s) => db.prepare(s)));
  }
  return files;
}
