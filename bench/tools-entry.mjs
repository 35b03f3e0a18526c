/**
 * Bench-only module beside counting-entry.mjs: the reference costs the report needs to tell
 * the Worker's own CPU from the rest — one PBKDF2 as the app runs it, and one storage
 * operation of each kind as the local simulators serve it.
 */

/** `n` PBKDF2-SHA256 of 100 000 iterations, as the app checks a password. */
export async function pbkdf2(n) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('Vote-2022-Bench'), 'PBKDF2', false, [
    'deriveBits',
  ]);
  for (let i = 0; i < n; i++) {
    await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(16), iterations: 100_000 },
      key,
      256,
    );
  }
  return Response.json({ n });
}

// Each object purges its expired rows from an alarm, and an alarm restarts an evicted object:
// with a 60 s expiry, the ~640 objects of the unit costs woke up in the middle of the routes'
// measured runs (2.6 ms of CPU per login in one round). A day outlives any bench run.
const UNIT_TTL_MS = 24 * 3600_000;

const guard = (env, name) => env.ACCESS_STATE.get(env.ACCESS_STATE.idFromName(name));

/** One storage operation each, shaped like the app's own (same tables, same methods). */
const UNIT_OPS = {
  d1Read: (env, k) =>
    env.DB.withSession('first-unconstrained').prepare('SELECT * FROM voters WHERE identifier_hmac = ?').bind(k).first(),
  // A delivery outcome, as the DELIVERY consumer writes it (an audit event must be a chain's
  // next link, which a bare insert is not).
  d1Write: (env, k, now) =>
    env.DB.prepare(
      "INSERT INTO delivery_outcomes (message_id, channel, purpose, status, attempts, provider, created_at) VALUES (?, 'email', 'bench', 'sent', 1, 'bench', ?)",
    )
      .bind(k, now)
      .run(),
  kvGet: (env, k) => env.TOKENS.get(`bench:${k}`),
  kvPut: (env, k) => env.TOKENS.put(`bench:${k}`, '{"voterId":1,"generation":0}', { expirationTtl: 120 }),
  // A message of no kind the consumer knows: acknowledged without work.
  queueSend: (env) => env.AUDIT.send({ kind: 'bench' }),
  // A login's audit event as platform/audit.ts sends it, for the consumer's cost per event.
  auditEvent: (env, k, now) =>
    env.AUDIT.send({ kind: 'audit', record: { event: 'login', numicHmac: null, at: now, outcome: 'failure' } }),
  // A read that writes nothing (a login check now reserves its attempt: a write), and a
  // write, each to one of the running shards in turn, as the app's calls spread over them
  // (the bench starts them all first: calibrate.mjs warmShards).
  doRead: (env, k, now, i, shards) => guard(env, `shard:${i % shards}`).isNonceUsed(k, now),
  doWrite: (env, k, now, i, shards) => guard(env, `shard:${i % shards}`).consumeNonce(k, now + UNIT_TTL_MS, now),
  doFresh: (env, k, now) => guard(env, `shard:bench-${k}`).consumeNonce(k, now + UNIT_TTL_MS, now),
};

/**
 * `n` operations `op`, `c` at a time (under load the runtime amortizes its wake-ups over
 * several): the bench reads the process's CPU around this request.
 */
export async function unitCost(env, params) {
  const n = Number(params.get('n') ?? 100);
  const c = Number(params.get('c') ?? 1);
  const shards = Number(params.get('shards') ?? 1);
  const op = UNIT_OPS[params.get('op')];
  if (!op) return new Response('unknown op', { status: 400 });
  const run = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  for (let i = 0; i < n; i += c) {
    await Promise.all(
      Array.from({ length: Math.min(c, n - i) }, (_, j) => op(env, `${run}-${i + j}`, Date.now(), i + j, shards)),
    );
  }
  return Response.json({ n });
}
