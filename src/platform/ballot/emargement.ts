/**
 * The émargement: whether a voter has voted, kept in the voter's AccessState object (one
 * thread, exact) as the French rule wants it — one ballot, validation final. A cast goes
 * none → pending(tracker) → voted(tracker): the object records the intent, the constituency's
 * box takes the ballot, the object records the vote. A retry with the same ballot finishes the
 * job; an alarm settles a pending cast whose browser never came back by asking the box, which is
 * the authority (appends are idempotent by tracker); a pending cast is undone only once the box
 * has refused it. These are the pure rules; access-state.ts holds the state.
 */

export const PENDING_KEY = 'cast:pending';
export const VOTED_KEY = 'cast:voted';
/** Never purged: the émargement lasts as long as the object. */
export const FOREVER = Number.MAX_SAFE_INTEGER;
/** How long a pending cast waits for its request before the alarm settles it. */
export const SETTLE_AFTER_MS = 60_000;

export interface PendingCast {
  tracker: string;
  constituency: string;
  /** The ballot itself, so the alarm can finish the append if the request died. */
  ballot: string;
  /** When the cast was asked (the window is judged at this instant). */
  at: number;
}

export type Emargement =
  | { state: 'none' }
  | { state: 'pending'; tracker: string; at: number }
  | { state: 'voted'; tracker: string; at: number };

export type BeginOutcome =
  | { kind: 'begun' }
  | { kind: 'voted'; tracker: string; at: number }
  | { kind: 'pending-other'; tracker: string }
  /** The session the cast came with has ended (a logout, a renewal): nothing begun. */
  | { kind: 'session-ended' };

/** The voter's session a cast comes with, checked in the same step as the intent. */
export interface CastSession {
  hash: string;
  createdAt: number;
}

export function emargementOf(read: <T>(key: string) => T | undefined): Emargement {
  const voted = read<{ tracker: string; at: number }>(VOTED_KEY);
  if (voted) return { state: 'voted', ...voted };
  const pending = read<PendingCast>(PENDING_KEY);
  return pending ? { state: 'pending', tracker: pending.tracker, at: pending.at } : { state: 'none' };
}

/** May this cast begin? The same ballot pending again is a retry: it goes on. */
export function beginDecision(state: Emargement, cast: PendingCast): BeginOutcome {
  if (state.state === 'voted') return { kind: 'voted', tracker: state.tracker, at: state.at };
  if (state.state === 'pending' && state.tracker !== cast.tracker)
    return { kind: 'pending-other', tracker: state.tracker };
  return { kind: 'begun' };
}
