/**
 * `npm run bench:roll`: how fast the roll loads, and what it costs D1.
 *
 * Builds the production bundle (as `npm run deploy:dry` ships it), serves it on workerd through
 * Miniflare with a fresh in-memory D1 (bench/lib/server.mjs, bench/counting-entry.mjs, which
 * counts every D1 statement and round trip), creates the election through the operator API,
 * writes a synthetic roll (`npm run roll -- synth N`, 5 % bad rows) and imports it with the
 * real command (`npm run roll -- import`), under /usr/bin/time for its peak memory. Then:
 * - the same command against a null portal in the same run (a Node server that accepts every
 *   chunk at once): the command's own ceiling, the baseline of the ratio;
 * - the same file imported again (every voter unchanged: the idempotent re-run).
 *
 * Then `roll convoke --only-new` on 2 000 of them, the consumers delivering through the Brevo
 * provider to a local fake of its API (bench/counting-entry.mjs), against one core's PBKDF2.
 *
 * Reports rows/s, D1 statements and round trips per voter, the command's peak RSS, the Worker's
 * CPU per 1 000 voters (workerd's own counters), and the projected time for 1.6 million voters
 * on this machine and against D1's single writer (~1 000 statements/s: OPERATIONS.md).
 * Writes bench/results/roll-latest.{json,md}.
 *
 * Options: --rows=N (BENCH_ROLL_ROWS, 20 000), --convoke=N (BENCH_ROLL_CONVOKE, 2 000), --no-build
 * (reuse dist/worker), --profile=DIR (an unminified build, the app's isolate sampled during
 * the convocation: DIR/core_user_.cpuprofile and its busiest functions per voter).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_DIR, buildBundle } from '../scripts/bundle.mjs';
import { ensureDevVars } from '../scripts/local.mjs';
import { cpuMs } from './lib/cpu.mjs';
import { selfTimes, startProfiling } from './lib/profiler.mjs';
import { applyMigrations, startApp } from './lib/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? true];
  }),
);
const ROWS = Number(args.rows ?? process.env.BENCH_ROLL_ROWS ?? 20_000);
/** Voters the bench convokes (PBKDF2 at 100 000 iterations: ~15 ms each on one core). */
const CONVOKE = Number(args.convoke ?? process.env.BENCH_ROLL_CONVOKE ?? 2_000);
const TARGET = 1_600_000;
/** D1's one writer: ~1 000 queries a second at ~1 ms each (OPERATIONS.md). */
const D1_WRITER_STATEMENTS_PER_S = 1000;
const log = (...a) => console.error('[bench:roll]', ...a);

/** Runs a command of the project under /usr/bin/time: its JSON summary, wall time, peak RSS. */
function command(argv, env = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      '/usr/bin/time',
      ['-f', '__PEAK_KB__=%M', process.execPath, '--experimental-strip-types', 'scripts/roll.mjs', ...argv],
      { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (status) => {
      const wallMs = performance.now() - started;
      const peakKb = Number(/__PEAK_KB__=(\d+)/.exec(err)?.[1] ?? NaN);
      const last = out.trim().split('\n').pop();
      if (status !== 0 || !last) {
        reject(new Error(`roll ${argv[0]} exited ${status}:\n${err.slice(-2000)}`));
        return;
      }
      resolve({ summary: JSON.parse(last), wallMs, peakMb: peakKb / 1024 });
    });
  });
}

/**
 * Brevo as the consumers see it (src/platform/delivery/providers/brevo.ts), answering every
 * message at once: the provider's own work is elsewhere, in production as here.
 */
