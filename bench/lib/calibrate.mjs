/**
 * The reference costs the report needs, measured at the start of a run: the bare runtime's
 * floor, one PBKDF2, and one storage operation of each kind in the local simulators.
 */
import { cpuMs } from './cpu.mjs';
import { measure } from './load.mjs';
import { SHARD_COUNT, startBaseline } from './server.mjs';

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
    if (op === 'queueSend') await sleep(1500); // the consumer's share comes after the batch timeout
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
