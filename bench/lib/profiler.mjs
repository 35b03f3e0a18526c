/**
 * V8's sampling profiler on isolates of a running workerd, through its inspector: the app's
 * isolate ('core:user:<name>') by default, or every isolate Miniflare runs (the D1, KV and
 * queue simulators live in their own). Used by `npm run bench:profile` and by
 * `npm run bench:roll -- --profile=DIR`.
 */
import WebSocket from 'ws';

/**
 * Starts recording on the isolates `which` picks by inspector id (the app's, 'core:user:', by
 * default; `() => true` for all); `stop()` gives their profiles by id.
 */
export async function startProfiling(inspectorPort, { which = (id) => id === 'core:user:', intervalUs = 100 } = {}) {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()).filter((t) => which(t.id));
  const sessions = await Promise.all(targets.map((t) => connect(t)));
  for (const s of sessions) {
    await s.send('Profiler.enable');
    await s.send('Profiler.setSamplingInterval', { interval: intervalUs });
    await s.send('Profiler.start');
  }
  return {
    targets: targets.map((t) => t.id),
    async stop() {
      const profiles = {};
      for (const s of sessions) {
        profiles[s.id] = (await s.send('Profiler.stop')).profile;
        s.close();
      }
      return profiles;
    },
  };
}

async function connect(target) {
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  let id = 0;
  const pending = new Map();
  ws.on('message', (data) => {
    const msg = JSON.parse(data);
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)(msg.result);
      pending.delete(msg.id);
    }
  });
  return {
    id: target.id,
    send: (method, params = {}) =>
      new Promise((r) => (pending.set(++id, r), ws.send(JSON.stringify({ id, method, params })))),
    close: () => ws.close(),
  };
}

/** Self time per function (ms), busiest first, and the isolate's busy and idle totals. */
export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((nodeId, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const f = byId.get(nodeId).callFrame;
    if (f.functionName === '(idle)') {
      idle += dt;
      return;
    }
    busy += dt;
    const file = (f.url || '').split('/').pop();
    const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return { busy, idle, functions: [...self.entries()].sort((a, b) => b[1] - a[1]) };
}

/**
 * A login's Worker CPU from a profile of the app's isolate, in samples (sample times on a busy
 * machine also hold the other isolates' work that the thread did between two samples; the
 * sampler's rate does not depend on what runs). Each sample is one of:
 * - `pbkdf2`: the password's derivation (under `deriveBits`, which counting-entry.mjs wraps in
 *   a named function: V8 may fold a native function's samples into its optimized caller's),
 *   one per login;
 * - `objects`: the Durable Objects' own work — its JavaScript stack starts in one of their
 *   entry points (`objectEntries`: an RPC method, `alarm`, the constructor). Locally they run in
 *   the app's isolate; on Cloudflare elsewhere, never on the Worker's CPU;
 * - `idle`;
 * - `worker`: everything else — the app's JavaScript, the stub calls' own work (which locally
 *   also holds the simulator's dispatch to the object: an upper bound), the runtime
 *   (`(program)`) and the garbage collector.
 * With one PBKDF2 per request, the Worker's CPU beyond it is `pbkdf2Ms × worker ÷ pbkdf2`.
 */
export function splitSamples(profile, objectEntries) {
  const entries = new Set(objectEntries);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The outermost JavaScript frame under (root), per node.
  const rootOf = new Map();
  const outermost = (id) => {
    if (rootOf.has(id)) return rootOf.get(id);
    const up = parent.get(id);
    const name = byId.get(id).callFrame.functionName;
    const r = up === undefined || byId.get(up).callFrame.functionName === '(root)' ? name : outermost(up);
    rootOf.set(id, r);
    return r;
  };
  // Under the bench's named wrapper of deriveBits (counting-entry.mjs), per node.
  const derivation = new Map();
  const inDerivation = (id) => {
    if (derivation.has(id)) return derivation.get(id);
    const up = parent.get(id);
    const name = byId.get(id).callFrame.functionName;
    const d = name === 'benchDeriveBits' || name === 'deriveBits' || (up !== undefined && inDerivation(up));
    derivation.set(id, d);
    return d;
  };
  const split = { pbkdf2: 0, objects: 0, idle: 0, worker: 0 };
  for (const id of profile.samples) {
    const leaf = byId.get(id).callFrame.functionName;
    if (leaf === '(idle)') split.idle++;
    else if (inDerivation(id)) split.pbkdf2++;
    else if (entries.has(outermost(id))) split.objects++;
    else split.worker++;
  }
  return split;
}