function fakeBrevo() {
  let messages = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      messages++;
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ messageId: `<bench-${messages}@brevo.invalid>` }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${server.address().port}`, count: () => messages }),
    ),
  );
}

/** A portal that takes every chunk at once: what the command itself can do. */
function nullPortal() {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const data = body ? JSON.parse(body) : {};
      const reply = req.url.endsWith('/roll/rows')
        ? { imported: data.rows.length, updated: 0, unchanged: 0, rejected: [] }
        : req.url.endsWith('/roll/seen')
          ? { seen: data.numics.length }
          : req.url.endsWith('/roll/replace')
            ? { deactivated: 0 }
            : { id: 'local', role: 'administrator' };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const vars = ensureDevVars();
const profileDir = typeof args.profile === 'string' ? path.resolve(args.profile) : null;
// Profiled, the build keeps its functions' names (wrangler.toml's `minify` overridden).
const bundleDir = path.join(root, profileDir ? 'dist/profile' : BUNDLE_DIR);
if (profileDir) buildBundle({ outdir: 'dist/profile', args: ['--minify=false'], quiet: true });
else if (!args['no-build']) {
  log('building the production bundle');
  buildBundle({ quiet: true });
}
const inspectorPort = profileDir ? 9300 + Math.floor(Math.random() * 500) : undefined;
const work = mkdtempSync(path.join(os.tmpdir(), 'bench-roll-'));
const file = path.join(work, 'roll.csv');
const brevo = await fakeBrevo();
const app = await startApp({
  bundleDir,
  root,
  vars: {
    OPERATOR_PASSWORD: vars.OPERATOR_PASSWORD,
    BENCH_BREVO_URL: brevo.url,
    DELIVERY_FROM_EMAIL: 'convocation@isoloir.invalid',
    DELIVERY_SMS_SENDER: 'Isoloir',
  },
  inspectorPort,
});
const nul = await nullPortal();
try {
  await applyMigrations(app.mf, root);
  const auth = { authorization: `Bearer ${vars.OPERATOR_PASSWORD}`, 'content-type': 'application/json' };
  const now = Date.now();
  const created = await fetch(`${app.url}/operateur/api/election`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      title: 'Banc d’essai',
      opens: new Date(now + 86_400_000).toISOString(),
      closes: new Date(now + 7 * 86_400_000).toISOString(),
    }),
  });
  if (!created.ok) throw new Error(`election set answered ${created.status}: ${await created.text()}`);

  log(`writing a synthetic roll of ${ROWS} rows`);
  const synth = await command(['synth', String(ROWS), '--out', file, '--seed', '42', '--json']);
  log(`  ${JSON.stringify(synth.summary)}`);

  log('baseline: the command against a null portal');
  const nullUrl = `http://127.0.0.1:${nul.address().port}`;
  const base = await command(['import', file, '--json', '--url', nullUrl]);
  // Memory must not grow with the file: the same command on a file five times larger.
  const big = path.join(work, 'roll-big.csv');
  await command(['synth', String(ROWS * 5), '--out', big, '--seed', '43', '--json']);
  const bigBase = await command(['import', big, '--json', '--url', nullUrl]);
  rmSync(big, { force: true });

  const counters = async () => (await fetch(`${app.url}/__bench/counters?reset`)).json();
  await counters();
  log('import into the portal (fresh roll)');
  const cpu0 = cpuMs(app.pid);
  const first = await command(['import', file, '--json', '--url', app.url]);
  const cpu1 = cpuMs(app.pid);
  const io1 = await counters();
  log(`  ${JSON.stringify(first.summary)}`);
  log('import again (every voter unchanged)');
  const second = await command(['import', file, '--json', '--url', app.url]);
  const cpu2 = cpuMs(app.pid);
  const io2 = await counters();
  log(`  ${JSON.stringify(second.summary)}`);

  // Convocation: the real command (`roll convoke --only-new`) on CONVOKE voters of the roll —
  // the others marked convoked beforehand, so the run's size stays a bench's — against one
  // core's raw PBKDF2 rate measured in the same workerd.
  const db = await app.mf.getD1Database('DB');
  await db
    .prepare('UPDATE voters SET convoked_at = 1 WHERE id NOT IN (SELECT id FROM voters ORDER BY id LIMIT ?)')
    .bind(CONVOKE)
    .run();
  await counters();
  log(`convoking ${CONVOKE} voters (roll convoke --only-new)`);
  // The app's isolate only: isolates share workerd's thread, and each one sampled slows them all.
  const profiling = profileDir ? await startProfiling(inspectorPort) : null;
  const cpu3 = cpuMs(app.pid);
  const startedAt = Date.now();
  const convoked = await command(['convoke', '--only-new', '--rate', '10000', '--json', '--url', app.url]);
  const endedAt = Date.now();
  const cpu4 = cpuMs(app.pid);
  // When the consumers convoked the first and the last voter (each batch's clock): the rest
  // of the command's wall time is its start (Node, the round, the pages) and the queue's drain.
  const span = await db
    .prepare('SELECT MIN(convoked_at) AS first, MAX(convoked_at) AS last FROM voters WHERE convoked_at > 1')
    .first();
  // The consumer's own pace: the voters of every batch but the last, over the time from the
  // first batch's start to the last one's (one batch at a time, each begun after the previous).
  const { before } = await db
    .prepare('SELECT COUNT(*) AS before FROM voters WHERE convoked_at > 1 AND convoked_at < ?')
    .bind(span.last)
    .first();
  // The messages delivered once the last batch had begun, and how fast.
  const drain = await db
    .prepare('SELECT COUNT(*) AS n, MAX(created_at) AS until FROM delivery_outcomes WHERE created_at >= ?')
    .bind(span.last)
    .first();
  if (profiling) reportProfiles(await profiling.stop(), convoked.summary.convoked);
  const io3 = await counters();
  log(`  ${JSON.stringify(convoked.summary)}`);
  // Every convocation is two messages, each handed to the provider once.
  if (brevo.count() !== 2 * convoked.summary.convoked)
    throw new Error(`the provider got ${brevo.count()} messages for ${convoked.summary.convoked} voters`);
  const pbkdf2N = 100;
  const p0 = performance.now();
  await fetch(`${app.url}/__bench/pbkdf2?n=${pbkdf2N}`);
  const pbkdf2PerS = (pbkdf2N / (performance.now() - p0)) * 1000;
  const convokedPerS = (convoked.summary.convoked / convoked.wallMs) * 1000;
  const consumerPerS = span.last > span.first ? (before / (span.last - span.first)) * 1000 : null;

  const voters = first.summary.imported + first.summary.updated + first.summary.unchanged;
  const rate = (run) => (voters / run.wallMs) * 1000;
  const perVoter = (io) => ({
    statements: io.d1.statements / voters,
    roundTrips: io.d1.trips / voters,
    writes: io.d1.writes / voters,
  });
  const cpuPer1000 = (a, b) => (a === null || b === null ? null : ((b - a) / voters) * 1000);
  const d1First = perVoter(io1);
  const result = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`,
    rows: ROWS,
    synth: synth.summary,
    first: {
      summary: first.summary,
      rowsPerS: rate(first),
      peakMb: first.peakMb,
      d1PerVoter: d1First,
      workerCpuMsPer1000: cpuPer1000(cpu0, cpu1),
    },
    again: {
      summary: second.summary,
      rowsPerS: rate(second),
      peakMb: second.peakMb,
      d1PerVoter: perVoter(io2),
      workerCpuMsPer1000: cpuPer1000(cpu1, cpu2),
    },
    convocation: {
      voters: convoked.summary.convoked,
      votersPerS: convokedPerS,
      pbkdf2PerS,
      ratioToOneCore: convokedPerS / pbkdf2PerS,
      consumerPerS,
      consumerRatioToOneCore: consumerPerS === null ? null : consumerPerS / pbkdf2PerS,
      drainedMessages: drain.n,
      drainMessagesPerS: drain.until > span.last ? (drain.n / (drain.until - span.last)) * 1000 : null,
      d1StatementsPerVoter: (io3.consumer.d1Writes + io3.d1.statements) / convoked.summary.convoked,
      d1ConsumerTripsPerVoter: io3.consumer.d1Trips / convoked.summary.convoked,
      workerCpuMsPerVoter: cpu3 === null || cpu4 === null ? null : (cpu4 - cpu3) / convoked.summary.convoked,
      providerMessages: brevo.count(),
      beforeFirstMs: span.first - startedAt,
      afterLastMs: endedAt - span.last,
    },
    baseline: { rowsPerS: (ROWS / base.wallMs) * 1000, peakMb: base.peakMb },
    memory: { rows: ROWS, peakMb: base.peakMb, rows5x: ROWS * 5, peakMb5x: bigBase.peakMb },
    projection: {
      voters: TARGET,
      thisMachineMin: TARGET / rate(first) / 60,
      d1WriterMin: (TARGET * d1First.statements) / D1_WRITER_STATEMENTS_PER_S / 60,
    },
  };
  result.ratioToBaseline = result.first.rowsPerS / result.baseline.rowsPerS;

  const f = (n, d = 1) => (n === null || Number.isNaN(n) ? 'n/a' : n.toFixed(d));
  const md = `# bench:roll — ${result.date}

