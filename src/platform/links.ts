/**
 * The `links` capability — renewal links: `/r/<ref>/<token>`.
 *
 * - `ref` is the NUMIC's HMAC (base64url): the name of the voter's AccessState object, never
 *   the NUMIC itself (the same pseudonym already stands in audit rows and delivery outcomes).
 * - `token` is 16 CSPRNG bytes (128 bits) followed by an 8-byte tag, HMAC(key, ref ‖ bytes),
 *   so a forged, mistyped or truncated link is refused before it touches any storage, and
 *   random links cannot create Durable Objects (their number must not grow with attacks).
 *
 * The token is stored only as its SHA-256: in KV, the expiring record
 * `{ numicHmac, purpose, expiresAt }`, and in the voter's object, the one pending link, which
 * alone decides whether the link is still usable (KV is eventually consistent: a KV read or
 * delete can never make a link single-use). Why the object's name travels in the link: KV may
 * miss a fresh write for up to a minute, and caches the miss — a voter who clicks the second
 * the e-mail arrives would be told the link is unknown. With the name in the link, the page
 * asks the object directly; a KV miss is not the end of the road, and a KV record naming
 * another voter refuses the link.
 *
 * The trade-off on logs: the token is in the URL path, and the platform's invocation logs
 * record URLs — which is why wrangler.toml turns them off (`invocation_logs = false`) and keeps
 * only our own log lines, which never print a URL or a token. A fragment (`#token`) would stay
 * out of every log by itself, but needs a script to reach the server, and the page must work
 * in any mail app's browser without one. What bounds the exposure if a URL is logged anyway
 * (a proxy, a Referer): the token alone renews nothing — Valider also needs the current
 * password (sent by SMS) and a security code —, it is valid one hour, once, and five wrong
 * passwords void it; the GET changes nothing and the form posts to `/r`, without the token
 * in its URL.
 */
import { fromBase64Url, hmacHex, randomBytes, sha256Hex, timingSafeEqual, toBase64Url, toHex } from './crypto';

const RANDOM_BYTES = 16;
const TAG_BYTES = 8;
export const REF_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** What a link's record in KV says (and what the object knows too). */
export interface LinkRecord {
  numicHmac: string;
  purpose: 'identifier';
  expiresAt: number;
}

export interface RenewalLink {
  ref: string;
  token: string;
  numicHmac: string;
  /** SHA-256 of the token: the only form in which it is stored. */
  tokenHash: string;
}

async function tag(key: string, ref: string, random: string): Promise<string> {
  const mac = await hmacHex(key, `renewal-link:${ref}:${random}`);
  return mac.slice(0, TAG_BYTES * 2);
}

/** A new link for the voter whose NUMIC's HMAC is `numicHmac` (64 hex digits). */
async function newLink(key: string, numicHmac: string): Promise<RenewalLink> {
  const ref = toBase64Url(hexBytes(numicHmac));
  const bytes = randomBytes(RANDOM_BYTES);
  const mac = await tag(key, ref, toBase64Url(bytes));
  const token = toBase64Url(new Uint8Array([...bytes, ...hexBytes(mac)]));
  return { ref, token, numicHmac, tokenHash: await sha256Hex(token) };
}

/** Checks a link's tag; null for anything this Worker did not make. Touches no storage. */
async function openLink(key: string, ref: string, token: string): Promise<RenewalLink | null> {
  if (!REF_PATTERN.test(ref) || !TOKEN_PATTERN.test(token)) return null;
  const bytes = fromBase64Url(token);
  const refBytes = fromBase64Url(ref);
  if (!bytes || bytes.length !== RANDOM_BYTES + TAG_BYTES || !refBytes || refBytes.length !== 32) return null;
  const random = toBase64Url(bytes.slice(0, RANDOM_BYTES));
  const expected = await tag(key, ref, random);
  if (!timingSafeEqual(expected, toHex(bytes.slice(RANDOM_BYTES)))) return null;
  return { ref, token, numicHmac: toHex(refBytes), tokenHash: await sha256Hex(token) };
}

/** The absolute URL mailed to the voter (on the configured public origin). */
function linkUrl(origin: string, link: Pick<RenewalLink, 'ref' | 'token'>): string {
  return `${origin.replace(/\/+$/, '')}/r/${link.ref}/${link.token}`;
}

/**
 * Splits what follows `/r/` in a requested path. Mail apps sometimes glue punctuation to a
 * link (a final "." or ")"): anything outside the token's alphabet at the end is dropped.
 */
export function splitLinkPath(rest: string): { ref: string; token: string } {
  const [ref = '', token = ''] = rest.replace(/[^A-Za-z0-9_-]+$/, '').split('/');
  return { ref, token };
}

function hexBytes(hex: string): Uint8Array {
  return new Uint8Array((hex.match(/../g) ?? []).map((b) => parseInt(b, 16)));
}

export interface LinkStore {
  /** A new link for the voter whose NUMIC's HMAC is `numicHmac` (64 hex digits). Touches no storage. */
  create(numicHmac: string): Promise<RenewalLink>;
  /** Checks a link's tag; null for anything this Worker did not make. Touches no storage. */
  open(ref: string, token: string): Promise<RenewalLink | null>;
  /** The absolute URL mailed to the voter. */
  url(link: Pick<RenewalLink, 'ref' | 'token'>): string;
  /** Writes the link's expiring record in KV. */
  put(tokenHash: string, record: LinkRecord, now: number): Promise<void>;
  get(tokenHash: string): Promise<LinkRecord | null>;
}

/**
 * Links tagged with `key`, their records in `kv`. KV's `expirationTtl` must be at least 60 s;
 * the record lives as long as the link (1 hour), but the link's expiry is checked by the
 * object against `expiresAt`, never left to KV.
 */
export function kvLinks(kv: KVNamespace, key: string, origin: string): LinkStore {
  const kvKey = (tokenHash: string) => `link:${tokenHash}`;
  return {
    create: (numicHmac) => newLink(key, numicHmac),
    open: (ref, token) => openLink(key, ref, token),
    url: (link) => linkUrl(origin, link),
    async put(tokenHash, record, now) {
      const ttl = Math.max(60, Math.ceil((record.expiresAt - now) / 1000));
      await kv.put(kvKey(tokenHash), JSON.stringify(record), { expirationTtl: ttl });
    },
    get: (tokenHash) => kv.get<LinkRecord>(kvKey(tokenHash), 'json'),
  };
}
