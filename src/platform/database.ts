/**
 * The D1 database through drizzle. Every query of the app goes through here, the one place
 * that decides how D1 is reached.
 *
 * Requests read through D1's Sessions API: a session started 'first-unconstrained' may be
 * answered by the read replica nearest to the voter instead of the primary, which may be an
 * ocean away; writes go to the primary through the same session. A replica may lag behind
 * the primary, so when a service has written something the voter will read at once (a
 * renewed identifier that logs in next) it says so (`Services.readYourWrites()`) and the
 * session's bookmark travels in a cookie: the voter's next requests start their session from
 * it and read a copy at least as new. Only then: on screens that must answer the same bytes
 * whoever asks, a bookmark would tell whether the request wrote. Queue consumers write with
 * `database(env.DB)`, straight to the primary.
 */
import { getTableColumns, type Table } from 'drizzle-orm';
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';

// No `schema` option: it only serves drizzle's relational API (`db.query.*`), which the app
// does not use, and turning the schema into that API's config costs ~0.1 ms of CPU on every
// drizzle() call — a third of what the login screen may spend. Queries name their tables.
export type Database = DrizzleD1Database;

export function database(d1: D1Database | D1DatabaseSession): Database {
  return drizzle(d1 as D1Database);
}

/**
 * The select list of `table` with each column aliased to its field name, for the statements
 * built once per isolate (voters.ts, election.ts): D1 then returns the row drizzle would give.
 */
export function fieldColumns(table: Table): string {
  return Object.entries(getTableColumns(table))
    .map(([field, c]) => `"${c.name}" AS "${field}"`)
    .join(', ');
}

/** Carries the D1 bookmark of the voter's last write they must read back. */
export const BOOKMARK_COOKIE = '__Host-isoloir-d1';
/** Long enough for any replica to catch up; a stale bookmark only asks for older data. */
export const BOOKMARK_MAX_AGE_S = 600;
// D1 bookmarks are hex groups joined by hyphens ("00000000-00000005-00000000-…"); anything
// else from a cookie is ignored rather than handed to withSession.
const BOOKMARK = /^[0-9a-f]{8}(?:-[0-9a-f]{8,64}){1,8}$/i;

export function isBookmark(value: string | undefined): value is string {
  return value !== undefined && value.length <= 200 && BOOKMARK.test(value);
}

/** One request's way to D1: a session opened on first use, and its bookmark afterwards. */
export interface RequestDatabase {
  readonly db: Database;
  /** The same session without drizzle, for the statements built once per isolate (voters.ts). */
  readonly session: D1DatabaseSession;
  /** The session's latest bookmark, or null when the request never reached D1. */
  bookmark(): string | null;
  /** Asks for the bookmark to be handed to the voter (their next reads must see this write). */
  keep(): void;
  /** The bookmark to hand over, if `keep()` was called and the session reached D1. */
  kept(): string | null;
}

/**
 * The request's D1 session: from `bookmark` (the voter's cookie) when it is one, else
 * 'first-unconstrained' — any replica. Opened on first use: a screen served from the
 * per-isolate caches opens none.
 */
export function requestDatabase(d1: D1Database, bookmark: string | undefined): RequestDatabase {
  let session: D1DatabaseSession | undefined;
  let db: Database | undefined;
  let keep = false;
  const current = () => session?.getBookmark() ?? null;
  const open = () => (session ??= d1.withSession(isBookmark(bookmark) ? bookmark : 'first-unconstrained'));
  return {
    get db() {
      return (db ??= database(open()));
    },
    get session() {
      return open();
    },
    bookmark: current,
    keep: () => void (keep = true),
    kept: () => (keep ? current() : null),
  };
}
