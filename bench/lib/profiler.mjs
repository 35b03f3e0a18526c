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
