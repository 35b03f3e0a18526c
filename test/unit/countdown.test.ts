// The browser's countdown (src/client/remaining.ts) must read exactly like the server's, or
// the text would change on its own a few seconds after the page loads.
import { describe, expect, it } from 'vitest';
import { remaining } from '../../src/client/remaining';
import { translator } from '../../src/i18n';
import { remainingText } from '../../src/i18n/dates';

describe('countdown in the browser', () => {
  it('matches the server text for every minute of the last days and around each boundary', () => {
    const t = translator('fr');
    const closesAt = Date.UTC(2022, 3, 25, 9, 14);
    const samples: number[] = [];
    for (let left = 0; left <= 5 * 86_400_000; left += 60_000) samples.push(left);
    for (const edge of [60_000, 3_600_000, 86_400_000, 2 * 86_400_000]) samples.push(edge - 1, edge, edge + 1);
    for (const left of samples) {
      const { unit, n } = remaining(left);
      const browser = t(`login.${unit}`, { n });
      expect(browser, `left=${left}`).toBe(remainingText(closesAt, closesAt - left, t));
    }
  });

  it('never reads zero while the vote is open', () => {
    expect(remaining(1)).toEqual({ unit: 'minutes', n: 1 });
    expect(remaining(4 * 86_400_000)).toEqual({ unit: 'days', n: 4 });
  });
});
