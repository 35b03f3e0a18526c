/**
 * `ballot setup` on the operator API: the command sends the trustees' public keys, then drives
 * each constituency's credentials page by page, then freezes it into its ballot box
 * (platform/ballot/setup.ts). Refused before contests, when every box is already set up, and
 * with fewer than two distinct trustees or a key whose proof of knowledge fails.
 */
import { archiveHeader, parseTrusteePublicKey, tarEntry, verifyPok, type TrusteePublicKey } from '../../ballot';
import type { BallotBox } from '../../platform/ballot/box';
import type { PreparedSetup } from '../../platform/ballot/setup';
import type { Operator } from '../../platform/operators/auth';
import { operatorEvent } from '../../platform/operators/audit';
import type { Services } from '../../platform/services';
import type { Rejection } from './election';

/** The trustees' keys, each checked (its pok), at least two distinct; or why not. */
export async function trusteeKeys(texts: readonly string[]): Promise<TrusteePublicKey[] | Rejection> {
  const keys: TrusteePublicKey[] = [];
  for (const [i, text] of texts.entries()) {
    let key: TrusteePublicKey;
    try {
      key = parseTrusteePublicKey(JSON.parse(text));
    } catch {
      return { status: 400, key: 'operator.error.trustees_invalid', params: { index: i + 1 } };
    }
    if (!(await verifyPok(key)))
      return { status: 400, key: 'operator.error.trustees_invalid', params: { index: i + 1 } };
    keys.push(key);
  }
  if (new Set(keys.map((k) => k.publicKey.toString())).size < 2)
    return { status: 400, key: 'operator.error.trustees_few' };
  return keys;
}

export async function prepareBallots(
  s: Pick<Services, 'clock' | 'electionAdmin' | 'ballotSetup'>,
  operator: Operator,
  texts: readonly string[],
): Promise<{ reject: Rejection } | { prepared: PreparedSetup[] }> {
  const keys = await trusteeKeys(texts);
  if (!Array.isArray(keys)) return { reject: keys };
  const { election, contests } = await s.electionAdmin.read();
  if (!election) return { reject: { status: 409, key: 'operator.error.election_missing' } as Rejection };
  if (contests.length === 0) return { reject: { status: 409, key: 'operator.error.no_contests' } as Rejection };
  if (contests.every((k) => k.ballotSetUpAt !== null)) {
    return { reject: { status: 409, key: 'operator.error.ballot_already' } as Rejection };
  }
  const now = s.clock();
  const prepared = await s.ballotSetup.prepare({
    trustees: keys,
    title: election.title,
    now,
    audit: (constituencies) =>
      operatorEvent('operator.ballot.prepare', operator, now, { constituencies, trustees: keys.length }),
  });
  return { prepared };
}

export async function freezeBallot(
  s: Pick<Services, 'clock' | 'electionAdmin' | 'ballotSetup'>,
  operator: Operator,
  constituency: string,
): Promise<
  { reject: Rejection } | { frozen: { constituency: string; uuid: string; fingerprint: string; credentials: number } }
> {
  const { election } = await s.electionAdmin.read();
  if (!election) return { reject: { status: 409, key: 'operator.error.election_missing' } as Rejection };
  const now = s.clock();
  const outcome = await s.ballotSetup.freeze(
    constituency,
    { opensAt: election.opensAt, closesAt: election.closesAt },
    now,
    operatorEvent('operator.ballot.freeze', operator, now, { constituency }),
  );
  switch (outcome.kind) {
    case 'not_prepared':
      return { reject: { status: 409, key: 'operator.error.not_prepared', params: { constituency } } as Rejection };
    case 'missing_credentials':
      return {
        reject: {
          status: 409,
          key: 'operator.error.credentials_missing',
          params: { constituency, pending: outcome.pending },
        } as Rejection,
      };
    case 'frozen':
      return {
        frozen: {
          constituency,
          uuid: outcome.uuid,
          fingerprint: outcome.fingerprint,
          credentials: outcome.credentials,
        },
      };
  }
}

/** Records pulled from the box per page of the export. */
const EXPORT_PAGE = 100;

/** The box's archive as a stream: the header, then each record as its tar entry, in order. */
export function archiveStream(box: DurableObjectStub<BallotBox>, timestamp: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after = -1;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (after < 0) {
        controller.enqueue(archiveHeader(timestamp));
        after = 0;
        return;
      }
      const page = await box.records(after, EXPORT_PAGE);
      if (page.length === 0) return controller.close();
      for (const r of page) controller.enqueue(tarEntry(`${r.hash}.${r.kind}.json`, encoder.encode(r.body), timestamp));
      after = page.at(-1)!.pos;
    },
  });
}
