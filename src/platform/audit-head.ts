/**
 * The heads of the audit chains, kept apart from D1: the AuditHead Durable Object (one object,
 * SQLite-backed). Someone who can rewrite D1 — drop its triggers, change an event and
 * recompute every hash after it — still cannot move these heads, which live in another store
 * that only the Worker's code reaches; and the daily e-mail puts each head in the operators'
 * mailboxes, out of reach of anyone holding the Cloudflare account.
 *
 * Writers advance a head right after their D1 batch commits. A head only moves forward, and
 * it may lag (the writer died between the two): `verify` reports the events past the last
 * head as unwitnessed, the next write on the chain moves the head past them.
 */
import { log } from './log';
import { DurableObject } from 'cloudflare:workers';
import type { ChainHead } from './audit-chain';
import type { Delivery, OutboundMessage } from './delivery';

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

/** The operators' addresses from `AUDIT_HEAD_RECIPIENTS` (comma-separated). */
export function headRecipients(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const utc = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');

/**
 * The daily e-mail: one line per chain, `chain:seq:hash` as `npm run audit -- verify --head`
 * takes it, and the time of the chain's last event. For the operators, in French and English.
 */
export function headReport(heads: readonly ChainHead[], to: string, now: number): OutboundMessage {
  const lines = heads.map((h) => `${h.chain}:${h.seq}:${h.hash}  (${utc(h.at)})`);
  const list = lines.length > 0 ? lines.join('\n') : '(aucun événement enchaîné / no chained event yet)';
  return {
    channel: 'email',
    to,
    subject: `Isoloir — têtes du journal d'audit / audit trail heads, ${utc(now).slice(0, 10)}`,
    text: [
      `Têtes des chaînes du journal d'audit au ${utc(now)}. Gardez ce message : il prouvera plus tard`,
      `que le journal n'a pas été réécrit (npm run audit -- verify --head <chaîne>:<seq>:<hash>).`,
      '',
      list,
      '',
      `Heads of the audit trail's chains at ${utc(now)}. Keep this message: it will prove later`,
      `that the trail was not rewritten (npm run audit -- verify --head <chain>:<seq>:<hash>).`,
    ].join('\n'),
    purpose: 'audit-head',
    numicHmac: null,
  };
}

/**
 * The cron's work (src/index.ts `scheduled`): every head, by e-mail through the delivery
 * queue, to each operator. A message the queue refuses is `keep`-ed (the outbox, which the
 * every-minute relay hands over): a cron is not run again, and the day's heads would be lost.
 * Throws when a message can be neither queued nor kept, so the run shows as failed.
 */
export async function mailHeads(
  witness: HeadWitness,
  delivery: Delivery,
  recipients: readonly string[],
  now: number,
  keep?: (message: OutboundMessage) => Promise<void>,
): Promise<number> {
  if (recipients.length === 0) {
    log.error('audit_heads_no_recipient');
    return 0;
  }
  const heads = await witness.heads();
  await Promise.all(
    recipients.map(async (to) => {
      const message = headReport(heads, to, now);
      try {
        await delivery.send(message);
      } catch (err) {
        if (!keep) throw err;
        log.error('audit_heads_kept', err);
        await keep(message);
      }
    }),
  );
  log.info('audit_heads_mailed', { chains: heads.length, operators: recipients.length });
  return recipients.length;
}

/**
 * The daily cron of wrangler.toml (src/index.ts `scheduled`); every other run is the outbox
 * relay's. Not exported from the Worker's main module: workerd takes every export of it for a
 * handler or a class.
 */
export const DAILY_HEADS_CRON = '0 5 * * *';
