/**
 * Bindings that fail on demand, one wrapper per binding kind (D1, KV, a Durable Object
 * namespace, a Queue producer, the outgoing fetch of the delivery provider), all driven by the
 * same switch:
 * - `throws`: the call rejects at once, as a binding does when its backend is down;
 * - `hangs`: the call never answers until the test `release()`s it, which rejects it with the
 *   platform's own timeout error (D1's query limit, a Durable Object's overload) — the test's
 *   abort, never a real long sleep;
 * - `slow`: the call answers, but only after the injected clock has moved on by `delayMs`
 *   (a long wait, as the request's code sees time);
 * - `stale` (KV only): a read answers the value the key held before its last write, as an
 *   eventually consistent read from another location would.
 *
 * `only` narrows a fault to some operations (a D1 write, one Durable Object method, one KV
 * key prefix). Each wrapper forwards to the real binding when the switch is off, so a flow
 * prepares with healthy bindings and fails at the step under test.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { expect, vi } from 'vitest';
import worker from '../../src/index';
import { harness, type Harness } from '../helpers';

export type FaultMode = 'none' | 'throws' | 'hangs' | 'slow' | 'stale';

/** What a call is: its binding's operation name and, for D1, whether it writes. */
export interface Operation {
  name: string;
  /** D1: the statement's SQL; KV: the key; a Durable Object: the method; a queue: 'send'. */
  detail: string;
  write: boolean;
}

export interface FaultSwitch {
  readonly mode: FaultMode;
  /** Turns a fault on (for the operations `only` picks, every one by default) or off ('none'). */
  set(mode: FaultMode, only?: (op: Operation) => boolean): void;
  /** How many calls the fault has hit since it was set. */
  readonly hits: number;
  /** Resolves once a call is hanging (`hangs`): the request has reached the binding. */
  hanging(): Promise<void>;
  /** Rejects every hanging call with the platform's timeout error. */
  release(): void;
}

export interface SwitchOptions {
  /** Moves the injected clock (the harness's `now`) on by `ms`: what `slow` waits. */
  advance?: (ms: number) => void;
  /** How long a `slow` call takes, on the injected clock. */
  delayMs?: number;
  /** The error a failing call rejects with. */
  error?: () => Error;
}

export function faultSwitch(label: string, options: SwitchOptions = {}) {
  let mode: FaultMode = 'none';
  let only: (op: Operation) => boolean = () => true;
  let hits = 0;
  let hung: (() => void)[] = [];
  const onHang: (() => void)[] = [];
  const error = options.error ?? (() => new Error(`${label}: unavailable (injected fault)`));

  const sw = {
    get mode() {
      return mode;
    },
    get hits() {
      return hits;
    },
    set(next: FaultMode, pick?: (op: Operation) => boolean) {
      mode = next;
      only = pick ?? (() => true);
      hits = 0;
    },
    hanging: () => new Promise<void>((resolve) => (hung.length > 0 ? resolve() : onHang.push(resolve))),
    release() {
      const waiting = hung;
      hung = [];
      for (const reject of waiting) reject();
    },
    /** Whether `op` is hit, and how (`stale` is the KV wrapper's to honour). */
    applies(op: Operation): FaultMode {
      if (mode === 'none' || !only(op)) return 'none';
      hits++;
      return mode;
    },
    /**
     * Runs `go` (the real call) under the fault for `op`: rejects, hangs, or waits first.
     * `stale` and `none` run it as it is.
     */
    async run<T>(op: Operation, go: () => Promise<T>): Promise<T> {
      const applied = sw.applies(op);
      if (applied === 'throws') throw error();
      if (applied === 'hangs') {
        await new Promise<never>((_resolve, reject) => {
          hung.push(() => reject(new Error(`${label}: timed out (injected fault)`)));
          for (const resolve of onHang.splice(0)) resolve();
        });
      }
      if (applied === 'slow') options.advance?.(options.delayMs ?? 120_000);
      return go();
    },
  };
  return sw;
}

type Switch = ReturnType<typeof faultSwitch>;

const isWrite = (sql: string) => /^\s*(insert|update|delete|replace)\b/i.test(sql);

/** D1: every statement's execution and every batch go through the switch (a batch is one op). */
export function faultyD1(real: D1Database, sw: Switch): D1Database {
  const bound = new WeakMap<object, { sql: string; real: D1PreparedStatement }>();
  const op = (sql: string): Operation => ({ name: 'd1', detail: sql, write: isWrite(sql) });

  function statement(stmt: D1PreparedStatement, sql: string): D1PreparedStatement {
    const s = {
      bind: (...v: unknown[]) => statement(stmt.bind(...v), sql),
      first: (col?: string) => sw.run(op(sql), () => (col === undefined ? stmt.first() : stmt.first(col))),
      run: () => sw.run(op(sql), () => stmt.run()),
      all: () => sw.run(op(sql), () => stmt.all()),
      raw: (options?: { columnNames?: boolean }) =>
        sw.run(op(sql), () => (options?.columnNames ? stmt.raw({ columnNames: true }) : stmt.raw())),
    } as unknown as D1PreparedStatement;
    bound.set(s, { sql, real: stmt });
    return s;
  }

  function surface(target: D1Database | D1DatabaseSession) {
    return {
      prepare: (sql: string) => statement(target.prepare(sql), sql),
      batch(statements: D1PreparedStatement[]) {
        const parts = statements.map((s) => bound.get(s)!);
        const sql = parts.map((p) => p.sql).join('; ');
        return sw.run({ name: 'd1', detail: sql, write: parts.some((p) => isWrite(p.sql)) }, () =>
          target.batch(parts.map((p) => p.real)),
        );
      },
    };
  }

  return {
    ...surface(real),
    exec: (sql: string) => sw.run(op(sql), () => real.exec(sql)),
    withSession(constraint?: string) {
      const session = real.withSession(constraint);
      return { ...surface(session), getBookmark: () => session.getBookmark() };
    },
    dump: () => real.dump(),
  } as unknown as D1Database;
}

