/**
 * `election set` and `election contests`: what makes sense is decided here, then written
 * with its audit event (platform/election-admin.ts). Refused: a closing not after the
 * opening; moving the opening once the vote has opened (ballots may exist from then on);
 * a contest for a constituency other than 1 to 11, with fewer than two answers, twice in one
 * file, or whose ballot box is already set up.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Contest, Election } from '../../db/schema';
import type { MessageKey, Params } from '../../i18n';
import type { ContestInput } from '../../platform/election-admin';
import type { Operator } from '../../platform/operators/auth';
import { operatorEvent } from '../../platform/operators/audit';
import type { Services } from '../../platform/services';
import { CONSTITUENCIES } from '../../platform/roll/row';

export interface Rejection {
  status: ContentfulStatusCode;
  key: MessageKey;
  params?: Params;
}

export interface ElectionSummary {
  title: string;
  opens: string;
  closes: string;
  contests: { constituency: string; question: string; answers: string[]; blank: boolean; locked: boolean }[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export function electionSummary({ election, contests }: { election: Election; contests: Contest[] }): ElectionSummary {
  return {
    title: election.title,
    opens: iso(election.opensAt),
    closes: iso(election.closesAt),
    contests: contests.map((c) => ({
      constituency: c.constituency,
      question: c.question,
      answers: JSON.parse(c.answers) as string[],
      blank: c.blank,
      locked: c.ballotSetUpAt !== null,
    })),
  };
}

export async function applyElection(
  s: Pick<Services, 'clock' | 'electionAdmin' | 'boxes'>,
  operator: Operator,
  input: { title?: string; opens?: string; closes?: string },
): Promise<{ summary: ElectionSummary } | { reject: Rejection }> {
  const now = s.clock();
  const current = await s.electionAdmin.read();
  const { election } = current;
  if (!election && (input.title === undefined || input.opens === undefined || input.closes === undefined)) {
    return { reject: { status: 409, key: 'operator.error.election_missing' } };
  }
  const opensAt = input.opens === undefined ? election!.opensAt : Date.parse(input.opens);
  const closesAt = input.closes === undefined ? election!.closesAt : Date.parse(input.closes);
  if (Number.isNaN(opensAt) || Number.isNaN(closesAt)) {
    return { reject: { status: 400, key: 'operator.error.bad_request', params: { detail: 'opens/closes' } } };
  }
  if (closesAt <= opensAt) return { reject: { status: 400, key: 'operator.error.close_before_open' } };
  // Closing is final: once the vote has closed, the sealed credentials are wiped and the boxes
  // end, so the window never moves again (no vote is reopened).
  if (election && now >= election.closesAt && (opensAt !== election.opensAt || closesAt !== election.closesAt)) {
    return { reject: { status: 409, key: 'operator.error.closed_final' } };
  }
  if (election && opensAt !== election.opensAt && now >= election.opensAt) {
    return { reject: { status: 409, key: 'operator.error.opening_after_ballots' } };
  }
  const title = input.title ?? election!.title;
  const updated = await s.electionAdmin.update(
    { title, opensAt, closesAt },
    operatorEvent('operator.election.set', operator, now, { title, opens: iso(opensAt), closes: iso(closesAt) }),
  );
  // "It takes effect at once everywhere, ballot box included": each box decides casts by its own
  // copy of the window, so every set-up box gets the new one now.
  await Promise.all(
    current.contests
      .filter((k) => k.ballotSetUpAt !== null)
      .map((k) => s.boxes.forConstituency(k.constituency).setWindow(opensAt, closesAt)),
  );
  return { summary: electionSummary({ election: updated, contests: current.contests }) };
}

export async function applyContests(
  s: Pick<Services, 'clock' | 'electionAdmin'>,
  operator: Operator,
  list: ContestInput[],
): Promise<{ summary: ElectionSummary } | { reject: Rejection }> {
  const now = s.clock();
  const seen = new Set<string>();
  for (const c of list) {
    const params = { constituency: c.constituency };
    if (!(CONSTITUENCIES as readonly string[]).includes(c.constituency)) {
      return { reject: { status: 400, key: 'operator.error.unknown_constituency', params } };
    }
    if (seen.has(c.constituency)) return { reject: { status: 400, key: 'operator.error.duplicate_contest', params } };
    seen.add(c.constituency);
    if (new Set(c.answers).size < 2) return { reject: { status: 400, key: 'operator.error.few_answers', params } };
  }
  const current = await s.electionAdmin.read();
  if (!current.election) return { reject: { status: 409, key: 'operator.error.election_missing' } };
  const locked = current.contests.find((c) => c.ballotSetUpAt !== null && seen.has(c.constituency));
  if (locked) {
    return {
      reject: { status: 409, key: 'operator.error.contest_locked', params: { constituency: locked.constituency } },
    };
  }
  const contests = await s.electionAdmin.setContests(
    list,
    now,
    operatorEvent('operator.election.contests', operator, now, { constituencies: list.map((c) => c.constituency) }),
  );
  return { summary: electionSummary({ election: current.election, contests }) };
}
