/**
 * `npm run audit -- verify [--env local] [--json] [--head <chain>:<seq>:<hash>]... [--url U]`
 *
 * Checks the audit trail: every event's hash recomputed, every chain's seq continuous and each
 * event linked to the one before it, every head on its chain — the AuditHead object's, and any
 * head given with --head (from a daily e-mail). Names the first broken link. Progress on
 * stderr; with --json one summary on stdout: {"ok":true,"chains":N,"events":N,...} or
 * {"ok":false,"chain":…,"seq":…,"reason":…}. Exit 0 only if the trail is intact, 1 if broken,
 * 2 if it could not be checked.
 *
 * It talks to the portal, never to the database behind its back (SPEC.md): locally to the
 * `npm start` server's development endpoints (/_dev/audit/*, DEV_TOOLS=1, loopback only).
 * Staging and production need the operators' authentication, which is not built yet.
 * The checking itself is src/platform/audit-chain.ts, the very code the Worker writes with
 * (Node strips its types).
 */
import { parseArgs } from 'node:util';
import { ChainVerifier } from '../src/platform/audit-chain.ts';

const USAGE = 'usage: npm run audit -- verify [--env local] [--json] [--head <chain>:<seq>:<hash>]... [--url <url>]';
const PAGE = 500;

class Refused extends Error {}

function parseHead(text) {
  const m = /^([A-Za-z0-9_-]+):(\d+):([0-9a-f]{64})$/.exec(text);
  if (!m) throw new Refused(`--head ${text}: expected <chain>:<seq>:<hash>, as the daily e-mail writes it`);
  return { chain: m[1], seq: Number(m[2]), hash: m[3], at: 0 };
}

async function getJson(base, path) {
  let res;
  try {
    res = await fetch(new URL(path, base), { signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new Refused(`the portal does not answer at ${base} (is \`npm start\` running?): ${err.message}`);
  }
  if (res.status === 404) {
    throw new Refused(`${base}${path} is not there: the portal must run with DEV_TOOLS=1 (npm start sets it)`);
  }
  if (!res.ok) throw new Refused(`${base}${path} answered ${res.status}`);
  return res.json();
}

async function verify(options) {
  if (!['local', 'staging', 'production'].includes(options.env)) {
    throw new Refused(`--env ${options.env}: expected local, staging or production`);
  }
  if (options.env !== 'local') {
    throw new Refused(
      `--env ${options.env}: the operators' authentication (Cloudflare Access) is not built yet; only --env local works`,
    );
  }
  const base = options.url ?? 'http://127.0.0.1:8787';
  if (!/^http:\/\/(127(?:\.\d{1,3}){3}|localhost|\[::1\])(:\d+)?\/?$/.test(base)) {
    throw new Refused(`--url ${base}: the development endpoints answer on a loopback address only`);
  }
  // The heads first: an event written while we read lands past its head, which is fine;
  // heads read after the events could be ahead of what we read.
  const heads = [...(await getJson(base, '/_dev/audit/heads')), ...options.head.map(parseHead)];
  process.stderr.write(`audit: ${heads.length} head(s) to check, reading the trail at ${base}\n`);
  const verifier = new ChainVerifier(heads);
  let after = 0;
  let read = 0;
  for (;;) {
    const page = await getJson(base, `/_dev/audit/events?after=${after}&limit=${PAGE}`);
    for (const row of page) {
      if (await verifier.push(row)) return verifier.finish();
    }
    read += page.length;
    if (page.length > 0) process.stderr.write(`audit: ${read} event(s) checked\n`);
    if (page.length < PAGE) return verifier.finish();
    after = page[page.length - 1].id;
  }
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        env: { type: 'string', default: 'local' },
        json: { type: 'boolean', default: false },
        head: { type: 'string', multiple: true, default: [] },
        url: { type: 'string' },
      },
    });
  } catch (err) {
    throw new Refused(`${err.message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals[0] !== 'verify' || positionals.length > 1) throw new Refused(USAGE);
  const summary = await verify(values);
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (summary.ok) {
    const extra = [
      summary.unchained ? `${summary.unchained} event(s) from before the chains, not checkable` : '',
      summary.unwitnessed ? `${summary.unwitnessed} event(s) past their chain's head, not witnessed yet` : '',
    ].filter(Boolean);
    process.stderr.write(
      `audit: intact — ${summary.events} event(s) in ${summary.chains} chain(s)${extra.length ? `; ${extra.join('; ')}` : ''}\n`,
    );
    return 0;
  }
  process.stderr.write(
    `audit: BROKEN at ${summary.chain === null ? 'an event outside the chains' : `chain ${summary.chain}, seq ${summary.seq}`}: ${summary.reason}\n`,
  );
  return 1;
}

// exitCode, not exit(): a summary written to a pipe must reach it whole.
main().then(
  (code) => (process.exitCode = code),
  (err) => {
    const message = err instanceof Refused ? err.message : (err.stack ?? String(err));
    process.stderr.write(`audit: ${message}\n`);
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
    process.exitCode = 2;
  },
);
