/**
 * Voter sessions in KV, behind a small class so the logic is testable in isolation.
 * The cookie holds a random id; KV keeps only its SHA-256, with an expiry. Each session
 * carries the voter's session generation: a renewal bumps the generation in D1 and every
 * older session stops being accepted at once, wherever KV still has it.
 */
import { randomBytes, sha256Hex, toBase64Url } from './crypto';

export const SESSION_COOKIE = '__Host-isoloir-session';
export const SESSION_TTL_MS = 30 * 60_000;

export interface Session {
  voterId: number;
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
  async create(voterId: number, generation: number, now: number, expiresAt: number): Promise<string> {
    const id = toBase64Url(randomBytes(32));
    const session: Session = { voterId, generation, createdAt: now, expiresAt };
    // KV's expirationTtl must be ≥ 60 s; the exact end is checked in code against expiresAt.
    const ttl = Math.max(60, Math.ceil((expiresAt - now) / 1000));
    await this.kv.put(this.key(await sha256Hex(id)), JSON.stringify(session), { expirationTtl: ttl });
    return id;
  }

  async get(id: string | undefined, now: number): Promise<Session | null> {
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const session = await this.kv.get<Session>(this.key(await sha256Hex(id)), 'json');
    return session && session.expiresAt > now ? session : null;
  }

  async delete(id: string | undefined): Promise<void> {
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return;
    await this.kv.delete(this.key(await sha256Hex(id)));
  }
}
