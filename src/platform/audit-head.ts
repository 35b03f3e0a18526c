/**
 * The heads of the audit chains, kept apart from D1: the AuditHead Durable Object (one object,
 * SQLite-backed). Someone who can rewrite D1 — drop its triggers, change an event and
 * recompute every hash after it — still cannot move these heads, which live in another store
 * that only the Worker's code reaches.
 *
 * Writers advance a head right after their D1 batch commits. A head only moves forward, and
 * it may lag (the writer died between the two): `verify` reports the events past the last
 * head as unwitnessed, the next write on the chain moves the head past them.
 */
import { DurableObject } from 'cloudflare:workers';
import type { ChainHead } from './audit-chain';

/** The `heads` witness: what writers tell, what verify and the daily e-mail read. */
export interface HeadWitness {
  advance(head: ChainHead): Promise<void>;
  heads(): Promise<ChainHead[]>;
}

interface HeadRow extends Record<string, SqlStorageValue> {
  chain: string;
  seq: number;
  hash: string;
  at: number;
}

export class AuditHead extends DurableObject<Cloudflare.Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS heads (chain TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL, at INTEGER NOT NULL)`,
    );
  }

  /** Moves the chain's head to `head` if it is further on; true if it moved. */
  advance(head: ChainHead): boolean {
    const cursor = this.sql.exec(
      `INSERT INTO heads (chain, seq, hash, at) VALUES (?, ?, ?, ?)
       ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, at = excluded.at
       WHERE excluded.seq > heads.seq`,
      head.chain,
      head.seq,
      head.hash,
      head.at,
    );
    return cursor.rowsWritten > 0;
  }

  heads(): ChainHead[] {
    return this.sql
      .exec<HeadRow>(`SELECT chain, seq, hash, at FROM heads ORDER BY chain`)
      .toArray()
      .map(({ chain, seq, hash, at }) => ({ chain, seq, hash, at }));
  }
}

/** The one object holding every chain's head (a few writes a second at most). */
export function durableHeadWitness(namespace: DurableObjectNamespace<AuditHead>): HeadWitness {
  const stub = () => namespace.get(namespace.idFromName('audit-heads'));
  return {
    async advance(head) {
      await stub().advance(head);
    },
    heads: () => stub().heads(),
  };
}
