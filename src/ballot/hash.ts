/**
 * SHA-256 in the encodings Belenios uses (BELENIOS.md §4–5): lowercase hex for archive record
 * names, Base64 without `=` for fingerprints and trackers, and Hq — the Fiat–Shamir challenge
 * of every proof. WebCrypto only, so the same code runs in workerd, a browser and Node.
 */
import { Q } from './group';

const encoder = new TextEncoder();

/** SHA-256 of UTF-8 text or bytes. */
export async function sha256(data: string | Uint8Array): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** Lowercase hex SHA-256: the name of an archive record and an event's parent/payload. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return toHex(await sha256(data));
}

/** Base64 SHA-256 without padding (43 characters): election fingerprint, tracker, sig hash. */
export async function sha256B64(data: string | Uint8Array): Promise<string> {
  return toB64(await sha256(data));
}

/** Hq(prefix, [e₁…eₖ]) = int(SHA256(prefix ‖ e₁,…,eₖ in decimal)) mod q (BELENIOS.md §5). */
export async function hashToScalar(prefix: string, elements: readonly bigint[]): Promise<bigint> {
  const digest = await sha256(prefix + elements.join(','));
  return bytesToBigInt(digest) % Q;
}

/** Big-endian bytes as a non-negative integer. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let x = 0n;
  for (const b of bytes) x = (x << 8n) | BigInt(b);
  return x;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Standard Base64 (`+/`) without `=` padding, as Belenios prints hashes. */
export function toB64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/=+$/, '');
}
