/**
 * The one piece of `node:crypto` the Worker uses (nodejs_compat, wrangler.toml): a synchronous
 * SHA-256, for what must hash inside a Durable Object's synchronous transaction (the ballot
 * box's event chain), where WebCrypto's promise would let another cast in between.
 */
declare module 'node:crypto' {
  interface Hash {
    update(data: string, encoding: 'utf8'): Hash;
    digest(encoding: 'hex' | 'base64'): string;
  }
  export function createHash(algorithm: 'sha256'): Hash;
}
