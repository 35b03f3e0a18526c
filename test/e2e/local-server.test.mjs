// `npm start` serves on loopback only (SPEC.md). A Worker sees neither its listener nor a
// client address it can trust locally, so the development tools' Host check is only a second
// fence (a client on the network sends `Host: 127.0.0.1:<port>`): the guarantee is the start
// script's. Asked for another address it must refuse before doing anything; started, every
// socket its processes listen on must be a loopback one. Needs no browser and no BASE_URL:
// `node --test test/e2e/local-server.test.mjs` runs it alone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { ROOT, configAddresses, isLoopback, loopbackRefusal } from '../../scripts/local.mjs';

const PORT = Number(process.env.START_TEST_PORT ?? 8823);
/** Its own local state: a developer's `npm start` state is never reset by this test. */
const STATE = join(ROOT, '.wrangler', 'start-test-state');
after(() => rmSync(STATE, { recursive: true, force: true }));

/** Runs scripts/start.mjs in its own process group; `output()` is what it printed so far. */
function start(args = [], env = {}) {
  const child = spawn('node', ['scripts/start.mjs', ...args], {
    cwd: ROOT,
    env: { ...process.env, HOST: '', IP: '', WRANGLER_IP: '', PORT: String(PORT), PERSIST_TO: STATE, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => out };
}

/**
 * Ends what `start` spawned: its process group (start.mjs stops wrangler's own group), then
 * any process of its tree still alive — the very process, by its start time, never a pid
 * reused by someone else.
 */
async function stop(run) {
  const tree = processTree(run.child.pid);
  try {
    process.kill(-run.child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await Promise.race([run.exited, new Promise((r) => setTimeout(r, 10_000))]);
  for (const p of tree) {
    if (startTime(p.pid) !== p.started) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** A process's parent and start time (fields 4 and 22 of /proc/<pid>/stat), or null. */
function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), started: fields[19] };
  } catch {
    return null;
  }
}

const startTime = (pid) => stat(pid)?.started ?? null;

/** `pid` and every process below it: `{ pid, started }`. */
function processTree(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const st = stat(entry);
    if (!st) continue;
    if (!children.has(st.ppid)) children.set(st.ppid, []);
    children.get(st.ppid).push(Number(entry));
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift();
    out.push({ pid: p, started: startTime(p) });
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

/** GET `path` on the server with exactly these headers (fetch would not send our Host). */
function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: PORT, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

/** /proc/net/tcp{,6} addresses: little-endian 32-bit words of hex. */
function decodeAddress(hex) {
  const words = hex.match(/.{8}/g).map((w) => w.match(/../g).reverse().join(''));
  if (words.length === 1)
    return words[0]
      .match(/../g)
      .map((b) => parseInt(b, 16))
      .join('.');
  const groups = words.join('').match(/.{4}/g);
  const v6 = groups.map((g) => parseInt(g, 16).toString(16)).join(':');
  if (groups.slice(0, 5).every((g) => g === '0000') && groups[5] === 'ffff') {
    const v4 = groups
      .slice(6)
      .join('')
      .match(/../g)
      .map((b) => parseInt(b, 16))
      .join('.');
    return `::ffff:${v4}`;
  }
  return v6.replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

/** Every listening TCP socket held by one of `pids`: `{ address, port }`. */
function listeningSockets(pids) {
  const inodes = new Set();
  for (const pid of pids) {
    let fds;
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // closed meanwhile
      }
    }
  }
  const sockets = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [hex, port] = cols[1].split(':');
      if (cols[3] === '0A' && inodes.has(cols[9]))
        sockets.push({ address: decodeAddress(hex), port: parseInt(port, 16) });
    }
  }
  return sockets;
}

/** Whether a TCP connection to address:port is accepted. */
function connects(address, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port, timeout: 3000 });
    socket.on('connect', () => (socket.destroy(), resolve(true)));
    socket.on('timeout', () => (socket.destroy(), resolve(false)));
    socket.on('error', () => resolve(false));
  });
}

