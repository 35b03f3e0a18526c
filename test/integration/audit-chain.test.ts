// Writers of one chain in D1: the loser of a race writes again from the new head (its change
// included, once), never a fork; the AuditHead object follows the chain.
import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { auditEvents, voters } from '../../src/db/schema';
import { APPEND_ATTEMPTS, d1AuditTrail, type AuditRecord, type TrailDeps } from '../../src/platform/audit';
import { CHAINS, linkRecords, verifyAuditTrail } from '../../src/platform/audit-chain';
import { durableHeadWitness, type HeadWitness } from '../../src/platform/audit-head';
import { database } from '../../src/platform/database';
import { voterStore } from '../../src/platform/voters';
import { storedEvents } from '../audit-helpers';
import { createApp } from '../../src/app';
import { DEMO, ORIGIN, T0, harness, seedElection, seedVoter } from '../helpers';

const db = () => database(env.DB);
const witness = () => durableHeadWitness(env.AUDIT_HEAD);

/** A trail on the test D1 whose waits between attempts are recorded instead of slept. */
function trail(extra: Partial<TrailDeps> = {}) {
  const pauses: number[] = [];
  const deps: TrailDeps = {
    write: db,
    head: db,
    witness: witness(),
    pause: async (attempt) => void pauses.push(attempt),
    ...extra,
  };
  return { trail: d1AuditTrail(deps), pauses };
}

const login = (i: number): AuditRecord => ({ event: 'login', numicHmac: null, at: T0 + i, outcome: 'success' });

async function intact() {
  return verifyAuditTrail(await storedEvents(), await witness().heads());
}

