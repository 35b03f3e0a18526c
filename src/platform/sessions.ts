/**
 * Voter sessions in KV, behind a small class so the logic is testable in isolation.
 * The cookie holds a random id; KV keeps only its SHA-256, with an expiry. Each session
 * carries the voter's session generation (a renewal bumps it in D1) and the NUMIC's HMAC,
 * which names the voter's AccessState object: KV and a D1 replica may both lag for a while,
 * so whether a session still stands is decided by that object — it knows of every renewal
 * and logout at once (features/login/service.ts).
 */
import { randomBytes, sha256Hex, toBase64Url } from './crypto';

export const SESSION_COOKIE = '__Host-isoloir-session';
export const SESSION_TTL_MS = 30 * 60_000;

export interface Session {
  voterId: number;
  /** Names the voter's AccessState object, which knows whether the session still stands. */
  numicHmac: string;
  generation: number;
  createdAt: number;
  expiresAt: number;
}

export class SessionStore {
  constructor(private readonly kv: KVNamespace) {}

  private key(hash: string) {
    return `session:${hash}`;
  }

  /** Creates a session ending at `expiresAt` (at most the TTL, never after the vote closes). */
  async create(
    voter: { id: number; numicHmac: string; generation: number },
    now: number,
    expiresAt: number,
  ): Promise<string> {
    const id = toBase64Url(randomBytes(32));
    const session: Session = {
      voterId: voter.id,
      numicHmac: voter.numicHmac,
      generation: voter.generation,
      createdAt: now,
      expiresAt,
    };
    // KV's expirationTtl must be ≥ 60 s; the exact end is checked in code against expiresAt.
    const ttl = Math.max(60, Math.ceil((expiresAt - now) / 1000));
    await this.kv.put(this.key(await sha256Hex(id)), JSON.stringify(session), { expirationTtl: ttl });
    return id;
  }

  /** The session and the SHA-256 of its id (how the voter's object names it), or null. */
  async get(id: string | undefined, now: number): Promise<(Session & { hash: string }) | null> {
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const hash = await sha256Hex(id);
    const session = await this.kv.get<Session>(this.key(hash), 'json');
    // A session written before the object named itself in it cannot be checked: log in again.
    return session && session.expiresAt > now && typeof session.numicHmac === 'string' ? { ...session, hash } : null;
  }

  async delete(id: string | undefined): Promise<void> {
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return;
    await this.kv.delete(this.key(await sha256Hex(id)));
  }
}