${ROWS} synthetic rows (${synth.summary.valid} valid, ${synth.summary.bad} bad), ${result.machine}.

| run | rows/s | D1 statements / voter | D1 round trips / voter | Worker CPU ms / 1 000 voters | command peak RSS |
| --- | ---: | ---: | ---: | ---: | ---: |
| null portal (baseline: the command alone) | ${f(result.baseline.rowsPerS, 0)} | – | – | – | ${f(result.baseline.peakMb)} MB |
| import, fresh roll | ${f(result.first.rowsPerS, 0)} | ${f(d1First.statements, 3)} | ${f(d1First.roundTrips, 4)} | ${f(result.first.workerCpuMsPer1000)} | ${f(result.first.peakMb)} MB |
| import again, all unchanged | ${f(result.again.rowsPerS, 0)} | ${f(result.again.d1PerVoter.statements, 3)} | ${f(result.again.d1PerVoter.roundTrips, 4)} | ${f(result.again.workerCpuMsPer1000)} | ${f(result.again.peakMb)} MB |

Fresh import at ${f(result.ratioToBaseline * 100)} % of the command's own ceiling. The command's peak RSS
against the null portal: ${f(result.memory.peakMb)} MB for ${ROWS} rows, ${f(result.memory.peakMb5x)} MB for ${ROWS * 5}.
Summary of the fresh import: \`${JSON.stringify(first.summary)}\`.

Convocation (\`roll convoke --only-new\`; the ${result.convocation.providerMessages} messages delivered through the Brevo
provider, as in production, to a local fake of its API). Locally every queue runs one batch at a
time, all on workerd's one thread:
- the convoke consumer, from its first batch to its last: ${f(result.convocation.consumerPerS)} voters/s against one core's raw
  PBKDF2 at ${f(result.convocation.pbkdf2PerS)}/s in the same workerd: **ratio ${f(result.convocation.consumerRatioToOneCore, 2)}** (goal ≥ 0.9);
- end to end, the command's wall time until the last message was delivered: ${result.convocation.voters} voters at
  ${f(result.convocation.votersPerS)} voters/s, ratio ${f(result.convocation.ratioToOneCore, 2)}. The deliveries mostly waited for the convocations
  (${result.convocation.drainedMessages} of the messages went after the last batch had begun, at ${f(result.convocation.drainMessagesPerS, 0)} messages/s); on
  Cloudflare they run on their own consumers, beside the convocation's.

${f(result.convocation.d1StatementsPerVoter, 2)} D1 statements and ${f(result.convocation.d1ConsumerTripsPerVoter, 3)} consumer round trips per voter (its two messages' delivery included);
Worker CPU ${f(result.convocation.workerCpuMsPerVoter)} ms per voter. Of the command's ${f(convoked.wallMs / 1000)} s, ${f(result.convocation.beforeFirstMs / 1000, 2)} s passed before the
first voter's batch began (the command's start, the round, the pages enqueued) and ${f(result.convocation.afterLastMs / 1000, 2)} s after the
last one's (its batch, the last messages' delivery, the command's last poll). For ${TARGET.toLocaleString('en')} voters at the consumer's pace:
${f(TARGET / result.convocation.consumerPerS / 3600)} h on one consumer, ${f(TARGET / result.convocation.consumerPerS / 60 / 50)} min on 50,
${f(TARGET / result.convocation.consumerPerS / 60 / 250)} min on 250 — bounded below by D1's single writer at
${f((TARGET * result.convocation.d1StatementsPerVoter) / D1_WRITER_STATEMENTS_PER_S / 60)} min.

Projected for ${TARGET.toLocaleString('en')} voters: ${f(result.projection.thisMachineMin)} min at this machine's rate
(local D1, one consumer); ${f(result.projection.d1WriterMin)} min of D1's single writer at
~${D1_WRITER_STATEMENTS_PER_S} statements/s for the ${f(d1First.statements, 3)} statements each voter costs.
`;
  const dir = path.join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'roll-latest.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(path.join(dir, 'roll-latest.md'), md);
  process.stdout.write(md);
} finally {
  nul.close();
  brevo.server.close();
  await app.mf.dispose();
  rmSync(work, { recursive: true, force: true });
}

/** Each isolate's busy time and busiest functions, per voter convoked; the raw profiles in profileDir. */
function reportProfiles(profiles, voters) {
  mkdirSync(profileDir, { recursive: true });
  for (const [id, profile] of Object.entries(profiles)) {
    writeFileSync(path.join(profileDir, `${id.replace(/[^\w-]+/g, '_')}.cpuprofile`), JSON.stringify(profile));
    const { busy, functions } = selfTimes(profile);
    if (busy / voters < 0.01) continue;
    console.log(`\n${id}: busy ${(busy / voters).toFixed(3)} ms per voter`);
    for (const [key, ms] of functions.slice(0, 25)) console.log(`${(ms / voters).toFixed(4).padStart(10)}  ${key}`);
  }
}
