/**
 * Voters' credentials and election uuids (BELENIOS.md §4). A private credential is 14 random
 * Base58 digits and a checksum digit, printed `XXX-XXX-XXX-XXX-XXX`; its secret s is derived by
 * PBKDF2 from the dashed string (the tool refuses the undashed form), and the public credential
 * g^s is what the frozen list and the ballot carry.
 */
import { P, Q, fixedG, parseDecimal } from './group';
import { bytesToBigInt } from './hash';

export const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** n uniform Base58 digits (bytes ≥ 232 = 4·58 are redrawn, so no digit is favoured). */
export function randomBase58(n: number): string {
  let out = '';
  const buf = new Uint8Array(n * 2);
  while (out.length < n) {
    crypto.getRandomValues(buf);
    for (const b of buf) {
      if (b < 232 && out.length < n) out += BASE58[b % 58];
    }
  }
  return out;
}

const UUID = /^[1-9A-HJ-NP-Za-km-z]{14,}$/;

/** A fresh election uuid: 14 Base58 characters, as `setup generate-token` makes. */
export function generateElectionUuid(length = 14): string {
  if (length < 14) throw new RangeError('a uuid has at least 14 characters');
  return randomBase58(length);
}

/** Whether a string is a uuid the tool accepts (≥ 14 Base58 characters). */
export function isElectionUuid(s: string): boolean {
  return UUID.test(s);
}

function checksumDigit(digits: string): number {
  let v = 0;
  for (const ch of digits) v = (v * 58 + BASE58.indexOf(ch)) % 53;
  return 53 - v;
}

function dashed(digits: string): string {
  return digits.match(/.{3}/g)!.join('-');
}

/** A fresh private credential `XXX-XXX-XXX-XXX-XXX`: what the voter's booth is given. */
export function generatePrivateCredential(): string {
  const digits = randomBase58(14);
  return dashed(digits + BASE58[checksumDigit(digits)]);
}

const CREDENTIAL = /^([1-9A-HJ-NP-Za-km-z]{3}-){4}[1-9A-HJ-NP-Za-km-z]{3}$/;

/** Shape and checksum of a private credential: catches a mistyped one before any PBKDF2. */
export function isValidPrivateCredential(credential: string): boolean {
  if (!CREDENTIAL.test(credential)) return false;
  const digits = credential.replaceAll('-', '');
  return BASE58.indexOf(digits[14]!) === checksumDigit(digits.slice(0, 14));
}

/** s = PBKDF2-HMAC-SHA256(dashed credential, salt uuid, 1000 iterations, 32 bytes) mod q. */
export async function deriveCredentialSecret(credential: string, uuid: string): Promise<bigint> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(credential), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: enc.encode(uuid), iterations: 1000 },
    key,
    256,
  );
  return bytesToBigInt(new Uint8Array(bits)) % Q;
}

/** The public credential g^s of a private one. */
export async function derivePublicCredential(credential: string, uuid: string): Promise<bigint> {
  return fixedG().pow(await deriveCredentialSecret(credential, uuid));
}

/** One entry of the archive's public credentials: `"<g^s>"` or `"<g^s>,<weight>"`. */
export function formatPublicCredential(credential: bigint, weight?: bigint): string {
  return weight === undefined ? credential.toString() : `${credential},${weight}`;
}

/** Reads `"<g^s>[,<weight>[,<id>]]"` (the `.pubcreds` form keeps an id, dropped here). */
export function parsePublicCredential(entry: string): { credential: bigint; weight: bigint } | undefined {
  const [c, w, ...rest] = entry.split(',');
  if (rest.length > 1) return undefined;
  const credential = parseDecimal(c);
  const weight = w === undefined || w === '' ? 1n : parseDecimal(w);
  if (credential === undefined || weight === undefined || credential >= P) return undefined;
  return { credential, weight };
}
