/**
 * `npm run bench`: builds the production bundle, serves it on workerd through Miniflare
 * beside a baseline Worker that returns a constant Response, loads both with autocannon —
 * alternating baseline and app, route by route, several rounds — and writes
 * bench/results/latest.{json,md}. See docs/performance.md.
 *
 * Options (flags or environment): --rounds=N (BENCH_ROUNDS, 3), --duration=S (BENCH_DURATION,
 * 3 s per run), --connections=N (BENCH_CONNECTIONS, 10), --only=text (routes whose name
 * contains it), --quick (1 round of 2 s), --no-build (reuse dist/worker, as the last build left it);
 * BENCH_PROFILES=dir also writes the login routes' profiled runs (profiledRun) as .cpuprofile.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { routes } from './routes.mjs';
import { createContext, NotAvailable } from './lib/context.mjs';
import { cpuMs } from './lib/cpu.mjs';
import { measure, toRequest } from './lib/load.mjs';
import { splitSamples, startProfiling } from './lib/profiler.mjs';
import { renderMarkdown, renderTable, summarize } from './lib/report.mjs';
import { seed } from './lib/seed.mjs';
import { applyMigrations, startApp, startBaseline } from './lib/server.mjs';
import { auditConsumerCost, bareBaseline, calibratePbkdf2, unitCosts, warmShards } from './lib/calibrate.mjs';
import { BUNDLE_DIR, buildBundle, measureBundle } from '../scripts/bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? true];
  }),
);
const quick = Boolean(args.quick);
const opts = {
  rounds: Number(args.rounds ?? process.env.BENCH_ROUNDS ?? (quick ? 1 : 3)),
  duration: Number(args.duration ?? process.env.BENCH_DURATION ?? (quick ? 2 : 3)),
  connections: Number(args.connections ?? process.env.BENCH_CONNECTIONS ?? 10),
  voters: Number(process.env.BENCH_VOTERS ?? 8000),
  warmup: 1,
  // The whole run must stay under 5 minutes: past this many seconds, the remaining routes get
  // one round each (and the report says so).
  budget: Number(process.env.BENCH_BUDGET ?? 210),
  only: typeof args.only === 'string' ? args.only : null,
};
const bundleDir = path.join(root, BUNDLE_DIR);
const log = (...a) => console.error('[bench]', ...a);
const t0 = performance.now();

// 1. The production bundle: the very build and file of `npm run deploy:dry` (scripts/bundle.mjs).
if (!args['no-build']) {
  log(`building ${BUNDLE_DIR} as npm run deploy:dry does: wrangler deploy --dry-run --env production`);
  buildBundle({ quiet: true });
}
const bundleSize = measureBundle(BUNDLE_DIR);

// 2. Both Workers on loopback ports, the app with its data.
// The audit queue's consumer is off: a consumer's batch is an invocation of its own on
// Cloudflare, not the CPU of the requests that sent its messages (auditConsumerCost measures it
// apart). The delivery consumer runs: the renewal link's route reads its e-mails from the
// development outbox it writes (the logins send no delivery message).
// The inspector serves profiledRun (routes with a PBKDF2 target).
const inspectorPort = 9300 + Math.floor(Math.random() * 500);
const app = await startApp({ bundleDir, root, consumers: ['isoloir-delivery'], inspectorPort });
// The baseline has the app's shape: with an assets directory, every request first passes the
// runtime's asset router (run_worker_first only for /_private), which locally costs more CPU than a
// constant Response itself. The bare Worker is measured once, for reference.
const assetsDir = path.join(root, 'public');
const base = await startBaseline({ assetsDir: process.env.BENCH_NO_ASSETS ? undefined : assetsDir });
let exitCode = 0;
try {
  await applyMigrations(app.mf, root);
  const voters = await seed(app.mf, { benchVoters: opts.voters });
  const ctx = createContext({ url: app.url, voters });
  log(`app ${app.url} (workerd pid ${app.pid}), baseline ${base.url} (pid ${base.pid}), ${voters.length} voters`);
  await smokeTest(ctx);
  const bare = await bareBaseline({ ...opts, log });
  const pbkdf2 = await calibratePbkdf2(app, log);
  // Unit costs one at a time (for the sequential replay) and ten at a time (for the loaded
  // runs), the objects' calls on running shards, as the routes' are.
  await warmShards(app);
  const units = { sequential: await unitCosts(app, 1, log), concurrent: await unitCosts(app, opts.connections, log) };
  const auditConsumer = await auditConsumerCost({ bundleDir, root, log });

  // 3. Each route: warm-up, then rounds of baseline run + app run, back to back.
  const results = [];
  for (const route of routes.filter((r) => !opts.only || r.name.includes(opts.only))) {
    results.push(await benchRoute(route, ctx));
  }

  const report = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, load: os.loadavg().map((l) => +l.toFixed(2)) },
    options: opts,
    bundle: bundleSize,
    bare,
    pbkdf2,
    units,
    auditConsumer,
    routes: results.map((r) => summarize(r, pbkdf2, units)),
    seconds: +((performance.now() - t0) / 1000).toFixed(1),
  };
  mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  const partial = opts.only || quick;
  const stem = partial ? 'partial' : 'latest';
  writeFileSync(path.join(root, 'bench', 'results', `${stem}.json`), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(path.join(root, 'bench', 'results', `${stem}.md`), renderMarkdown(report));
  console.log(renderTable(report));
  log(`wrote bench/results/${stem}.{json,md} in ${report.seconds} s`);
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await Promise.allSettled([app.mf.dispose(), base.mf.dispose()]);
}
process.exit(exitCode);

/**
 * One more loaded run of a route with a PBKDF2 target, twice as long, with V8's sampling
 * profiler on the app's isolate: its samples split into the PBKDF2, the Durable Objects' own
 * work and the Worker's (profiler.mjs `splitSamples`). The process's CPU (the rounds) also
 * holds the local D1, KV, queue and object simulators, priced by unit costs that move by half
 * a millisecond between runs; the profile holds the isolate's work alone.
 */
