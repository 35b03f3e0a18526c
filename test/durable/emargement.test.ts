/**
 * The émargement in the voter's AccessState object (src/platform/ballot/emargement.ts):
 * none → pending(tracker) → voted(tracker), a retry of the same ballot going on, another one
 * refused while pending or once voted; and a cast whose request died between the émargement and
 * the box, settled by the object's alarm — finished when the box takes it, undone only when the
 * box refuses it.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { BALLOT_T0 as T0, HOUR, setUpBox, testElection, type TestElection } from '../ballot-helpers';
import { voterObject } from '../access-state';

let e: TestElection;
beforeAll(async () => {
  e = await testElection();
});

let n = 0;
/** A voter's object and a set-up box of its own constituency. */
async function fresh() {
  const constituency = `test-${n++}-${Math.random()}`;
  const box = env.BALLOT_BOX.get(env.BALLOT_BOX.idFromName(`box:${constituency}`));
  await setUpBox(box, e);
  return { voter: voterObject(`emargement-${constituency}`), box, constituency };
}

/** Makes the pending cast's settling due now, as 60 s later the runtime would. */
async function settleNow(voter: ReturnType<typeof voterObject>) {
  await runInDurableObject(voter, (_i, state) =>
    state.storage.sql.exec(`UPDATE alarms SET due = 0 WHERE kind = 'settle'`),
  );
  return runDurableObjectAlarm(voter);
}

describe('the émargement', () => {
  it('goes none → pending → voted; a retry of the same ballot goes on, another is refused', async () => {
    const { voter, constituency } = await fresh();
    const a = await e.ballot(0, 1);
    const b = await e.ballot(0, 2);
    const cast = (x: { json: string; tracker: string }) => ({
      tracker: x.tracker,
      constituency,
      ballot: x.json,
      at: T0 + HOUR,
    });
    expect(await voter.castState(T0)).toEqual({ state: 'none' });
    expect(await voter.beginCast(cast(a), T0 + HOUR)).toEqual({ kind: 'begun' });
    expect(await voter.castState(T0 + HOUR)).toEqual({ state: 'pending', tracker: a.tracker, at: T0 + HOUR });
    expect(await voter.beginCast(cast(a), T0 + HOUR)).toEqual({ kind: 'begun' });
    expect(await voter.beginCast(cast(b), T0 + HOUR)).toEqual({ kind: 'pending-other', tracker: a.tracker });
    await voter.finishCast(a.tracker, T0 + HOUR);
    expect(await voter.castState(T0 + 2 * HOUR)).toEqual({ state: 'voted', tracker: a.tracker, at: T0 + HOUR });
    expect(await voter.beginCast(cast(b), T0 + 2 * HOUR)).toEqual({ kind: 'voted', tracker: a.tracker, at: T0 + HOUR });
    // The vote outlives every purge of the object.
    await runDurableObjectAlarm(voter);
    expect((await voter.castState(T0 + 400 * 24 * HOUR)).state).toBe('voted');
  });

  it('of 200 concurrent begins of different ballots, lets exactly one go on', async () => {
    const { voter, constituency } = await fresh();
    const ballots = await Promise.all(Array.from({ length: 8 }, (_, i) => e.ballot(1, i % 3)));
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const x = ballots[i % ballots.length]!;
        return voter.beginCast({ tracker: x.tracker, constituency, ballot: x.json, at: T0 + HOUR }, T0 + HOUR);
      }),
    );
    const state = await voter.castState(T0 + HOUR);
    expect(state.state).toBe('pending');
    const winner = (state as { tracker: string }).tracker;
    // Every begin that went on was for the one pending ballot.
    outcomes.forEach((o, i) => {
      if (o.kind === 'begun') expect(ballots[i % ballots.length]!.tracker).toBe(winner);
      else expect(o).toEqual({ kind: 'pending-other', tracker: winner });
    });
  });

  it('a cast whose request died after the émargement is finished by the alarm, the box taking the ballot', async () => {
    const { voter, box, constituency } = await fresh();
    const a = await e.ballot(2, 'blank');
    await voter.beginCast({ tracker: a.tracker, constituency, ballot: a.json, at: T0 + HOUR }, T0 + HOUR);
    // …and nothing more: the Worker died before reaching the box.
    expect(await box.has(a.tracker)).toBeNull();
    const alarm = await runInDurableObject(voter, (_i, state) => state.storage.getAlarm());
    expect(alarm! - Date.now()).toBeLessThanOrEqual(60_000);
    expect(await settleNow(voter)).toBe(true);
    expect(await box.has(a.tracker)).toEqual({ at: T0 + HOUR });
    expect(await voter.castState(T0 + 2 * HOUR)).toEqual({ state: 'voted', tracker: a.tracker, at: T0 + HOUR });
    expect((await box.info()).ballots).toBe(1);
  });

  it('a pending cast the box refuses is undone by the alarm, and the voter may vote again', async () => {
    const { voter, box, constituency } = await fresh();
    const stranger = await e.ballot(3, 0);
    // Cast after closing: the box refuses.
    const late = e.setup.closesAt + HOUR;
    await voter.beginCast({ tracker: stranger.tracker, constituency, ballot: stranger.json, at: late }, late);
    await settleNow(voter);
    expect(await voter.castState(late)).toEqual({ state: 'none' });
    expect((await box.info()).ballots).toBe(0);
  });
});