/**
 * KV: get / getWithMetadata / put / delete / list through the switch. `stale` answers a read
 * with the value before the key's last write made through this wrapper (null if none).
 */
export function faultyKV(real: KVNamespace, sw: Switch): KVNamespace {
  const before = new Map<string, string | null>();
  const op = (name: string, key: string): Operation => ({
    name,
    detail: key,
    write: name === 'put' || name === 'delete',
  });
  const remember = async (key: string) => before.set(key, await real.get(key));
  const decode = (value: string | null, type: unknown) => {
    if (value === null) return null;
    const t = typeof type === 'string' ? type : (type as { type?: string } | undefined)?.type;
    return t === 'json' ? (JSON.parse(value) as unknown) : value;
  };
  const kv = {
    get(key: string, type?: unknown) {
      const o = op('get', key);
      if (sw.mode === 'stale' && sw.applies(o) === 'stale')
        return Promise.resolve(decode(before.get(key) ?? null, type));
      return sw.run(o, () => real.get(key, type as 'text'));
    },
    getWithMetadata(key: string, type?: unknown) {
      const o = op('getWithMetadata', key);
      if (sw.mode === 'stale' && sw.applies(o) === 'stale')
        return Promise.resolve({ value: decode(before.get(key) ?? null, type), metadata: null, cacheStatus: null });
      return sw.run(o, () => real.getWithMetadata(key, type as 'text'));
    },
    put: (key: string, value: string, options?: KVNamespacePutOptions) =>
      sw.run(op('put', key), async () => {
        await remember(key);
        return real.put(key, value, options);
      }),
    delete: (key: string) =>
      sw.run(op('delete', key), async () => {
        await remember(key);
        return real.delete(key);
      }),
    list: (options?: KVNamespaceListOptions) => sw.run(op('list', options?.prefix ?? ''), () => real.list(options)),
  };
  return kv as unknown as KVNamespace;
}

/**
 * A Durable Object namespace whose stubs' RPC methods go through the switch (`detail` is the
 * method's name). Ids are the real ones: the objects' storage is the real storage.
 */
export function faultyNamespace<T extends DurableObjectNamespace>(real: T, sw: Switch): T {
  const wrapped = {
    idFromName: (n: string) => real.idFromName(n),
    idFromString: (s: string) => real.idFromString(s),
    newUniqueId: (o?: DurableObjectNamespaceNewUniqueIdOptions) => real.newUniqueId(o),
    get: (id: DurableObjectId, options?: DurableObjectNamespaceGetDurableObjectOptions) => {
      const stub = real.get(id, options);
      return new Proxy(stub, {
        get(t, p) {
          if (typeof p !== 'string' || p === 'then') return undefined;
          if (p === 'id' || p === 'name') return (t as unknown as Record<string, unknown>)[p];
          // Called as a method: an RPC stub's methods have no usable bind or apply.
          return (...args: unknown[]) =>
            sw.run({ name: 'do', detail: p, write: true }, async () =>
              (t as unknown as Record<string, (...a: unknown[]) => unknown>)[p]!(...args),
            );
        },
      });
    },
    getByName: (name: string) => wrapped.get(real.idFromName(name)),
  };
  return wrapped as unknown as T;
}

/** A Queue producer: send and sendBatch through the switch; what went through is recorded. */
export function faultyQueue(sw: Switch, label: string) {
  const sent: unknown[] = [];
  const queue = {
    send: (body: unknown) =>
      sw.run({ name: 'queue', detail: label, write: true }, async () => void sent.push(structuredClone(body))),
    sendBatch: (messages: { body: unknown }[]) =>
      sw.run({ name: 'queue', detail: label, write: true }, async () => {
        for (const m of messages) sent.push(structuredClone(m.body));
      }),
  } as unknown as Queue;
  return { queue, sent };
}

/**
 * The outgoing fetch to `origin` (the delivery provider, the alert webhook) through the switch.
 * `hangs` never answers until the request's own deadline fires: the call must carry an
 * AbortSignal (a fetch without one would hang the consumer for ever), and the test aborts it at
 * once as that deadline would, instead of waiting for it. Other origins go to the real fetch.
 */
