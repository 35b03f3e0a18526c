// The daily e-mail of the chains' heads: wrangler.toml's cron, the Worker's `scheduled`
// handler, the delivery queue, and (locally) the outbox.
import { env } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import wranglerToml from '../../wrangler.toml?raw';
import { DAILY_HEADS_CRON } from '../../src/platform/audit-head';
import { d1AuditTrail } from '../../src/platform/audit';
import { durableHeadWitness } from '../../src/platform/audit-head';
import { database } from '../../src/platform/database';
import { capturingEnv } from '../fakes/queue';
import { harness, T0 } from '../helpers';
import { runScheduled } from '../renewal-helpers';

interface OutboxRow {
  to: string;
  subject?: string;
  text: string;
}

async function outboxFor(to: string): Promise<OutboxRow[]> {
  const rows = (await (await harness().get('/_dev/outbox')).json()) as OutboxRow[];
  return rows.filter((r) => r.to === to);
}

const runCron = (bindings: Cloudflare.Env, scheduledTime = T0) =>
  runScheduled(bindings, DAILY_HEADS_CRON, scheduledTime);

describe('the daily e-mail of the audit heads', () => {
  it('is a cron in every environment, with recipients in every environment', () => {
    const topLevel = wranglerToml.slice(0, wranglerToml.search(/^\[env\./m));
    expect(topLevel).toMatch(/^\[triggers\]\ncrons = \[.*"0 5 \* \* \*".*\]$/m);
    expect(topLevel).toMatch(/^AUDIT_HEAD_RECIPIENTS = "[^"]+@[^"]+"$/m);
    const envParts = wranglerToml.split(/^\[env\./m).slice(1);
    expect(envParts).toHaveLength(2);
    for (const part of envParts) {
      expect(part).toMatch(/^triggers = \{ crons = \[.*"0 5 \* \* \*".*\] \}$/m);
      expect(part).toMatch(/AUDIT_HEAD_RECIPIENTS = "[^"]+@[^"]+"/);
      expect(part).toMatch(/\{ name = "AUDIT_HEAD", class_name = "AuditHead" \}/);
    }
  });

  it("sends each operator every chain's seq, hash and time", async () => {
    const db = () => database(env.DB);
    const trail = d1AuditTrail({ write: db, head: db, witness: durableHeadWitness(env.AUDIT_HEAD) });
    await trail.append('queue', [
      { event: 'login', at: T0 - 60_000, outcome: 'success' },
      { event: 'login', at: T0 - 30_000, outcome: 'failure' },
    ]);
    const renewal = await trail.append('renewal-3', [
      { event: 'password-renewal', at: T0 - 5_000, outcome: 'success' },
    ]);
    const queue = await durableHeadWitness(env.AUDIT_HEAD).heads();
    expect(queue.map((h) => h.chain)).toEqual(['queue', 'renewal-3']);

    const tag = crypto.randomUUID().slice(0, 8);
    const to = [`ops-${tag}@example.org`, `second-${tag}@example.org`];
    await runCron({ ...env, AUDIT_HEAD_RECIPIENTS: ` ${to[0]}, ${to[1]} ,` }, T0);

    for (const address of to) {
      let mails: OutboxRow[] = [];
      for (let i = 0; i < 50 && mails.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        mails = await outboxFor(address);
      }
      expect(mails).toHaveLength(1);
      const [mail] = mails;
      expect(mail!.subject).toBe("Isoloir — têtes du journal d'audit / audit trail heads, 2022-04-21");
      const lines = mail!.text.split('\n');
      expect(lines).toContain(`queue:2:${queue[0]!.hash}  (2022-04-21 09:13:30 UTC)`);
      expect(lines).toContain(`renewal-3:1:${renewal.hash}  (2022-04-21 09:13:55 UTC)`);
      expect(mail!.text).toContain('au 2022-04-21 09:14:00 UTC');
    }
  });

  it('says so, and sends nothing, without recipients', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const q = capturingEnv();
    await runCron({ ...q.env, AUDIT_HEAD_RECIPIENTS: ' , ' });
    expect(q.queued).toEqual([]);
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/audit_heads_no_recipient/));
    error.mockRestore();
  });
});
