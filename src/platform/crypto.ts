/**
 * Cryptographic primitives shared by every flow: CSPRNG values, keyed hashes (HMAC),
 * PBKDF2 password hashes and constant-time comparison. Everything here uses Web Crypto,
 * which is what workerd provides.
 */

const encoder = new TextEncoder();

/** URL-safe base64 without padding: fits in paths, hidden inputs and cookie values. */
export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Inverse of {@link toBase64Url}; returns null for anything that is not base64url. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  try {
    const bin = atob(padded);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** `n` bytes from the platform CSPRNG. */
export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/**
 * `length` characters drawn uniformly from `alphabet` with a CSPRNG (rejection sampling,
 * so no character is more likely than another).
 */
export function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < limit && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

// A login hex-encodes four HMACs (a success a SHA-256 more): a table, not strings per byte.
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = new Uint8Array(bytes);
  let out = '';
  for (let i = 0; i < view.length; i++) out += HEX[view[i]!];
  return out;
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

// Imported keys are cached per isolate: importKey costs more than the HMAC itself.
const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    hmacKeys.set(secret, key);
  }
  return key;
}

/**
 * HMAC-SHA256 of `message` as hex. Used for identifiers and NUMICs wherever they are stored
 * or used as names: 10⁸ NUMICs make a plain hash reversible in seconds, a keyed one is not.
 */
export async function hmacHex(secret: string, message: string): Promise<string> {
  return toHex(await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(message)));
}

/** Constant-time equality of two strings (length leaks, content does not). */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

/**
 * Is `given` the secret `expected`? Both pass through the same HMAC first, so the comparison
 * is of equal lengths and in constant time: neither the content nor the length leaks.
 */
export async function sameSecret(expected: string, given: string): Promise<boolean> {
  const [a, b] = await Promise.all([hmacHex(expected, given), hmacHex(expected, expected)]);
  return timingSafeEqual(a, b);
}