describe('audit chain writers', () => {
  beforeEach(async () => {
    await seedElection();
  });

  it('concurrent writers of one chain all land, one after the other, with no fork', async () => {
    const { trail: t, pauses } = trail();
    // As many writers as attempts: even in lockstep (one winner per round) every one lands.
    const heads = await Promise.all(Array.from({ length: APPEND_ATTEMPTS }, (_, i) => t.append('queue', [login(i)])));
    expect(heads.map((h) => h.seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(pauses.length).toBeGreaterThan(0); // some lost a race and wrote again
    const rows = await storedEvents();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await intact()).toEqual({ ok: true, chains: 1, events: 6, unchained: 0, unwitnessed: 0 });
    expect(await witness().heads()).toEqual([{ chain: 'queue', seq: 6, hash: rows[5]!.hash, at: rows[5]!.at }]);
  });

  it('two renewals racing for one chain: each change written once, with its own event', async () => {
    await seedVoter();
    const other = await seedVoter({ numic: '00654321', identifier: 'PQRS-TVWX-YZ23', email: 'second@example.org' });
    const ids = await Promise.all(
      [DEMO.numic, other.numic].map(
        async (numic) => (await db().select().from(voters).where(eq(voters.numic, numic)).get())!.id,
      ),
    );
    // Two NUMIC HMACs of the same renewal chain.
    const hmacs = ['a'.repeat(64), 'a' + 'b'.repeat(63)];
    expect(CHAINS.renewal(hmacs[0])).toBe(CHAINS.renewal(hmacs[1]));
    const { trail: t, pauses } = trail();
    const store = voterStore(
      () => env.DB.withSession('first-primary'),
      db,
      () => env.DB.withSession('first-primary'),
      t,
    );
    await Promise.all(
      ids.map((voterId, i) =>
        store.renewPassword({
          voterId,
          now: T0,
          passwordHash: `hash-${i}`,
          audit: { event: 'password-renewal', numicHmac: hmacs[i], at: T0, outcome: 'success' },
          outbox: [],
        }),
      ),
    );
    expect(pauses).toEqual([1]);
    for (const [i, voterId] of ids.entries()) {
      const v = (await db().select().from(voters).where(eq(voters.id, voterId)).get())!;
      expect(v).toMatchObject({ passwordHash: `hash-${i}`, sessionGeneration: 1, passwordRenewedAt: T0 });
    }
    const rows = await storedEvents();
    expect(rows.map((r) => [r.chain, r.seq])).toEqual([
      [CHAINS.renewal(hmacs[0]), 1],
      [CHAINS.renewal(hmacs[0]), 2],
    ]);
    expect(new Set(rows.map((r) => r.numicHmac))).toEqual(new Set(hmacs));
    expect(await intact()).toMatchObject({ ok: true, events: 2 });
  });

  it('a writer that keeps losing gives up after APPEND_ATTEMPTS, its change undone each time', async () => {
    await seedVoter();
    const voter = (await db().select().from(voters).where(eq(voters.numic, DEMO.numic)).get())!;
    const { trail: t, pauses } = trail();
    // Each attempt, a rival's event takes the chain's next position just before ours, inside
    // the same batch: the batch fails, the rival's event and the voter's update with it.
    const [rival] = await linkRecords('renewal-1', null, [login(1)]);
    let built = 0;
    await expect(
      t.append('renewal-1', [login(2)], (d) => {
        built++;
        return [
          d.update(voters).set({ passwordHash: 'never' }).where(eq(voters.id, voter.id)),
          d.insert(auditEvents).values(rival!),
        ];
      }),
    ).rejects.toThrow(/not the next link of its chain/);
    expect(built).toBe(APPEND_ATTEMPTS);
    expect(pauses).toEqual([1, 2, 3, 4, 5]);
    expect(await storedEvents()).toEqual([]);
    expect((await db().select().from(voters).where(eq(voters.id, voter.id)).get())!.passwordHash).toBe(
      voter.passwordHash,
    );
  });

  it('any other D1 failure is not retried', async () => {
    const { trail: t, pauses } = trail();
    await expect(
      t.append('queue', [login(1)], (d) => [
        d.insert(voters).values({ numic: 'x' } as typeof voters.$inferInsert), // NOT NULL fails
      ]),
    ).rejects.toThrow(/NOT NULL/);
    expect(pauses).toEqual([]);
    expect(await storedEvents()).toEqual([]);
  });

  it('an AuditHead that cannot be told leaves the events written, and past its head', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const down: HeadWitness = {
      advance: () => Promise.reject(new Error('object unreachable')),
      heads: () => witness().heads(),
    };
    await trail().trail.append('queue', [login(1)]);
    await trail({ witness: down }).trail.append('queue', [login(2)]);
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/audit_head_not_advanced: Error chain=queue seq=2/));
    expect(await intact()).toEqual({ ok: true, chains: 1, events: 2, unchained: 0, unwitnessed: 1 });
    // The next write moves the head past both.
    await trail().trail.append('queue', [login(3)]);
    expect(await intact()).toMatchObject({ ok: true, events: 3, unwitnessed: 0 });
    error.mockRestore();
  });

  it('the AuditHead object only moves a head forward', async () => {
    const stub = env.AUDIT_HEAD.get(env.AUDIT_HEAD.idFromName('audit-heads'));
    const h = { chain: 'queue', seq: 5, hash: 'a'.repeat(64), at: T0 };
    expect(await stub.advance(h)).toBe(true);
    expect(await stub.advance({ ...h, seq: 3, hash: 'b'.repeat(64) })).toBe(false);
    expect(await stub.advance({ ...h, hash: 'c'.repeat(64) })).toBe(false);
    expect(await stub.heads()).toEqual([h]);
    expect(await stub.advance({ ...h, seq: 6, hash: 'd'.repeat(64) })).toBe(true);
    expect(await witness().heads()).toEqual([{ ...h, seq: 6, hash: 'd'.repeat(64) }]);
  });

  it('reads the trail for `npm run audit -- verify` under /_dev/audit, hidden like the other tools', async () => {
    const t = trail().trail;
    for (let i = 0; i < 3; i++) await t.append('queue', [login(i)]);
    const h = harness();
    const heads = await (await h.get('/_dev/audit/heads')).json();
    expect(heads).toEqual(await witness().heads());
    const all = (await (await h.get('/_dev/audit/events')).json()) as { id: number }[];
    expect(all).toEqual(await storedEvents());
    const page = await (await h.get(`/_dev/audit/events?after=${all[0]!.id}&limit=1`)).json();
    expect(page).toEqual([all[1]]);
    for (const q of ['after=x', 'limit=0', 'limit=501', 'after=1.5']) {
      expect((await h.get(`/_dev/audit/events?${q}`)).status, q).toBe(400);
    }
    const app = createApp({ clock: () => T0 });
    expect((await app.request('https://vote.example.org/_dev/audit/events', {}, env)).status).toBe(404);
    expect((await app.request(`${ORIGIN}/_dev/audit/heads`, {}, { ...env, DEV_TOOLS: undefined })).status).toBe(404);
  });
});
