/**
 * The operator API as the commands call it, in tests: the local operator password on a
 * loopback origin (`local` are the bindings that turn that mode on).
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { createApp } from '../src/app';
import { ORIGIN, T0 } from './helpers';

export const OPERATOR_PASSWORD = 'local-operator-password-for-tests';
export const local = { OPERATOR_PASSWORD, DEV_TOOLS: '1' };

/** `call(path)` GETs, `call(path, body)` POSTs JSON; each answers the Response (headers too). */
export function operatorRequest(bindings: Cloudflare.Env, now: () => number = () => T0) {
  const app = createApp({ clock: now });
  return async (path: string, body?: unknown): Promise<Response> => {
    const ctx = createExecutionContext();
    const res = await app.request(
      `${ORIGIN}/operateur/api${path}`,
      body === undefined
        ? { headers: { authorization: `Bearer ${OPERATOR_PASSWORD}` } }
        : {
            method: 'POST',
            headers: { authorization: `Bearer ${OPERATOR_PASSWORD}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          },
      bindings,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  };
}

/** `call(path)` GETs, `call(path, body)` POSTs JSON; each answers its status and JSON body. */
export function operatorApi(bindings: Cloudflare.Env, now: () => number = () => T0) {
  const request = operatorRequest(bindings, now);
  return async (path: string, body?: unknown) => {
    const res = await request(path, body);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
}
