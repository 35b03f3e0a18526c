/**
 * The election's settings (title, window). Read on every screen, changed almost never: what a
 * screen shows is cached per isolate for a short time so GET / needs no D1 round trip. What a
 * request decides on (may this login, this renewal, this ballot go through?) reads the settings
 * from the D1 primary (`freshElection`), so an operator's `election set` takes effect at once
 * everywhere; that read also refreshes this isolate's cache.
 */
import { elections, type Election } from '../db/schema';
import { fieldColumns } from './database';
import { AppError } from './errors';

const CACHE_MS = 30_000;
let cached: { key: string; election: Election; until: number } | null = null;

/** `db` is called only on a cache miss, so a cached read costs no D1 session nor client. */
export async function currentElection(db: () => D1DatabaseSession, electionId: string, now: number): Promise<Election> {
  if (cached && cached.key === electionId && cached.until > now && cached.until - CACHE_MS <= now) {
    return cached.election;
  }
  return readElection(db, electionId, now);
}

/** The settings as the D1 primary has them now, for a decision; refreshes the cache. */
export function freshElection(primary: () => D1DatabaseSession, electionId: string, now: number): Promise<Election> {
  return readElection(primary, electionId, now);
}

/**
 * Every login reads the settings (and every ballot, renewal, /espace): the statement is built
 * once per isolate from the table's columns, each aliased to its field name, as the voter
 * reads are (voters.ts) — drizzle's query builder spent ~0.05 ms of CPU per call on it.
 */
const SELECT_ELECTION = `SELECT ${fieldColumns(elections)} FROM "elections" WHERE "${elections.id.name}" = ?`;

type ElectionRow = Omit<Election, 'convocationOpen'> & { convocationOpen: number | boolean };

/** One read of the settings, which becomes this isolate's cached copy. */
async function readElection(db: () => D1DatabaseSession, electionId: string, now: number): Promise<Election> {
  const row = await db().prepare(SELECT_ELECTION).bind(Number(electionId)).first<ElectionRow>();
  if (!row) throw new AppError('misconfigured', 'election_not_loaded');
  // The one column drizzle decodes: SQLite keeps the boolean as 0 or 1.
  const election: Election = { ...row, convocationOpen: Boolean(row.convocationOpen) };
  cached = { key: electionId, election, until: now + CACHE_MS };
  return election;
}

/** Forgets the cached settings (tests, and after an operator changes the window). */
export function forgetElection(): void {
  cached = null;
}

export type WindowState = 'before' | 'open' | 'closed';

export function windowState(election: Election, now: number): WindowState {
  if (now < election.opensAt) return 'before';
  if (now >= election.closesAt) return 'closed';
  return 'open';
}

/**
 * Renewal screens work from the roll's loading until the vote closes (SPEC.md
 * "Availability"): a voter may fix a lost credential before the vote opens.
 */
export function renewalState(election: Election, now: number): WindowState {
  if (now < election.rollLoadedAt) return 'before';
  if (now >= election.closesAt) return 'closed';
  return 'open';
}