async function profiledRun(route, items, reusable) {
  let profiling;
  const run = await loadApp(route, items, reusable, 2 * opts.duration, async () => {
    profiling = await startProfiling(inspectorPort);
  });
  const profile = (await profiling.stop())[profiling.targets[0]];
  // BENCH_PROFILES=dir: the raw profiles too, for Chrome DevTools.
  if (process.env.BENCH_PROFILES) {
    mkdirSync(process.env.BENCH_PROFILES, { recursive: true });
    writeFileSync(
      path.join(process.env.BENCH_PROFILES, `${route.name.replace(/\W+/g, '-')}.cpuprofile`),
      JSON.stringify(profile),
    );
  }
  const io = await counters();
  const pbkdf2 = await calibratePbkdf2(app);
  // The objects' entry points: the methods the run called, their alarm, their constructor
  // (counting-entry.mjs's subclass keeps the name).
  const split = splitSamples(profile, [...Object.keys(io.doMethods), 'alarm', 'AccessState']);
  const msPerSample = split.pbkdf2 && pbkdf2.cpuMs !== null ? pbkdf2.cpuMs / split.pbkdf2 : null;
  const profiled = {
    requests: io.completed,
    errors: run.errors,
    samples: split,
    pbkdf2Ms: pbkdf2.cpuMs,
    // Per request: each made one PBKDF2, so the ratios to its samples are per request too.
    workerBeyondPbkdf2Ms: msPerSample === null ? null : split.worker * msPerSample,
    objectsMs: msPerSample === null ? null : split.objects * msPerSample,
  };
  log(
    `${route.name} profiled: ${profiled.requests} requests; beyond PBKDF2 (${pbkdf2.cpuMs?.toFixed(1)} ms) the Worker ${profiled.workerBeyondPbkdf2Ms?.toFixed(2)} ms, the objects ${profiled.objectsMs?.toFixed(2)} ms`,
  );
  return profiled;
}

/** The demo voter logs in with the demo password: the data and the code reader work. */
async function smokeTest(ctx) {
  const code = await ctx.code('/');
  const res = await ctx.post('/login', { identifier: 'ABCD-EFGH-JKMN', password: 'Vote-2022-Demo', ...code });
  if (res.status !== 303) throw new Error(`demo login answered ${res.status}, expected 303`);
}

/**
 * One loaded run of the app on `route`, its shards running and its counters from zero;
 * `started` runs just before the load (a CPU reading, the profiler).
 */
async function loadApp(route, items, reusable, duration, started) {
  await warmShards(app);
  await counters(true);
  await started();
  return measure({ url: app.url, route, items, cycle: Boolean(reusable), connections: opts.connections, duration });
}

async function counters(reset = false) {
  return (await fetch(`${app.url}/__bench/counters${reset ? '?reset' : ''}`)).json();
}

/** Items for `count` requests, made a few at a time (never during a measured run). */
async function prepareItems(route, ctx, count) {
  const items = [];
  const workers = Array.from({ length: 8 }, async () => {
    while (items.length < count) {
      const slot = items.length;
      items[slot] = null;
      items[slot] = await route.prepare(ctx);
    }
  });
  await Promise.all(workers);
  return items;
}

/**
 * The route without HTTP and without concurrency: prepared requests replayed one after the
 * other inside the app's isolate (/__bench/loop). The process CPU over that replay, less the
 * simulators' share, is the Worker's own CPU per request — a figure the machine's load
 * disturbs far less than the loaded runs.
 */
