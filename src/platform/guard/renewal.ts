/**
 * Renewal rules, pure functions of plain data and `now`.
 *
 * "Pour des raisons de sécurité, il n'est pas possible de renouveler à la fois son
 * identifiant et son mot de passe." Requests never block one another; only completing the
 * renewal of one credential is refused within COOLING_OFF_MS of the other's renewal.
 */
export const COOLING_OFF_MS = 24 * 60 * 60_000;
/**
 * How long a renewal the object decided stays tentative until D1 has it: the request confirms
 * at once, the outbox relay (every minute) if the Worker died in between.
 */
export const CONFIRM_WITHIN_MS = 5 * 60_000;
/** A renewal link is valid for one hour (checked here, not by KV's expiry). */
export const LINK_TTL_MS = 60 * 60_000;
/** Wrong passwords typed on one link before it is voided. */
export const MAX_WRONG_PASSWORDS = 5;

export type Credential = 'identifier' | 'password';

export interface PendingLink {
  tokenHash: string;
  expiresAt: number;
  wrongPasswords: number;
  /**
   * The voter's row in D1. A link names the object by the NUMIC's HMAC, which cannot lead
   * back to the voters table; the object remembers the row so a KV miss is not fatal.
   */
  voterId?: number;
}

export type LinkState = 'pending' | 'used' | 'voided' | 'expired' | 'unknown';

export type CompletionRefusal = Exclude<LinkState, 'pending'> | 'cooling-off';

/** The other credential: the one whose recent renewal blocks this one. */
export function other(credential: Credential): Credential {
  return credential === 'identifier' ? 'password' : 'identifier';
}

/** Is completing a renewal of `credential` refused because the other was renewed recently? */
export function inCoolingOff(otherRenewedAt: number | undefined, now: number): boolean {
  return otherRenewedAt !== undefined && now - otherRenewedAt < COOLING_OFF_MS;
}

/** State of a link given its pending record (if any) and the object's record of past tokens. */
export function linkState(
  tokenHash: string,
  pending: PendingLink | undefined,
  past: 'used' | 'voided' | undefined,
  now: number,
): LinkState {
  if (past) return past;
  if (!pending || pending.tokenHash !== tokenHash) return 'unknown';
  if (pending.expiresAt <= now) return 'expired';
  return 'pending';
}
