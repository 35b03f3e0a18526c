/**
 * The reference costs the report needs, measured at the start of a run: the bare runtime's
 * floor, one PBKDF2, and one storage operation of each kind in the local simulators.
 */
import { cpuMs } from './cpu.mjs';
import { measure } from './load.mjs';
import { SHARD_COUNT, applyMigrations, startApp, startBaseline } from './server.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A constant Response without the asset router in front: the runtime's floor. */
export async function bareBaseline({ connections, warmup, duration, log }) {
  const bare = await startBaseline();
  try {
    const route = { expect: 200, request: () => ({ method: 'GET', path: '/' }) };
    await measure({ url: bare.url, route, connections, duration: warmup });
    const before = cpuMs(bare.pid);
    const run = await measure({
      url: bare.url,
      route,
      connections,
      duration: Math.min(3, duration),
    });
    const cpu = before === null ? null : (cpuMs(bare.pid) - before) / run.requests;
    log(
      `bare baseline (no asset router): ${run.rps.toFixed(0)} req/s, p99 ${run.p99} ms, ${cpu?.toFixed(3)} ms CPU/req`,
    );
    return { rps: run.rps, p50: run.p50, p99: run.p99, cpuMs: cpu };
  } finally {
    await bare.mf.dispose();
  }
}

/**
 * CPU cost of one PBKDF2 (100 000 iterations) in this workerd, the floor of a login. `n`
 * derivations: ~11 ms each, against counters that tick every 10 ms.
 */
export async function calibratePbkdf2(app, log, n = 50) {
  await fetch(`${app.url}/__bench/pbkdf2?n=2`);
  const before = cpuMs(app.pid);
  const started = performance.now();
  await fetch(`${app.url}/__bench/pbkdf2?n=${n}`);
  const wall = (performance.now() - started) / n;
  const cpu = before === null ? null : (cpuMs(app.pid) - before) / n;
  log?.(`one PBKDF2: ${cpu?.toFixed(1)} ms CPU, ${wall.toFixed(1)} ms wall`);
  return { cpuMs: cpu, wallMs: wall, n };
}

/**
 * Starts every shard object of the app (its SHARD_COUNT), or touches them when they run. At
 * the peak the 4096 shards are busy, hence running, and on Cloudflare they run on other
 * machines: an object's start is never the Worker's CPU. Locally it runs in the app's own
 * process, on the caller's stack, and its estimated price (the unit cost doFresh) fell short
 * of it by ~0.6 ms a start — most of a login's figure beyond PBKDF2 when each login started
 * two (docs/performance.md). Cold: ~6 s of CPU once; warm: ~0.4 s.
 */
export async function warmShards(app) {
  // The unit cost's object read goes to shard i % shards: one read on each, 64 at a time.
  const res = await fetch(`${app.url}/__bench/unit?op=doRead&n=${SHARD_COUNT}&c=64&shards=${SHARD_COUNT}`);
  if (!res.ok) throw new Error(`warm shards: ${res.status} ${await res.text()}`);
}

/**
 * CPU of one storage operation in the local simulators (the app's workerd process), so the
 * report can tell the Worker's own CPU from theirs: `c` at a time, inside one request.
 */
export async function unitCosts(app, c, log) {
  const units = {};
  for (const op of ['d1Read', 'd1Write', 'kvGet', 'kvPut', 'queueSend', 'doRead', 'doWrite', 'doFresh']) {
    const n = 300;
    const query = `op=${op}&c=${c}&shards=${SHARD_COUNT}`;
    await fetch(`${app.url}/__bench/unit?${query}&n=20`);
    const before = cpuMs(app.pid);
    const res = await fetch(`${app.url}/__bench/unit?${query}&n=${n}`);
    if (!res.ok) throw new Error(`unit cost ${op}: ${res.status} ${await res.text()}`);
    units[op] = before === null ? null : (cpuMs(app.pid) - before) / n;
  }
  if (Object.values(units).some((u) => u === null)) return null;
  log(
    `simulator CPU per operation, ${c} at a time (ms): ${Object.entries(units)
      .map(([k, v]) => `${k} ${v.toFixed(3)}`)
      .join(', ')}`,
  );
  return units;
}

/**
 * The audit consumer's CPU per event, in an app of its own with the consumers on (the bench's
 * app leaves its messages queued: a consumer's batch is its own invocation on Cloudflare, not
 * the CPU of the requests that sent them). `n` login events sent 10 at a time, then consumed in
 * batches of up to 100; less one queue send each, measured the same way.
 */
export async function auditConsumerCost({ bundleDir, root, log, n = 600 }) {
  const app = await startApp({ bundleDir, root });
  try {
    await applyMigrations(app.mf, root);
    const counters = async () => (await (await fetch(`${app.url}/__bench/counters`)).json()).consumer;
    const drained = async (messages) => {
      for (let waited = 0; (await counters()).messages < messages; waited += 100) {
        if (waited > 60_000) throw new Error(`audit consumer: ${(await counters()).messages} of ${messages} consumed`);
        await sleep(100);
      }
    };
    const timed = async (op, count) => {
      const before = cpuMs(app.pid);
      const res = await fetch(`${app.url}/__bench/unit?op=${op}&n=${count}&c=10`);
      if (!res.ok) throw new Error(`unit cost ${op}: ${res.status} ${await res.text()}`);
      return before;
    };
    await timed('auditEvent', 100);
    await drained(100);
    let before = await timed('auditEvent', n);
    await drained(100 + n);
    const perEvent = before === null ? null : (cpuMs(app.pid) - before) / n;
    before = await timed('queueSend', n);
    await drained(100 + 2 * n);
    const perSend = before === null ? null : (cpuMs(app.pid) - before) / n;
    if (perEvent === null || perSend === null) return null;
    const consumerMs = Math.max(0, perEvent - perSend);
    log(
      `audit consumer: ${consumerMs.toFixed(3)} ms CPU per event (sent and consumed ${perEvent.toFixed(3)}, a send ${perSend.toFixed(3)})`,
    );
    return { perEventMs: perEvent, perSendMs: perSend, consumerMs };
  } finally {
    await app.mf.dispose();
  }
}