test('refuses to start when asked for another address, before building or serving anything', async () => {
  for (const [args, env] of [
    [['--ip', '0.0.0.0'], {}],
    [['--ip=192.0.2.2'], {}],
    [['--ip', '::'], {}],
    [['--inspector-ip', '0.0.0.0'], {}],
    [[], { HOST: '0.0.0.0' }],
    [[], { IP: '10.1.2.3' }],
  ]) {
    const label = `${args.join(' ')} ${JSON.stringify(env)}`;
    const run = start(args, env);
    const outcome = await Promise.race([run.exited, new Promise((r) => setTimeout(() => r(null), 30_000))]);
    if (outcome === null) await stop(run);
    assert.ok(outcome, `${label}: still running after 30 s instead of refusing\n${run.output()}`);
    assert.equal(outcome.code, 1, `${label}: exit status\n${run.output()}`);
    assert.match(run.output(), /Refusing to start: the local server listens on 127\.0\.0\.1 only/, label);
    if (/^DEV_TOOLS=1$/m.test(readFileSync(join(ROOT, '.dev.vars'), 'utf8'))) {
      assert.match(run.output(), /DEV_TOOLS=1 is in \.dev\.vars/, label);
    }
    assert.doesNotMatch(run.output(), /built public\/js|Isoloir is serving/, `${label}: did work before refusing`);
    assert.equal(await connects('127.0.0.1', PORT), false, `${label}: something answers on ${PORT}`);
  }
});

test('refuses an address in wrangler.toml ([dev] ip, inspector_ip), and finds none in the real one', () => {
  for (const toml of [
    '[dev]\nip = "0.0.0.0"\n',
    '[dev]\nport = 8787\ninspector_ip = "::"\n',
    'dev = { ip = "*", port = 8787 }\n',
    "dev.ip = '192.0.2.2'\n",
  ]) {
    assert.match(loopbackRefusal({ toml, vars: { DEV_TOOLS: '1' } }) ?? '', /in wrangler\.toml/, toml);
  }
  for (const toml of [
    '[dev]\nip = "127.0.0.1"\n',
    '[dev]\nip = "localhost"\ninspector_ip = "::1"\n',
    '# ip = "0.0.0.0"\n',
  ]) {
    assert.equal(loopbackRefusal({ toml, vars: { DEV_TOOLS: '1' } }), null, toml);
  }
  assert.deepEqual(
    configAddresses(readFileSync(join(ROOT, 'wrangler.toml'), 'utf8')).filter((a) => !isLoopback(a.value)),
    [],
  );
});

test('started normally, it listens on loopback only', { timeout: 300_000 }, async () => {
  const run = start();
  try {
    const deadline = Date.now() + 240_000;
    while (!run.output().includes('Isoloir is serving') && Date.now() < deadline) {
      const outcome = await Promise.race([run.exited, new Promise((r) => setTimeout(() => r(null), 500))]);
      assert.equal(outcome, null, `npm start exited early\n${run.output()}`);
    }
    assert.match(run.output(), new RegExp(`serving .* at http://127\\.0\\.0\\.1:${PORT}`), run.output());
    assert.equal((await fetch(`http://127.0.0.1:${PORT}/`)).status, 200);

    // Every socket any of its processes (node, wrangler, workerd) listens on is a loopback one.
    const sockets = listeningSockets(processTree(run.child.pid).map((p) => p.pid));
    assert.ok(
      sockets.some((s) => s.address === '127.0.0.1' && s.port === PORT),
      `no listener on 127.0.0.1:${PORT}: ${JSON.stringify(sockets)}`,
    );
    for (const s of sockets) assert.ok(isLoopback(s.address), `listens on ${s.address}:${s.port}`);

    // The machine's other addresses refuse the connection.
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => !a.internal && !a.address.startsWith('fe80:'))
      .map((a) => a.address);
    for (const address of others) {
      assert.equal(await connects(address, PORT), false, `${address}:${PORT} accepts a connection`);
    }
    if (others.length === 0) console.log('# no address but loopback on this machine: only the sockets were checked');

    // The Host check stays, as a second fence.
    assert.equal(await get('/_dev/outbox', { host: 'vote.example' }), 404);
    assert.equal(await get('/_dev/outbox', { host: `127.0.0.1:${PORT}` }), 200);
  } finally {
    await stop(run);
  }
});
