/**
 * `npm run bench:profile -- --only="GET /"`: where a route's CPU goes. Builds the bundle
 * as deployed but without minifying (so functions keep their names), serves it like the bench does with
 * workerd's inspector on, loads one route for a few seconds while V8's sampling profiler
 * records the app's isolate (the Worker and its AccessState objects; D1 and KV run in
 * Miniflare's own isolates), and prints the functions that cost the most, per request.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { routes } from './routes.mjs';
import { createContext } from './lib/context.mjs';
import { selfTimes, startProfiling } from './lib/profiler.mjs';
import { measure, toRequest } from './lib/load.mjs';
import { seed } from './lib/seed.mjs';
import { applyMigrations, startApp } from './lib/server.mjs';
import { warmShards } from './lib/calibrate.mjs';
import { buildBundle } from '../scripts/bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const only = args.only ?? 'GET /';
const seconds = Number(args.duration ?? 5);
const top = Number(args.top ?? 30);
const route = routes.find((r) => r.name.startsWith(only)) ?? routes.find((r) => r.name.includes(only));
if (!route) throw new Error(`no route matches ${only}`);

// The deployed build (scripts/bundle.mjs), except that wrangler.toml's `minify` is overridden.
buildBundle({ outdir: 'dist/profile', args: ['--minify=false'], quiet: true });
const inspectorPort = 9300 + Math.floor(Math.random() * 500);
// The audit queue left unconsumed, as in the bench (run.mjs): a consumer's batch is not the request's CPU.
const app = await startApp({
  bundleDir: path.join(root, 'dist', 'profile'),
  root,
  inspectorPort,
  consumers: ['isoloir-delivery'],
});
try {
  await applyMigrations(app.mf, root);
  const ctx = createContext({ url: app.url, voters: await seed(app.mf, { benchVoters: 4000 }) });
  if (args.targets) console.log(await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json());
  // The app's isolate is Miniflare's 'core:user:<name>' worker ('core:entry' is its router).
  const targetId = args.target ?? 'core:user:';

  const items = async (n) =>
    route.prepare ? Promise.all(Array.from({ length: n }, () => route.prepare(ctx))) : undefined;
  // Every shard object running, as at the peak (calibrate.mjs `warmShards`).
  await warmShards(app);
  // Warm the isolate (JIT, caches) before recording.
  await measure({
    url: app.url,
    route,
    items: await items(route.prepare ? 150 : 0),
    cycle: Boolean(route.reusable),
    connections: 10,
    duration: 1,
  });
  // --replay=N: N requests one after the other inside the isolate (no HTTP, no concurrency).
  const replay = Number(args.replay ?? 0);
  const loadItems = await items(route.prepare ? (route.reusable ? 20 : replay || Math.round(seconds * 80)) : 0);
  const profiling = await startProfiling(inspectorPort, { which: (id) => id === targetId });
  let run;
  if (replay) {
    const requests = (loadItems ?? [undefined]).map((item) => toRequest(app.url, route.request(item)));
    await fetch(`${app.url}/__bench/loop`, { method: 'POST', body: JSON.stringify({ requests, n: replay }) });
    run = { requests: replay, rps: 0, errors: 0 };
  } else {
    run = await measure({
      url: app.url,
      route,
      items: loadItems,
      cycle: Boolean(route.reusable),
      connections: 10,
      duration: seconds,
    });
  }
  const profile = (await profiling.stop())[targetId];
  // --save=file.cpuprofile: the raw profile, for Chrome DevTools or a look at inclusive times.
  if (args.save) writeFileSync(args.save, JSON.stringify(profile));
  report(profile, run);
} finally {
  await app.mf.dispose();
}

function report(profile, run) {
  const { busy, idle, functions } = selfTimes(profile);
  console.log(`${route.name}: ${run.requests} requests, ${run.rps.toFixed(0)} req/s, ${run.errors} errors`);
  console.log(
    `isolate busy ${busy.toFixed(0)} ms = ${(busy / run.requests).toFixed(3)} ms/request (idle ${idle.toFixed(0)} ms)`,
  );
  console.log('self ms/request  share  function');
  for (const [key, ms] of functions.slice(0, top)) {
    console.log(
      `${(ms / run.requests).toFixed(4).padStart(15)}  ${((ms / busy) * 100).toFixed(1).padStart(4)} %  ${key}`,
    );
  }
}
