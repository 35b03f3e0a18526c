/**
 * Test harness: the whole app in workerd against the real bindings, with an injected clock
 * and a password hasher that counts PBKDF2 computations.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { createApp } from '../src/app';
import { voters } from '../src/db/schema';
import { hmacHex } from '../src/platform/crypto';
import { normalizeIdentifier } from '../src/platform/credentials';
import { database } from '../src/platform/database';
import { forgetElection } from '../src/platform/election';
import { hashPassword, verifyPassword, type PasswordHasher } from '../src/platform/passwords';
import type { Services } from '../src/platform/services';

export const ORIGIN = 'http://127.0.0.1:8787';
export const DAY = 86_400_000;
/** A fixed instant: tests never read the real clock. */
export const T0 = Date.UTC(2022, 3, 21, 9, 14);

export const DEMO = {
  numic: '00123456',
  email: 'electeur@example.org',
  phone: '+33600000001',
  identifier: 'ABCD-EFGH-JKMN',
  password: 'Vote-2022-Demo',
};

export async function seedElection(
  opensAt = T0 - 2 * DAY,
  closesAt = T0 + 4 * DAY,
  title = 'Elections législatives 2022',
) {
  await env.DB.prepare(
    `INSERT OR REPLACE INTO elections (id, title, opens_at, closes_at, roll_loaded_at) VALUES (1, ?, ?, ?, ?)`,
  )
    .bind(title, opensAt, closesAt, opensAt - 30 * DAY)
    .run();
  forgetElection();
}

export async function seedVoter(
  v: Partial<typeof DEMO> & { language?: string; constituency?: string; deactivatedAt?: number | null } = {},
) {
  const voter = { ...DEMO, ...v };
  const db = database(env.DB);
  const identifierHmac = await hmacHex(env.IDENTIFIER_HMAC_KEY, normalizeIdentifier(voter.identifier)!);
  await env.DB.prepare(`DELETE FROM voters WHERE numic = ? OR identifier_hmac = ?`)
    .bind(voter.numic, identifierHmac)
    .run();
  await db.insert(voters).values({
    electionId: 1,
    numic: voter.numic,
    email: voter.email,
    phone: voter.phone,
    identifierHmac,
    passwordHash: await hashPassword(voter.password),
    language: v.language ?? 'fr',
    constituency: v.constituency ?? '1',
    convokedAt: T0 - 30 * DAY,
    deactivatedAt: v.deactivatedAt ?? null,
    createdAt: T0 - 30 * DAY,
    updatedAt: T0 - 30 * DAY,
  });
  return voter;
}

export function countingHasher() {
  const counts = { hash: 0, verify: 0 };
  const hasher: PasswordHasher = {
    hash: (p) => (counts.hash++, hashPassword(p)),
    verify: (p, s) => (counts.verify++, verifyPassword(p, s)),
  };
  return { counts, hasher };
}

export interface Harness {
  now: number;
  counts: { hash: number; verify: number };
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The answer as soon as it is back, and `settled` once its waitUntil work is done. */
  answer(path: string, init?: RequestInit): Promise<{ res: Response; settled: Promise<void> }>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  /** The hidden captchaId of a page and the digits of its code (through /_dev/captcha). */
  code(html: string): Promise<{ captchaId: string; captcha: string }>;
}

/**
 * `bindings` lets a test replace what the app reaches (a queue that records, a failing D1);
 * `decorate` wraps each request's services (test/counting.ts counts the work there).
 */
export function harness(start = T0, bindings: Cloudflare.Env = env, decorate?: (s: Services) => Services): Harness {
  const { counts, hasher } = countingHasher();
  const h: Harness = {
    now: start,
    counts,
    // With an execution context, and once the answer is back its waitUntil work too (the
    // outbox relay), as the platform would finish it.
    fetch: async (path, init) => {
      const ctx = createExecutionContext();
      const res = await app.request(`${ORIGIN}${path}`, init, bindings, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    },
    answer: async (path, init) => {
      const ctx = createExecutionContext();
      const res = await app.request(`${ORIGIN}${path}`, init, bindings, ctx);
      return { res, settled: waitOnExecutionContext(ctx) };
    },
    get: (path, headers = {}) => h.fetch(path, { headers }),
    post: (path, form, headers = {}) =>
      h.fetch(path, {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form).toString(),
      }),
    async code(html) {
      const captchaId = /name="captchaId" value="([A-Za-z0-9_-]+)"/.exec(html)?.[1];
      if (!captchaId) throw new Error('no captchaId in page');
      const res = await h.get(`/_dev/captcha/${captchaId}`);
      const { digits } = (await res.json()) as { digits: string };
      return { captchaId, captcha: digits };
    },
  };
  const app = createApp({ clock: () => h.now, hasher, decorate });
  return h;
}

/** Page text with tags stripped and whitespace collapsed (what a reader sees). */
export function text(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .trim();
}
