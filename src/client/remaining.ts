/**
 * Time left before closing, in the units the source document uses: whole days ("4 Jour(s)"),
 * then hours, then minutes on the last day; rounded up so it never reads 0 while the vote is
 * open. Pure (no DOM) so a unit test can hold it to the server's `remainingText`.
 */
export type RemainingUnit = 'days' | 'hours' | 'minutes';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

export function remaining(leftMs: number): { unit: RemainingUnit; n: number } {
  const left = Math.max(0, leftMs);
  if (left > DAY) return { unit: 'days', n: Math.ceil(left / DAY - 1e-9) };
  if (left > HOUR) return { unit: 'hours', n: Math.ceil(left / HOUR) };
  return { unit: 'minutes', n: Math.max(1, Math.ceil(left / MINUTE)) };
}
