/**
 * The D1 database through drizzle. Every query of the app goes through `database(env)`, the
 * one place that decides how D1 is reached.
 */
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';

// No `schema` option: it only serves drizzle's relational API (`db.query.*`), which the app
// does not use, and turning the schema into that API's config costs ~0.1 ms of CPU on every
// drizzle() call — a third of what the login screen may spend. Queries name their tables.
export type Database = DrizzleD1Database;

export function database(d1: D1Database | D1DatabaseSession): Database {
  return drizzle(d1 as D1Database);
}
