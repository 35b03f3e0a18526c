/**
 * What route entries use to prepare their requests before a measured run (never during
 * one): pages and their security codes, voters, client addresses, renewal links.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import { URLSearchParams } from 'node:url';
import { SECRETS } from './server.mjs';

const CAPTCHA_ID = /name="captchaId"\s+value="([A-Za-z0-9_-]+)"/;

/** A route that answers 404 in this build: reported as "not yet available". */
export class NotAvailable extends Error {}

/**
 * Opens a sealed security code the way src/platform/captcha/challenge.ts seals it
 * (AES-GCM, key = SHA-256("isoloir-captcha:" + CAPTCHA_KEY), id = iv ‖ ciphertext ‖ tag).
 * Cheaper than a /_dev/captcha round trip per code; checked against it once per run.
 */
function openLocally(id) {
  try {
    const bytes = Buffer.from(id, 'base64url');
    const key = createHash('sha256').update(`isoloir-captcha:${SECRETS.CAPTCHA_KEY}`).digest();
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    const plain = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString();
    return /^(\d{4})\./.exec(plain)?.[1] ?? null;
  } catch {
    return null;
  }
}

export function createContext({ url, voters }) {
  const origin = url;
  let localCodes = null; // unknown until checked against /_dev/captcha
  const cursors = new Map();
  let nextVoter = DEMO_COUNT(voters);
  let addressCounter = 0;

  async function fetchText(path, init) {
    const res = await fetch(origin + path, { redirect: 'manual', ...init });
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  const ctx = {
    origin,
    voters,
    get: (path) => fetchText(path),
    post: (path, form, headers = {}) =>
      fetchText(path, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form).toString(),
      }),

    /** A fresh code from `page`: { captchaId, captcha }. Throws NotAvailable on a 404 page. */
    async code(page = '/') {
      const { status, text } = await ctx.get(page);
      if (status === 404) throw new NotAvailable(`${page} answers 404`);
      const captchaId = CAPTCHA_ID.exec(text)?.[1];
      if (!captchaId) throw new Error(`no captchaId on ${page} (status ${status})`);
      if (localCodes !== false) {
        const digits = openLocally(captchaId);
        if (localCodes === true && digits) return { captchaId, captcha: digits };
        const dev = await devDigits(captchaId);
        localCodes = digits !== null && digits === dev;
        return { captchaId, captcha: dev };
      }
      return { captchaId, captcha: await devDigits(captchaId) };
    },

    /**
     * The next voter for `tag`, each used at most `uses` times (per-account limits). With
     * `uses` = Infinity, cycles over a slice of `slice` voters reserved for the tag.
     */
    voter(tag, uses = 1, slice = 100) {
      let c = cursors.get(tag);
      if (!c) {
        c = uses === Infinity ? { start: take(slice), size: slice, i: 0, used: 0 } : { current: take(1), used: 0 };
        cursors.set(tag, c);
      }
      if (uses === Infinity) return voters[c.start + (c.i++ % c.size)];
      if (c.used >= uses) {
        c.current = take(1);
        c.used = 0;
      }
      c.used++;
      return voters[c.current];
    },

    /**
     * A client address for the CF-Connecting-IP header (Miniflare keeps an incoming one).
     * Each voter behind their own address, as at the peak: one address would hit the
     * generous per-address limit (300 attempts per 10 minutes) within seconds. An IPv6 client
     * is counted by its /64 and its /48 (platform/guard/network.ts): each address here is a
     * /48 of its own (2001:db8:N::1), or they would all be one network. Header values only
     * (documentation prefix 2001:db8::/32), never contacted.
     */
    address() {
      addressCounter++;
      return `2001:db8:${(addressCounter & 0xffff).toString(16)}::${(addressCounter >> 16).toString(16)}:1`;
    },

    /**
     * A renewal link: asks `requestPath` for one (form from `form(voter, code)`), then reads the
     * link out of /_dev/outbox (SPEC.md: a link stands alone on its own line).
     */
    async renewalLink({ requestPath, form, tag = 'link' }) {
      const voter = ctx.voter(tag, 1);
      const code = await ctx.code(requestPath);
      const res = await ctx.post(requestPath, form(voter, code), { 'cf-connecting-ip': ctx.address() });
      if (res.status === 404) throw new NotAvailable(`POST ${requestPath} answers 404`);
      for (let attempt = 0; attempt < 50; attempt++) {
        const outbox = JSON.parse((await ctx.get('/_dev/outbox')).text);
        const message = outbox.reverse().find((m) => m.channel === 'email' && m.to === voter.email);
        const line = message?.text
          .split('\n')
          .map((l) => l.trim())
          .find((l) => /^https?:\/\/\S+$/.test(l));
        if (line) return new URL(line).pathname;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`no renewal e-mail for ${voter.email} in /_dev/outbox after 10 s`);
    },
  };

  function take(n) {
    const start = nextVoter;
    nextVoter += n;
    if (nextVoter > voters.length)
      throw new Error(`bench roll exhausted (${voters.length} voters): raise BENCH_VOTERS`);
    return start;
  }

  async function devDigits(captchaId) {
    const res = await ctx.get(`/_dev/captcha/${captchaId}`);
    if (res.status !== 200) throw new Error(`/_dev/captcha answered ${res.status}: is DEV_TOOLS on?`);
    return JSON.parse(res.text).digits;
  }

  return ctx;
}

// The demo voters are kept for people trying the bench by hand; routes draw bench voters.
function DEMO_COUNT(voters) {
  return voters.findIndex((v) => v.numic.startsWith('9'));
}
