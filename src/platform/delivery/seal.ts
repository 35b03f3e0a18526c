/**
 * Sealing the secret part of a queued message (a renewal link, a new password).
 *
 * A queue message is stored by the platform, shown in the dashboard, and kept in the
 * dead-letter queue when delivery gives up: none of these may hold a secret in clear. The
 * producer seals the secret with AES-GCM under a key derived (HKDF-SHA256) from the Worker
 * secret DELIVERY_KEY; only the consumer, just before handing the message to a provider, opens
 * it. The message id and expiry are bound as additional data, so a sealed secret cannot be
 * moved into another message nor have its expiry pushed back.
 */
import { fromBase64Url, randomBytes, toBase64Url } from '../crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const encoder = new TextEncoder();

// Derived keys are cached per isolate: the derivation costs more than sealing a few bytes.
const keys = new Map<string, Promise<CryptoKey>>();

function deliveryKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']).then((base) =>
      crypto.subtle.deriveKey(
        {
          name: 'HKDF',
          hash: 'SHA-256',
          salt: encoder.encode('isoloir'),
          info: encoder.encode('delivery-secret-v1'),
        },
        base,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      ),
    );
    keys.set(secret, key);
  }
  return key;
}

/** What a sealed secret is bound to: the message it travels in and that message's expiry. */
export interface SealContext {
  messageId: string;
  expiresAt?: number;
}

function additionalData(ctx: SealContext): Uint8Array {
  return encoder.encode(`${ctx.messageId}|${ctx.expiresAt ?? ''}`);
}

/**
 * Seals `secret` for the queue: `v1.` + base64url(iv ‖ ciphertext ‖ tag). Throws when the key
 * is missing — a message must never be queued with its secret in clear.
 */
export async function sealSecret(key: string | undefined, secret: string, ctx: SealContext): Promise<string> {
  if (!key) throw new Error('delivery: DELIVERY_KEY is not set');
  const iv = randomBytes(IV_BYTES);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: additionalData(ctx) },
      await deliveryKey(key),
      encoder.encode(secret),
    ),
  );
  const bytes = new Uint8Array(IV_BYTES + sealed.length);
  bytes.set(iv);
  bytes.set(sealed, IV_BYTES);
  return `${VERSION}.${toBase64Url(bytes)}`;
}

/**
 * Opens what {@link sealSecret} produced; null when the key differs (rotated), the text was
 * tampered with, or it was sealed for another message or expiry.
 */
export async function openSecret(key: string | undefined, sealed: string, ctx: SealContext): Promise<string | null> {
  if (!key || !sealed.startsWith(`${VERSION}.`)) return null;
  const bytes = fromBase64Url(sealed.slice(VERSION.length + 1));
  if (!bytes || bytes.length <= IV_BYTES + 16) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.slice(0, IV_BYTES), additionalData: additionalData(ctx) },
      await deliveryKey(key),
      bytes.slice(IV_BYTES),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
