/**
 * One voter of the roll as the import sends it to the Worker, normalised (SPEC.md "Operators":
 * `npm run roll -- import`). The command (`scripts/roll/`) normalises each CSV row and checks it
 * against this schema; the Worker validates what it receives with the very same schema, so the
 * two can never disagree on what a good row is.
 *
 * Node loads this file with its types stripped (`--experimental-strip-types`): it may import
 * only 'zod/mini' and types, never a relative module at run time.
 */
import * as z from 'zod/mini';

/** The eleven constituencies of the French abroad, as strings. */
export const CONSTITUENCIES = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'] as const;
export const LANGUAGES = ['fr', 'en'] as const;
export const CONSULATE_MAX = 100;
/** E.164: `+`, a country code that never starts with 0, 7 to 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;
/** One run id per command run (`[A-Za-z0-9_-]{8,64}`): the Worker groups a run's rows by it. */
export const RUN_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** Rows per `POST /operateur/api/roll/rows`. */
export const ROLL_ROWS_MAX = 500;
/** NUMICs per `POST /operateur/api/roll/seen`. */
export const ROLL_SEEN_MAX = 1000;

const trimmed = (v: string) => v === v.trim();

/**
 * A normalised voter: NUMIC with its 8 digits, e-mail trimmed with a lower-case domain, phone
 * in E.164, constituency `"1"`..`"11"`, language, consulate trimmed (or null).
 */
export const rollRowSchema = z.object({
  numic: z.string().check(z.regex(/^\d{8}$/)),
  email: z.email().check(
    z.maxLength(254),
    z.refine((v) => v.slice(v.lastIndexOf('@')) === v.slice(v.lastIndexOf('@')).toLowerCase()),
  ),
  phone: z.string().check(z.regex(E164)),
  constituency: z.enum(CONSTITUENCIES),
  language: z.enum(LANGUAGES),
  consulate: z.nullable(z.string().check(z.minLength(1), z.maxLength(CONSULATE_MAX), z.refine(trimmed))),
});

/** A row as sent: the voter and its physical line in the file (1 = the header), for the rejects file. */
export const rollLineRowSchema = z.extend(rollRowSchema, {
  line: z.number().check(z.int(), z.minimum(2)),
});

export type RollRow = z.infer<typeof rollRowSchema>;
export type RollLineRow = z.infer<typeof rollLineRowSchema>;
