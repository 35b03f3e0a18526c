/**
 * A stand-in for the Worker's roll endpoints (node:http on 127.0.0.1, a free port), following
 * the operator API contract of `roll import`: upsert by NUMIC, the run's seen NUMICs, the
 * replace step with its 10 % guard. It validates rows with the Worker's own schema
 * (src/platform/roll/row.ts) and records every request, so tests see what the command sent.
 */
import { createServer } from 'node:http';
import { ROLL_ROWS_MAX, ROLL_SEEN_MAX, RUN_ID, rollLineRowSchema } from '../../src/platform/roll/row.ts';

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const refuse = (res, status, error, message, messageEn, extra = {}) =>
  json(res, status, { error, message, messageEn, ...extra });

/**
 * @param {object} options
 * @param {string} [options.password] the bearer token to require
 * @param {(call: {path: string, index: number, body: any}) => ('ok'|'503'|'html502'|'destroy'|'400')} [options.fault]
 *   what to do with the index-th request to that path (0-based): answer, or fail
 * @param {Set<string>} [options.refuseNumics] NUMICs the portal rejects itself
 * @param {number} [options.delayMs] wait before answering a rows request
 */
export async function startFakePortal({
  password = 'test-operator',
  fault = () => 'ok',
  refuseNumics = new Set(),
  delayMs = 0,
} = {}) {
  const voters = new Map(); // numic → {row, active}
  const runs = new Map(); // run → Set of numics seen
  const requests = []; // {path, body}
  const counts = new Map(); // path → requests so far
  let inFlight = 0;
  let maxInFlight = 0;
  const seenOf = (run) => runs.get(run) ?? runs.set(run, new Set()).get(run);

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const path = new URL(req.url, 'http://x').pathname;
    if (req.headers.authorization !== `Bearer ${password}`) {
      return refuse(res, 401, 'unauthorized', 'opérateur inconnu', 'unknown operator');
    }
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return refuse(res, 400, 'bad_request', 'JSON illisible', 'unreadable JSON');
    }
    const index = counts.get(path) ?? 0;
    counts.set(path, index + 1);
    const action = fault({ path, index, body });
    if (action === 'destroy') return req.socket.destroy();
    if (action === 'html502') {
      res.writeHead(502, { 'content-type': 'text/html' });
      return res.end('<html>Bad gateway</html>');
    }
    if (action === '503') return refuse(res, 503, 'unavailable', 'portail indisponible', 'portal unavailable');
    if (action === '400') return refuse(res, 400, 'bad_request', 'requête refusée', 'request refused');
    requests.push({ path, body });
    if (!RUN_ID.test(body.run ?? '')) return refuse(res, 400, 'bad_run', 'run invalide', 'invalid run');

    if (path === '/operateur/api/roll/rows') {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        const rows = body.rows;
        if (
          !Array.isArray(rows) ||
          rows.length < 1 ||
          rows.length > ROLL_ROWS_MAX ||
          typeof body.replace !== 'boolean'
        ) {
          return refuse(res, 400, 'bad_rows', 'lignes invalides', 'invalid rows');
        }
        const answer = { imported: 0, updated: 0, unchanged: 0, rejected: [] };
        for (const raw of rows) {
          const parsed = rollLineRowSchema.safeParse(raw);
          if (!parsed.success)
            return refuse(res, 400, 'bad_row', `ligne ${raw?.line} invalide`, `invalid row ${raw?.line}`);
          const { line, ...row } = parsed.data;
          if (refuseNumics.has(row.numic)) {
            answer.rejected.push({ line, reason: 'refusé par le portail / refused by the portal' });
            continue;
          }
          seenOf(body.run).add(row.numic);
          const known = voters.get(row.numic);
          if (!known) answer.imported++;
          else if (JSON.stringify(known.row) === JSON.stringify(row) && known.active) answer.unchanged++;
          else answer.updated++;
          voters.set(row.numic, { row, active: true });
        }
        return json(res, 200, answer);
      } finally {
        inFlight--;
      }
    }
    if (path === '/operateur/api/roll/seen') {
      const numics = body.numics;
      if (!Array.isArray(numics) || numics.length < 1 || numics.length > ROLL_SEEN_MAX) {
        return refuse(res, 400, 'bad_seen', 'NUMIC invalides', 'invalid NUMICs');
      }
      for (const n of numics) seenOf(body.run).add(n);
      return json(res, 200, { seen: numics.length });
    }
    if (path === '/operateur/api/roll/replace') {
      const seen = seenOf(body.run);
      const active = [...voters.values()].filter((v) => v.active);
      const absent = active.filter((v) => !seen.has(v.row.numic));
      if (absent.length > active.length * 0.1 && body.allowMassDeactivation !== true) {
        return refuse(
          res,
          409,
          'mass_deactivation',
          `${absent.length} électeurs sur ${active.length} seraient désactivés (plus de 10 %) : ajoutez --allow-mass-deactivation si c'est voulu`,
          `${absent.length} of ${active.length} voters would be deactivated (over 10%): add --allow-mass-deactivation if that is meant`,
          { wouldDeactivate: absent.length, active: active.length },
        );
      }
      for (const v of absent) v.active = false;
      return json(res, 200, { deactivated: absent.length });
    }
    return refuse(res, 404, 'not_found', 'introuvable', 'not found');
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    endpoint: { base, headers: { authorization: `Bearer ${password}` } },
    voters,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    rowsRequests: () => requests.filter((r) => r.path === '/operateur/api/roll/rows'),
    /** Preload voters (all active). */
    seed(rows) {
      for (const row of rows) voters.set(row.numic, { row, active: true });
    },
    close: () => new Promise((done) => server.close(done)),
  };
}