export function faultyFetch(origin: string, sw: Switch, answer: (req: Request) => Response | Promise<Response>) {
  const realFetch = globalThis.fetch;
  const unsignalled: string[] = [];
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    if (new URL(req.url).origin !== origin) return realFetch(input, init);
    const o: Operation = { name: 'fetch', detail: new URL(req.url).pathname, write: true };
    if (sw.mode === 'hangs' && sw.applies(o) === 'hangs') {
      if (!init?.signal) {
        unsignalled.push(o.detail);
        throw new Error('a fetch with no deadline would hang for ever');
      }
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    }
    return sw.run(o, async () => answer(req));
  });
  return { unsignalled, restore: () => spy.mockRestore() };
}

/** The queues' names as the runtime hands their batches to the Worker. */
const QUEUE_NAMES = { DELIVERY: 'isoloir-delivery', AUDIT: 'isoloir-audit', CONVOKE: 'isoloir-convoke' } as const;
export type QueueBinding = keyof typeof QUEUE_NAMES;

/**
 * The whole app over faulty bindings: one switch per binding, the harness on the injected
 * clock (a `slow` call moves it on), and the queues recording what they took, which `flush()`
 * hands to the Worker's own consumers as the platform would.
 */
export function faultyWorld(start: number, base: Cloudflare.Env = env) {
  const world = {} as { h: Harness };
  const advance = (ms: number) => void (world.h.now += ms);
  const sw = (label: string) => faultSwitch(label, { advance });
  const faults = {
    d1: sw('D1'),
    kv: sw('KV TOKENS'),
    access: sw('ACCESS_STATE'),
    head: sw('AUDIT_HEAD'),
    box: sw('BALLOT_BOX'),
    delivery: sw('DELIVERY queue'),
    audit: sw('AUDIT queue'),
    convoke: sw('CONVOKE queue'),
  };
  const queues = {
    DELIVERY: faultyQueue(faults.delivery, 'DELIVERY'),
    AUDIT: faultyQueue(faults.audit, 'AUDIT'),
    CONVOKE: faultyQueue(faults.convoke, 'CONVOKE'),
  };
  const bindings = {
    ...base,
    DB: faultyD1(base.DB, faults.d1),
    TOKENS: faultyKV(base.TOKENS, faults.kv),
    ACCESS_STATE: faultyNamespace(base.ACCESS_STATE, faults.access),
    AUDIT_HEAD: faultyNamespace(base.AUDIT_HEAD, faults.head),
    BALLOT_BOX: faultyNamespace(base.BALLOT_BOX, faults.box),
    DELIVERY: queues.DELIVERY.queue,
    AUDIT: queues.AUDIT.queue,
    CONVOKE: queues.CONVOKE.queue,
  } as Cloudflare.Env;
  world.h = harness(start, bindings);
  const flushed: Record<QueueBinding, number> = { DELIVERY: 0, AUDIT: 0, CONVOKE: 0 };
  return {
    h: world.h,
    bindings,
    faults,
    queues,
    /** Every switch off. */
    heal() {
      for (const f of Object.values(faults)) f.set('none');
    },
    /**
     * Hands what the queues took since the last flush to the Worker's consumers (over
     * `consumerEnv`, the real bindings by default); answers what each batch acked and retried.
     */
    async flush(consumerEnv: Cloudflare.Env = base, only: QueueBinding[] = ['CONVOKE', 'DELIVERY', 'AUDIT']) {
      const results: Partial<Record<QueueBinding, Awaited<ReturnType<typeof getQueueResult>>>> = {};
      for (const name of only) {
        const pending = queues[name].sent.slice(flushed[name]);
        flushed[name] = queues[name].sent.length;
        if (pending.length === 0) continue;
        results[name] = await consume(QUEUE_NAMES[name], pending, consumerEnv);
      }
      return results;
    },
  };
}

export type FaultyWorld = ReturnType<typeof faultyWorld>;

/** Hands `bodies` to the Worker's queue handler as one batch of `queue`, attempt `attempts`. */
export async function consume(queue: string, bodies: unknown[], bindings: Cloudflare.Env = env, attempts = 1) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m-${queue}-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await (worker.queue as (b: MessageBatch, e: Cloudflare.Env, c: ExecutionContext) => Promise<void>)(
    batch,
    bindings,
    ctx,
  );
  return getQueueResult(batch, ctx);
}

/** What a voter or an operator must get when a binding fails: a clear 503 they may retry. */
export function expectUnavailable(res: Response) {
  expect(res.status).toBe(503);
  const retryAfter = res.headers.get('retry-after');
  expect(retryAfter, 'a 503 without Retry-After').toMatch(/^[1-9]\d*$/);
  expect(res.headers.get('cache-control')).toBe('no-store');
}

/**
 * Runs `request` while `sw` hangs (set by the caller): waits until the request has reached the
 * binding, then lets the platform's deadline fire (release), and answers the response.
 */
export async function hangThen(sw: FaultSwitch, request: () => Promise<Response>): Promise<Response> {
  const pending = request();
  const reached = await Promise.race([sw.hanging().then(() => true), pending.then(() => false)]);
  if (reached) sw.release();
  return pending;
}