async function isolated(route, ctx, reusable, rate) {
  const n = Math.max(30, Math.min(400, Math.round(rate ?? 100)));
  const items = route.prepare ? (reusable ?? (await prepareItems(route, ctx, n))) : [undefined];
  const requests = items.map((item) => toRequest(app.url, route.request(item)));
  await warmShards(app);
  await counters(true);
  const before = cpuMs(app.pid);
  const res = await fetch(`${app.url}/__bench/loop`, { method: 'POST', body: JSON.stringify({ requests, n }) });
  if (!res.ok) throw new Error(`loop for ${route.name}: ${res.status}`);
  const io = await counters();
  return { n, cpuMs: before === null ? null : cpuMs(app.pid) - before, io };
}

async function benchRoute(route, ctx) {
  const result = { route, runs: [] };
  try {
    // Available? A 404 means the route is not in this build yet.
    const probe = route.probe ?? (route.prepare ? null : route.request().path);
    if (probe && (await ctx.get(probe)).status === 404) throw new NotAvailable(`${probe} answers 404`);
    const reusable = route.reusable ? await prepareItems(route, ctx, 20) : null;
    let rate = null;
    const itemsFor = async (seconds) => {
      if (!route.prepare) return undefined;
      if (reusable) return reusable;
      const count = Math.min(4000, Math.ceil((rate ?? 100) * seconds * 1.4) + 3 * opts.connections);
      return prepareItems(route, ctx, count);
    };
    // The baseline gets the same request line, headers and body as the app.
    const sample = route.request(reusable?.[0] ?? (route.prepare ? await route.prepare(ctx) : undefined));
    const baselineRoute = { expect: 200, request: () => sample };

    log(`${route.name}: warm-up`);
    await warmShards(app);
    const warm = await measure({
      url: app.url,
      route,
      items: await itemsFor(opts.warmup),
      cycle: Boolean(reusable),
      connections: opts.connections,
      duration: opts.warmup,
    });
    if (warm.statuses[404] === warm.requests) throw new NotAvailable(`${sample.path} answers 404`);
    rate = warm.rps;
    await measure({ url: base.url, route: baselineRoute, connections: opts.connections, duration: opts.warmup });

    const elapsed = (performance.now() - t0) / 1000;
    const rounds = elapsed > opts.budget ? 1 : opts.rounds;
    if (rounds < opts.rounds) log(`${route.name}: ${elapsed.toFixed(0)} s spent, one round only`);
    result.rounds = rounds;
    for (let round = 1; round <= rounds; round++) {
      const b0 = cpuMs(base.pid);
      const baseline = await measure({
        url: base.url,
        route: baselineRoute,
        connections: opts.connections,
        duration: opts.duration,
      });
      baseline.cpuMs = b0 === null ? null : cpuMs(base.pid) - b0;

      let a0 = null;
      const run = await loadApp(route, await itemsFor(opts.duration), reusable, opts.duration, () => {
        a0 = cpuMs(app.pid);
      });
      const io = await counters();
      run.cpuMs = a0 === null ? null : cpuMs(app.pid) - a0;
      run.io = io;
      // A figure "beyond one PBKDF2" subtracts a PBKDF2 measured right after its own run: the
      // same derivation costs 11 to 14 ms of CPU as the machine's other jobs come and go
      // (caches, frequency), and a login is 70 % PBKDF2.
      if (route.targets?.cpuOverPbkdf2 !== undefined) run.pbkdf2 = await calibratePbkdf2(app);
      rate = run.rps;
      result.runs.push({ round, baseline, app: run });
      log(
        `${route.name} round ${round}: app ${run.rps.toFixed(0)} req/s p99 ${run.p99} ms (${run.errors} errors), baseline ${baseline.rps.toFixed(0)} req/s p99 ${baseline.p99} ms`,
      );
    }
    // The simulators' CPU per operation moves with the machine's load even more than a PBKDF2
    // does (0.27 to 0.87 ms for a D1 read between two runs): a route with a PBKDF2 target has
    // its storage share priced right after its own rounds.
    if (route.targets?.cpuOverPbkdf2 !== undefined) {
      result.units = await unitCosts(app, opts.connections, log);
      result.profiled = await profiledRun(route, await itemsFor(2 * opts.duration), reusable);
    }
    // A static asset is answered by the asset router: the Worker is never invoked, nothing to replay.
    if (result.runs.some((r) => r.app.io.requests > 0)) result.isolated = await isolated(route, ctx, reusable, rate);
  } catch (err) {
    if (!(err instanceof NotAvailable)) throw err;
    log(`${route.name}: not yet available (${err.message})`);
    result.unavailable = err.message;
  }
  return result;
}
