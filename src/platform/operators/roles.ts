/**
 * What each operator role may do: one table, read by every operator route
 * (`features/operator`). An action a role lacks is refused (403) and audited like any other.
 * - `assistance`: the assistance cell — tickets, a voter's file, re-sending a credential.
 * - `administrator`: everything, the election's settings and the roll included.
 */
export const ROLES = ['assistance', 'administrator'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'election.set': ['administrator'],
  'election.contests': ['administrator'],
  'roll.import': ['administrator'],
  'roll.convoke': ['administrator'],
  'roll.resend': ['assistance', 'administrator'],
  'voters.read': ['assistance', 'administrator'],
  'tickets.read': ['assistance', 'administrator'],
  'tickets.answer': ['assistance', 'administrator'],
  'audit.read': ['administrator'],
  'delivery.read': ['assistance', 'administrator'],
  'election.read': ['administrator'],
  'ballot.setup': ['administrator'],
  /** Closing's tally and the publication of the results (`ballot tally`, `ballot result`). */
  'ballot.count': ['administrator'],
  /** Asked by one administrator, applied once another approves (`approvals.decide`). */
  'voters.correct': ['administrator'],
  'voters.lift': ['administrator'],
  'approvals.decide': ['administrator'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function may(role: Role, action: Action): boolean {
  return (PERMISSIONS[action] as readonly Role[]).includes(role);
}
