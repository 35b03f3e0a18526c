/**
 * Counting the work of a request at the capabilities' interfaces (src/platform/services.ts):
 * every D1 read and write of the voter and assistance stores, every guard call (one Durable
 * Object round trip each), every KV operation of links and sessions, every queue send of
 * delivery and audit, every hash (PBKDF2, HMAC pseudonyms, shard choice), in the order the
 * request made them. "The same work whether or not a voter matched" is then a comparison of
 * two lists, call by call.
 */
import { expect } from 'vitest';
import type { Guard } from '../src/platform/guard/guards';
import type { Services } from '../src/platform/services';

/** The capabilities whose calls are work (a round trip or a hash). */
const COUNTED = [
  'voters',
  'guards',
  'links',
  'captcha',
  'delivery',
  'audit',
  'sessions',
  'pseudonyms',
  'assistance',
  'hasher',
] as const;

// Calls that are neither a round trip nor a hash: naming a voter's object, building a URL,
// checking a link's tag (one HMAC, counted as `links.open`, is kept).
const FREE = new Set(['guards.forVoter', 'links.url', 'voters.primary']);

export interface WorkLog {
  calls: string[];
  /** Forgets what was recorded (call before the request to measure). */
  reset(): void;
}

function wrapObject<T extends object>(name: string, target: T, log: string[]): T {
  return new Proxy(target, {
    get(t, p, receiver) {
      const v = Reflect.get(t, p, receiver) as unknown;
      if (typeof v !== 'function') return v;
      const key = `${name}.${String(p)}`;
      return (...args: unknown[]) => {
        if (!FREE.has(key)) log.push(key);
        const out = (v as (...a: unknown[]) => unknown).apply(t, args);
        // A guard's calls are recorded as `guard.<method>`, whichever object answers: the
        // voter's own or a shard — which is the point of the comparison.
        if (name === 'guards') {
          return out instanceof Promise
            ? out.then((g: Guard) => wrapObject('guard', g, log))
            : wrapObject('guard', out as Guard, log);
        }
        if (key === 'voters.primary') return wrapObject('voters.primary', out as object, log);
        return out;
      };
    },
  });
}

/** A `decorate` for createApp/harness: the same services, every counted call logged. */
export function countingServices(): { decorate: (s: Services) => Services; log: WorkLog } {
  const calls: string[] = [];
  const log: WorkLog = { calls, reset: () => void (calls.length = 0) };
  const decorate = (s: Services): Services => {
    const out = { ...s };
    for (const name of COUNTED) (out as Record<string, unknown>)[name] = wrapObject(name, s[name], calls);
    return out;
  };
  return { decorate, log };
}

/**
 * Asserts that two requests did the same work, call by call, allowing only `extra` on the
 * first (e.g. the matching request's own e-mail). Fails with both lists side by side.
 */
export function expectSameWork(matched: readonly string[], other: readonly string[], extra: readonly string[] = []) {
  const remaining = [...matched];
  for (const call of extra) {
    const i = remaining.indexOf(call);
    expect(i, `expected ${call} among the matching request's calls`).toBeGreaterThanOrEqual(0);
    remaining.splice(i, 1);
  }
  expect([...other].sort(), 'the same calls on both paths').toEqual(remaining.sort());
}
