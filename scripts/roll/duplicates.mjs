/**
 * NUMICs that appear more than once in the roll, found in memory that does not grow with the
 * file: one bit per possible NUMIC (10⁸ bits, 12.5 MB) says "seen", and only the duplicated
 * ones get an entry. Both (all) rows of a duplicated NUMIC are rejected, each naming the
 * others' lines: which one is right is the operator's call, not the import's.
 */
import { REASONS } from './reasons.mjs';

/** Lines named per duplicated NUMIC; past that the reason says how many more. */
export const LINES_NAMED = 10;

export class DuplicateFinder {
  constructor() {
    this.seen = new Uint8Array(100_000_000 / 8);
    /** @type {Map<string, {lines: number[], count: number, first: number | null}>} */
    this.duplicated = new Map();
  }

  /** First pass: note a row's NUMIC (8 digits, already normalised). */
  add(numic, line) {
    const n = Number(numic);
    const byte = n >>> 3;
    const bit = 1 << (n & 7);
    if ((this.seen[byte] & bit) === 0) {
      this.seen[byte] |= bit;
      return;
    }
    // A second (third…) occurrence. The first one's line is not known yet: the second pass
    // meets it first, before any of these.
    let entry = this.duplicated.get(numic);
    if (!entry) {
      entry = { lines: [], count: 1, first: null };
      this.duplicated.set(numic, entry);
    }
    entry.count++;
    if (entry.lines.length < LINES_NAMED) entry.lines.push(line);
  }

  /** How many rows hold a duplicated NUMIC. */
  get rows() {
    let rows = 0;
    for (const entry of this.duplicated.values()) rows += entry.count;
    return rows;
  }

  /**
   * Second pass, in file order: null if this NUMIC is not duplicated, else the reject reason
   * for the row on `line`, naming the other lines of that NUMIC.
   */
  reason(numic, line) {
    const entry = this.duplicated.get(numic);
    if (!entry) return null;
    if (entry.first === null) entry.first = line; // file order: the first occurrence comes first
    const all = entry.first === line ? entry.lines : [entry.first, ...entry.lines];
    const others = all.filter((l) => l !== line).slice(0, LINES_NAMED);
    return REASONS.duplicate(others, entry.count - 1 - others.length);
  }
}
