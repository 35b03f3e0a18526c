/**
 * What the operator API accepts (zod/mini). The commands validate the same things before they
 * send (scripts/roll), and the Worker again here: nothing reaches D1 unchecked.
 */
import * as z from 'zod/mini';
import { RUN_ID, ROLL_ROWS_MAX, ROLL_SEEN_MAX, rollLineRowSchema } from '../../platform/roll/row';

export const RUN = z.string().check(z.regex(RUN_ID));
export const MAX_ROWS_PER_CHUNK = ROLL_ROWS_MAX;
export const MAX_SEEN_PER_CALL = ROLL_SEEN_MAX;

export const rowsBody = z.object({
  run: RUN,
  replace: z.boolean(),
  rows: z.array(rollLineRowSchema).check(z.minLength(1), z.maxLength(MAX_ROWS_PER_CHUNK)),
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

export const convokeStartBody = z.object({ onlyNew: z.boolean() });
const round = z.number().check(z.int(), z.minimum(0));
export const convokeEnqueueBody = z.object({
  round,
  onlyNew: z.boolean(),
  after: z.number().check(z.int(), z.minimum(0)),
  limit: z.number().check(z.int(), z.minimum(1), z.maximum(1000)),
});
export const convokeStatusBody = z.object({
  round,
  onlyNew: z.boolean(),
  since: z.number().check(z.int(), z.minimum(0)),
});
export const convokeFinishBody = z.object({ round: z.number().check(z.int(), z.minimum(1)) });

export const resendBody = z.object({
  numic: z.string().check(z.regex(/^\d{8}$/)),
  credential: z.enum(['identifier', 'password']),
});

const CONSTITUENCY = z.string().check(z.regex(/^(?:[1-9]|1[01])$/));

/** `ballot setup --trustees <pubkey>…`: each trustee's `.pubkey` as its file holds it. */
export const ballotSetupBody = z.object({
  trustees: z.array(z.string().check(z.minLength(10), z.maxLength(4000))).check(z.minLength(1), z.maxLength(20)),
});
export const ballotCredentialsBody = z.object({
  constituency: CONSTITUENCY,
  after: z.number().check(z.int(), z.minimum(0)),
});
export const ballotFreezeBody = z.object({ constituency: CONSTITUENCY });
export const ballotTallyBody = z.object({ constituency: CONSTITUENCY });
/** Each partial decryption as its file holds it (two lines of ~1 KB per choice: 64 KiB is ample). */
export const ballotResultBody = z.object({
  constituency: CONSTITUENCY,
  partials: z.array(z.string().check(z.minLength(10), z.maxLength(65_536))).check(z.minLength(1), z.maxLength(20)),
});
