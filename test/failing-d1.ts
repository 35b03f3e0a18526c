/**
 * A D1 binding that fails on demand the way a driver error leaks: its message carries the
 * statement's parameters (drizzle then wraps it in a DrizzleQueryError whose message is
 * "Failed query: … params: …"). Personal data of a voter and of an assistance request is in
 * every message, so a log line that prints an error's message shows it.
 */

/** The personal data no log line may ever hold. */
export const PERSONAL = {
  numic: '00123456',
  email: 'electeur@example.org',
  phone: '+33600000001',
  name: 'Camille Martin',
  message: "Je n'ai pas reçu le SMS avec mon mot de passe. J'habite à Montréal, au 12 rue Sherbrooke.",
};

/** Each spelling a log line could hold: NUMIC without its zeros, the phone in national form… */
export const PERSONAL_SPELLINGS = [
  PERSONAL.numic,
  '123456',
  PERSONAL.email,
  'electeur',
  PERSONAL.phone,
  '33600000001',
  '0600000001',
  '06 00 00 00 01',
  '600000001',
  PERSONAL.name,
  'Camille',
  'Martin',
  PERSONAL.message,
  'Montréal',
  'Sherbrooke',
  'pas reçu le SMS',
];

/**
 * - `none`: the real D1;
 * - `throws`: prepare, batch, exec and withSession throw at once;
 * - `queries`: every statement fails when it runs (reads and writes), as D1 answers;
 * - `writes`: reads answer, every INSERT / UPDATE / DELETE (alone or in a batch) fails.
 */
export type D1Failure = 'none' | 'throws' | 'queries' | 'writes';

interface Bound {
  sql: string;
  values: unknown[];
  real: D1PreparedStatement;
}

export function failingD1(real: D1Database) {
  let mode: D1Failure = 'none';
  const bound = new WeakMap<object, Bound>();

  const leak = (sql: string, values: unknown[]) =>
    new Error(
      `D1_ERROR: database is locked: SQLITE_BUSY (${sql}) params: ${[...values, PERSONAL.numic, PERSONAL.email, PERSONAL.phone, PERSONAL.name, PERSONAL.message].join(', ')}`,
    );
  const isWrite = (sql: string) => /^\s*(insert|update|delete|replace)\b/i.test(sql);
  const fails = (sql: string) => mode === 'throws' || mode === 'queries' || (mode === 'writes' && isWrite(sql));

  function statement(stmt: D1PreparedStatement, sql: string, values: unknown[]): D1PreparedStatement {
    const run = <T>(go: () => Promise<T>): Promise<T> => (fails(sql) ? Promise.reject(leak(sql, values)) : go());
    const s = {
      bind: (...v: unknown[]) => statement(stmt.bind(...v), sql, v),
      first: (col?: string) => run(() => (col === undefined ? stmt.first() : stmt.first(col))),
      run: () => run(() => stmt.run()),
      all: () => run(() => stmt.all()),
      raw: (options?: { columnNames?: boolean }) =>
        run(() => (options?.columnNames ? stmt.raw({ columnNames: true }) : stmt.raw())),
    } as unknown as D1PreparedStatement;
    bound.set(s, { sql, values, real: stmt });
    return s;
  }

  function surface(target: D1Database | D1DatabaseSession) {
    return {
      prepare(sql: string) {
        if (mode === 'throws') throw leak(sql, []);
        return statement(target.prepare(sql), sql, []);
      },
      batch(statements: D1PreparedStatement[]) {
        const parts = statements.map((s) => bound.get(s)!);
        const sql = parts.map((p) => p.sql).join('; ');
        if (mode === 'throws') throw leak(sql, []);
        if (parts.some((p) => fails(p.sql))) {
          return Promise.reject(
            leak(
              sql,
              parts.flatMap((p) => p.values),
            ),
          );
        }
        return target.batch(parts.map((p) => p.real));
      },
    };
  }

  const db = {
    ...surface(real),
    exec(sql: string) {
      if (mode === 'throws') throw leak(sql, []);
      return fails(sql) ? Promise.reject(leak(sql, [])) : real.exec(sql);
    },
    withSession(constraint?: string) {
      if (mode === 'throws') throw leak(`withSession(${constraint ?? ''})`, []);
      const session = real.withSession(constraint);
      return { ...surface(session), getBookmark: () => session.getBookmark() };
    },
    dump: () => real.dump(),
  } as unknown as D1Database;

  return {
    db,
    fail(next: D1Failure) {
      mode = next;
    },
  };
}
