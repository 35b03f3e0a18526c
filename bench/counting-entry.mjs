/**
 * Bench-only entry module, loaded by Miniflare in front of the unchanged production bundle
 * (`./index.js`, the bundle of `npm run deploy:dry`: scripts/bundle.mjs). It wraps the
 * bindings the app receives so the bench can count, per route, what each request costs in
 * storage trips — D1 queries and writes (and whether they may be served by a read replica),
 * Durable Object calls, KV operations and queue sends — without one line of bench code in
 * the production bundle. `GET /__bench/counters` (this module only) returns and resets them.
 *
 * Counting rules for D1 (what production would do with them):
 * - a statement run through `env.DB` itself goes to the primary;
 * - a statement run through a session (`env.DB.withSession(c)`) may be answered by a
 *   replica, except writes and the first statement of a 'first-primary' session;
 * - a batch is one round trip carrying several statements.
 */
import app, * as bundle from './index.js';
import { pbkdf2, unitCost } from './__bench_tools.mjs';

const zero = () => ({
  requests: 0,
  // Requests whose response the app returned: also those whose client had gone at the end of
  // a timed run (autocannon drops the requests in flight; the Worker still runs them through).
  completed: 0,
  d1: { trips: 0, statements: 0, writes: 0, primary: 0, replica: 0, sessions: 0 },
  doCalls: { voter: 0, shard: 0, other: 0, fresh: 0 },
  doMethods: {},
  kv: { get: 0, put: 0, delete: 0, list: 0 },
  queue: { send: 0 },
  consumer: { batches: 0, messages: 0, d1Trips: 0, d1Writes: 0 },
});
let counters = zero();

const WRITE = /^\s*(insert|update|delete|replace|create|drop|alter)\b/i;

/** Counts one round trip carrying `sqls`; `where` is 'primary' or 'session:<constraint>'. */
function countD1(scope, sqls, route) {
  const writes = sqls.filter((s) => WRITE.test(s)).length;
  if (scope === 'consumer') {
    counters.consumer.d1Trips++;
    counters.consumer.d1Writes += writes;
    return;
  }
  const d1 = counters.d1;
  d1.trips++;
  d1.statements += sqls.length;
  d1.writes += writes;
  if (route.primary || writes > 0) d1.primary++;
  else d1.replica++;
}

const realStatement = new WeakMap();
const proxySql = new WeakMap();

function wrapStatement(stmt, sql, scope, route) {
  const proxy = new Proxy(stmt, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      if (prop === 'bind') return (...args) => wrapStatement(value.apply(target, args), sql, scope, route);
      if (prop === 'first' || prop === 'all' || prop === 'run' || prop === 'raw') {
        return (...args) => {
          countD1(scope, [sql], route.next());
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
  realStatement.set(proxy, stmt);
  proxySql.set(proxy, sql);
  return proxy;
}

/**
 * `route.next()` says where the next trip goes: the plain binding always answers from the
 * primary; a session from a replica unless it is 'first-primary' and nothing ran yet.
 */
function wrapD1(db, scope, route = { next: () => ({ primary: true }) }) {
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      if (prop === 'prepare') return (sql) => wrapStatement(value.call(target, sql), sql, scope, route);
      if (prop === 'batch') {
        return (stmts) => {
          countD1(
            scope,
            stmts.map((s) => proxySql.get(s) ?? s.statement ?? ''),
            route.next(),
          );
          return value.call(
            target,
            stmts.map((s) => realStatement.get(s) ?? s),
          );
        };
      }
      if (prop === 'exec') {
        return (sql) => {
          countD1(scope, [sql], route.next());
          return value.call(target, sql);
        };
      }
      if (prop === 'withSession') {
        return (constraint) => {
          if (scope !== 'consumer') counters.d1.sessions++;
          let first = true;
          const primaryFirst = constraint === 'first-primary';
          const sessionRoute = {
            next: () => {
              const primary = primaryFirst && first;
              first = false;
              return { primary };
            },
          };
          return wrapD1(value.call(target, constraint), scope, sessionRoute);
        };
      }
      return value.bind(target);
    },
  });
}

function wrapGuard(ns) {
  const names = new WeakMap();
  return new Proxy(ns, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      if (prop === 'idFromName') {
        return (name) => {
          const id = value.call(target, name);
          names.set(id, String(name));
          return id;
        };
      }
      if (prop === 'get' || prop === 'getByName') {
        return (idOrName, ...rest) => {
          const stub = value.call(target, idOrName, ...rest);
          const name = typeof idOrName === 'string' ? idOrName : (names.get(idOrName) ?? '');
          const kind = name.startsWith('voter:') ? 'voter' : name.startsWith('shard:') ? 'shard' : 'other';
          return wrapStub(stub, kind);
        };
      }
      return value.bind(target);
    },
  });
}

