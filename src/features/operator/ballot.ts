/**
 * `ballot setup` on the operator API: the command sends the trustees' public keys, then drives
 * each constituency's credentials page by page, then freezes it into its ballot box
 * (platform/ballot/setup.ts). Refused before contests, when every box is already set up, and
 * with fewer than two distinct trustees or a key whose proof of knowledge fails.
 */
import {
  archiveHeader,
  parseTrusteePublicKey,
  tarEntry,
  tarHeader,
  tarPadding,
  verifyPok,
  type TrusteePublicKey,
} from '../../ballot';
import { CREDENTIALS_PAGE, type BallotBox, type BoxRecord } from '../../platform/ballot/box';
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
    case 'changed':
      return { reject: { status: 409, key: 'operator.error.freeze_changed', params: { constituency } } as Rejection };
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

/**
 * The box's archive as a stream: the header, then each record as its tar entry, in order — the
 * credentials record's body page by page of credentials, never whole (it is ~124 MB for a box
 * of 200 000 voters). A body that does not come to the size the box recorded ends the stream in
 * error rather than send a broken archive.
 */
export function archiveStream(box: DurableObjectStub<BallotBox>, timestamp: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after = -1;
  let queue: BoxRecord[] = [];
  /** The credentials record being written: the last credential sent, the bytes so far. */
  let streaming: { size: number; written: number; last: string | null } | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (after < 0) {
        controller.enqueue(archiveHeader(timestamp));
        after = 0;
        return;
      }
      if (streaming) {
        const page = await box.credentialsPage(streaming.last ?? '', CREDENTIALS_PAGE);
        let text = page.map((c, i) => (streaming!.last === null && i === 0 ? `["${c}"` : `,"${c}"`)).join('');
        if (streaming.last === null && page.length === 0) text = '[';
        if (page.length < CREDENTIALS_PAGE) text += ']';
        streaming.written += text.length;
        if (text) controller.enqueue(encoder.encode(text));
        streaming.last = page.at(-1) ?? streaming.last ?? '';
        if (page.length < CREDENTIALS_PAGE) {
          if (streaming.written !== streaming.size)
            return controller.error(new Error('ballot archive: the credentials record changed size'));
          controller.enqueue(tarPadding(streaming.size));
          streaming = null;
        }
        return;
      }
      if (queue.length === 0) {
        queue = await box.records(after, EXPORT_PAGE);
        if (queue.length === 0) return controller.close();
      }
      const r = queue.shift()!;
      after = r.pos;
      const name = `${r.hash}.${r.kind}.json`;
      if (r.streamed === null) return controller.enqueue(tarEntry(name, encoder.encode(r.body), timestamp));
      controller.enqueue(tarHeader(name, r.streamed, timestamp));
      streaming = { size: r.streamed, written: 0, last: null };
    },
  });
}
