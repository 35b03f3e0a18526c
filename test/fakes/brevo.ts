/**
 * A local fake of Brevo's transactional API — the contract the Brevo provider is tested
 * against. It answers like Brevo: 401 { code: 'unauthorized' } for an unknown `api-key`,
 * 400 { code: 'missing_parameter' | 'invalid_parameter' } for a body Brevo would refuse,
 * 201 { messageId } otherwise; `failNext(status)` scripts outages and refusals (status 0: the
 * connection fails, as fetch does when Brevo cannot be reached).
 *
 * Outbound fetch runs in the same isolate as the tests (vitest-plugin), so the fake is
 * installed by spying on globalThis.fetch for its own origin only.
 */
import { vi } from 'vitest';

export const FAKE_BREVO_URL = 'http://brevo.fake.test';
export const FAKE_BREVO_KEY = 'xkeysib-test-key';

export interface BrevoCall {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface FakeBrevo {
  calls: BrevoCall[];
  /** The next call(s) get this status (and Brevo-like error body) instead of being accepted. */
  failNext(status: number, times?: number, headers?: Record<string, string>): void;
  restore(): void;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export function installFakeBrevo(): FakeBrevo {
  const calls: BrevoCall[] = [];
  const failures: { status: number; headers: Record<string, string> }[] = [];
  let seq = 0;
  const realFetch = globalThis.fetch;

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const body = (await req.json().catch(() => null)) as Record<string, unknown> | null;
    calls.push({ path: url.pathname, headers: Object.fromEntries(req.headers), body: body ?? {} });
    if (req.method !== 'POST') return json(405, { code: 'method_not_allowed', message: 'Method not allowed' });
    if (req.headers.get('api-key') !== FAKE_BREVO_KEY)
      return json(401, { code: 'unauthorized', message: 'Key not found' });
    if (!body || !req.headers.get('content-type')?.startsWith('application/json')) {
      return json(400, { code: 'bad_request', message: 'Input must be a valid JSON object' });
    }
    const failure = failures.shift();
    if (failure?.status === 0) throw new TypeError('Network connection lost.');
    if (failure)
      return json(
        failure.status,
        {
          code: failure.status >= 500 ? 'internal_error' : 'invalid_parameter',
          message: `scripted ${failure.status} for ${String((body.to as { email?: string }[] | undefined)?.[0]?.email ?? body.recipient)}`,
        },
        failure.headers,
      );
    if (url.pathname === '/v3/smtp/email') return email(body);
    if (url.pathname === '/v3/transactionalSMS/send') return sms(body);
    return json(404, { code: 'not_found', message: 'Invalid route' });
  }

  function email(b: Record<string, unknown>): Response {
    const sender = b.sender as { email?: unknown } | undefined;
    const to = b.to as { email?: unknown }[] | undefined;
    if (typeof sender?.email !== 'string')
      return json(400, { code: 'missing_parameter', message: 'sender is missing' });
    if (
      !Array.isArray(to) ||
      to.length === 0 ||
      to.some((r) => typeof r?.email !== 'string' || !r.email.includes('@'))
    ) {
      return json(400, { code: 'invalid_parameter', message: 'to is invalid' });
    }
    if (typeof b.subject !== 'string' || b.subject === '')
      return json(400, { code: 'missing_parameter', message: 'subject is missing' });
    if (typeof b.htmlContent !== 'string' && typeof b.textContent !== 'string') {
      return json(400, { code: 'missing_parameter', message: 'htmlContent or textContent is missing' });
    }
    return json(201, { messageId: `<20260426.${++seq}@smtp-relay.mailin.fr>` });
  }

  function sms(b: Record<string, unknown>): Response {
    const sender = b.sender;
    if (typeof sender !== 'string' || !(/^[A-Za-z0-9]{1,11}$/.test(sender) || /^\d{1,15}$/.test(sender))) {
      return json(400, { code: 'invalid_parameter', message: 'sender is invalid' });
    }
    if (typeof b.recipient !== 'string' || !/^\+?\d{6,15}$/.test(b.recipient)) {
      return json(400, { code: 'invalid_parameter', message: 'recipient is invalid' });
    }
    if (typeof b.content !== 'string' || b.content === '')
      return json(400, { code: 'missing_parameter', message: 'content is missing' });
    if (b.type !== undefined && b.type !== 'transactional' && b.type !== 'marketing') {
      return json(400, { code: 'invalid_parameter', message: 'type is invalid' });
    }
    return json(201, { messageId: 1511882900176220 + ++seq });
  }

  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    if (new URL(req.url).origin !== FAKE_BREVO_URL) return realFetch(input, init);
    return handle(req);
  });

  return {
    calls,
    failNext(status, times = 1, headers = {}) {
      for (let i = 0; i < times; i++) failures.push({ status, headers });
    },
    restore: () => spy.mockRestore(),
  };
}
