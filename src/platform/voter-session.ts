/**
 * A voter's open session, for every screen behind the login (`/espace`, the booth): the KV
 * session, the voter's object's word that it still stands (a renewal or a logout ends it at
 * once), the session generation, and the window read from the D1 primary.
 */
import type { Election, Voter } from '../db/schema';
import type { CastSession } from './ballot/emargement';
import { windowState } from './election';
import type { Services } from './services';

/** The purpose a voter's own object is reached under for the account (login, sessions). */
export const ACCOUNT = 'account';

/**
 * The voter of a session cookie, if the session still stands: KV has it, unexpired, the vote
 * is open, and the voter's object — which knows of every renewal and logout at once, where KV
 * and a D1 replica may lag — says it has not ended. The D1 generation is checked too.
 */
export async function openSession(
  s: Pick<Services, 'clock' | 'election' | 'sessions' | 'guards' | 'voters'>,
  cookie: string | undefined,
  opts: { standing?: 'checked' | 'deferred' } = {},
): Promise<{ voter: Voter; election: Election; session: CastSession } | null> {
  const now = s.clock();
  const [session, election] = await Promise.all([s.sessions.get(cookie, now), s.election.fresh()]);
  if (!session || windowState(election, now) !== 'open') return null;
  // 'deferred': the caller's next call to the voter's object checks the standing in the same
  // round trip (the cast's beginCast), so it is not asked here.
  const [standing, voter] = await Promise.all([
    opts.standing === 'deferred'
      ? true
      : s.guards.forVoter(session.numicHmac, ACCOUNT).sessionCheck(session.hash, session.createdAt, now),
    s.voters.byId(session.voterId),
  ]);
  if (!standing || !voter || voter.sessionGeneration !== session.generation) return null;
  return { voter, election, session: { hash: session.hash, createdAt: session.createdAt } };
}
