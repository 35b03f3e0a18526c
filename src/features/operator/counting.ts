/**
 * `ballot tally` and `ballot result` on the operator API (platform/ballot/counting.ts): the
 * tally only once the vote has closed (by the D1 primary's window, and by the box's own), the
 * partial decryptions checked one by one, each refusal naming the trustee or the file.
 */
import type { PartialRefusal, PublishedResult } from '../../platform/ballot/counting';
import type { Operator } from '../../platform/operators/auth';
import { operatorEvent } from '../../platform/operators/audit';
import type { Services } from '../../platform/services';
import type { Rejection } from './election';

export async function tallyBallot(
  s: Pick<Services, 'clock' | 'election' | 'counting'>,
  operator: Operator,
  constituency: string,
): Promise<
  { reject: Rejection } | { tally: { constituency: string; uuid: string; numTallied: number; already: boolean } }
> {
  const now = s.clock();
  const election = await s.election.fresh();
  if (now < election.closesAt) return { reject: { status: 409, key: 'operator.error.vote_open' } };
  const out = await s.counting.tally(
    constituency,
    now,
    operatorEvent('operator.ballot.tally', operator, now, { constituency }),
  );
  switch (out.kind) {
    case 'open':
      return { reject: { status: 409, key: 'operator.error.vote_open' } };
    case 'not_set_up':
      return { reject: { status: 404, key: 'operator.error.not_prepared', params: { constituency } } };
    default:
      return {
        tally: { constituency, uuid: out.uuid, numTallied: out.numTallied, already: out.kind === 'already' },
      };
  }
}

function refusalOf(constituency: string, out: PartialRefusal): Rejection {
  const params = { constituency };
  switch (out.kind) {
    case 'not_tallied':
      return { status: 409, key: 'operator.error.not_tallied', params };
    case 'unreadable':
      return { status: 400, key: 'operator.error.partial_unreadable', params: { ...params, index: out.index } };
    case 'unknown_trustee':
      return { status: 400, key: 'operator.error.partial_foreign', params: { ...params, trustee: out.trustee } };
    case 'duplicate':
      return { status: 400, key: 'operator.error.partial_duplicate', params: { ...params, trustee: out.trustee } };
    case 'invalid':
      return { status: 400, key: 'operator.error.partial_invalid', params: { ...params, trustee: out.trustee } };
    case 'missing':
      return {
        status: 400,
        key: 'operator.error.partial_missing',
        params: { ...params, trustees: out.trustees.join(', ') },
      };
  }
}

export async function publishResult(
  s: Pick<Services, 'clock' | 'counting'>,
  operator: Operator,
  constituency: string,
  partials: readonly string[],
): Promise<{ reject: Rejection } | { result: PublishedResult & { already: boolean } }> {
  const now = s.clock();
  const out = await s.counting.publish(
    constituency,
    partials,
    now,
    operatorEvent('operator.ballot.result', operator, now, { constituency, partials: partials.length }),
  );
  if ('result' in out) {
    return { result: { ...out.result, already: out.kind === 'already' } };
  }
  return { reject: refusalOf(constituency, out) };
}