function wrapStub(stub, kind) {
  return new Proxy(stub, {
    get(target, prop) {
      if (prop === 'then') return undefined;
      const value = Reflect.get(target, prop);
      if (typeof prop !== 'string' || prop === 'id' || prop === 'name') return value;
      // Named, so a profile tells the stub call's own work (bench/lib/profiler.mjs).
      return function callObject(...args) {
        counters.doCalls[kind]++;
        counters.doMethods[prop] = (counters.doMethods[prop] ?? 0) + 1;
        return target[prop](...args);
      };
    },
  });
}

function wrapKV(kv) {
  return new Proxy(kv, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      if (prop === 'get' || prop === 'getWithMetadata' || prop === 'put' || prop === 'delete' || prop === 'list') {
        const key = prop === 'getWithMetadata' ? 'get' : prop;
        return (...args) => {
          counters.kv[key]++;
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
}

function wrapQueue(queue) {
  return new Proxy(queue, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      if (prop === 'send' || prop === 'sendBatch') {
        return (...args) => {
          counters.queue.send += prop === 'sendBatch' ? args[0].length : 1;
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
}

// Every PBKDF2 under a frame of this name, so a profile finds them all (run.mjs profiledRun):
// V8 folds a native function's samples, and an inlined wrapper's, into its optimized caller's.
// A Proxy's trap is never inlined into its caller, so its frame stays in every sample.
const subtle = Object.getPrototypeOf(crypto.subtle);
subtle.deriveBits = new Proxy(subtle.deriveBits, {
  apply: function benchDeriveBits(target, self, args) {
    return Reflect.apply(target, self, args);
  },
});

const wrapped = new WeakMap();

function wrapEnv(env, scope) {
  const cacheKey = scope === 'consumer' ? 'consumer' : 'request';
  let byScope = wrapped.get(env);
  if (!byScope) wrapped.set(env, (byScope = {}));
  if (!byScope[cacheKey]) {
    byScope[cacheKey] = {
      ...env,
      // bench:roll: the consumers deliver as production does, through Brevo's API — here a
      // local fake that answers every message at once — not into the development outbox,
      // whose D1 write per message production does not have. Requests keep DEV_TOOLS (the
      // operator API's local password needs it).
      ...(scope === 'consumer' && env.BENCH_BREVO_URL
        ? { DEV_TOOLS: undefined, BREVO_API_KEY: 'bench', BREVO_API_URL: env.BENCH_BREVO_URL }
        : {}),
      DB: wrapD1(env.DB, scope),
      ACCESS_STATE: wrapGuard(env.ACCESS_STATE),
      TOKENS: wrapKV(env.TOKENS),
      AUDIT: wrapQueue(env.AUDIT),
      DELIVERY: wrapQueue(env.DELIVERY),
    };
  }
  return byScope[cacheKey];
}

/**
 * The app's class, counting its starts: each costs the simulator a SQLite open and the
 * constructor's statements. A start is a first call to an object, and also a call to one the
 * runtime had evicted after a few idle seconds — which a set of names seen would miss.
 */
export const AuditHead = bundle.AuditHead;

export class AccessState extends bundle.AccessState {
  constructor(ctx, env) {
    super(ctx, env);
    counters.doCalls.fresh++;
  }
}

/** Bench tools: counters (read, and reset with ?reset), the replay, and the reference costs. */
async function benchTools(url, request, ctx) {
  if (url.pathname === '/__bench/counters') {
    const body = JSON.stringify(counters);
    if (url.searchParams.has('reset')) counters = zero();
    return new Response(body, { headers: { 'content-type': 'application/json' } });
  }
  if (url.pathname === '/__bench/pbkdf2') return pbkdf2(Number(url.searchParams.get('n') ?? 10));
  if (url.pathname === '/__bench/loop') {
    // The app's own CPU for a route without HTTP: replays prepared requests one after the
    // other inside this request, straight into the app's fetch handler.
    const { requests, n } = await request.json();
    for (let i = 0; i < n; i++) {
      const r = requests[i % requests.length];
      const res = await app.fetch(
        new Request(url.origin + r.path, { method: r.method, headers: r.headers, body: r.body }),
        wrapEnv(benchEnv, 'request'),
        ctx,
      );
      await res.arrayBuffer();
      counters.requests++;
      counters.completed++;
    }
    return Response.json({ n });
  }
  if (url.pathname === '/__bench/unit') return unitCost(benchEnv, url.searchParams);
  return new Response('not found', { status: 404 });
}
let benchEnv;

export default {
  async fetch(request, env, ctx) {
    // A substring test, not a URL parse: this runs on every measured request.
    if (request.url.includes('/__bench/')) return ((benchEnv = env), benchTools(new URL(request.url), request, ctx));
    counters.requests++;
    const res = await app.fetch(request, wrapEnv(env, 'request'), ctx);
    counters.completed++;
    return res;
  },
  async queue(batch, env, ctx) {
    counters.consumer.batches++;
    await app.queue(batch, wrapEnv(env, 'consumer'), ctx);
    counters.consumer.messages += batch.messages.length;
  },
};
