/**
 * What the operator API accepts (zod/mini). The commands validate the same things before they
 * send (scripts/roll), and the Worker again here: nothing reaches D1 unchecked.
 */
import * as z from 'zod/mini';

export const RUN = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/));
export const MAX_ROWS_PER_CHUNK = 500;
export const MAX_SEEN_PER_CALL = 1000;
export const CONSTITUENCIES = Array.from({ length: 11 }, (_, i) => String(i + 1));

export const rollRow = z.object({
  line: z.number().check(z.int(), z.minimum(2)),
  numic: z.string().check(z.regex(/^\d{8}$/)),
  email: z.string().check(z.maxLength(254), z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/)),
  phone: z.string().check(z.regex(/^\+[1-9]\d{6,14}$/)),
  constituency: z.enum(CONSTITUENCIES as [string, ...string[]]),
  language: z.enum(['fr', 'en']),
  consulate: z.nullable(z.string().check(z.maxLength(100))),
});

export const rowsBody = z.object({
  run: RUN,
  replace: z.boolean(),
  rows: z.array(rollRow).check(z.minLength(1), z.maxLength(MAX_ROWS_PER_CHUNK)),
});

export const seenBody = z.object({
  run: RUN,
  numics: z.array(z.string().check(z.regex(/^\d{8}$/))).check(z.minLength(1), z.maxLength(MAX_SEEN_PER_CALL)),
});

export const replaceBody = z.object({ run: RUN, allowMassDeactivation: z.boolean() });

/** An instant with its offset, as the contract says (`2027-05-20T08:00:00+02:00`). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export const electionBody = z.object({
  title: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  opens: z.optional(z.string().check(z.regex(INSTANT))),
  closes: z.optional(z.string().check(z.regex(INSTANT))),
});

export const contestsBody = z.object({
  contests: z
    .array(
      z.object({
        constituency: z.string(),
        question: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
        answers: z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))).check(z.maxLength(50)),
        blank: z.boolean(),
      }),
    )
    .check(z.minLength(1), z.maxLength(11)),
});
