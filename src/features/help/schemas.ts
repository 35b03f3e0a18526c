/**
 * The assistance contact form (zod/mini). Messages are catalogue keys, translated when the
 * form is re-rendered. The NUMIC is optional: a voter who writes for help often does not know it.
 */
import * as z from 'zod/mini';
import { normalizeNumic } from '../../platform/credentials';
import { captchaFields, requiredText } from '../../platform/validation';

import { TOPICS, type Topic } from '../../platform/assistance';

export { TOPICS, type Topic };

export const MESSAGE_MAX = 2000;

// Deliberately loose: the assistance cell replies to what the voter typed; we only catch slips.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const contactSchema = z.object({
  name: requiredText(100),
  email: requiredText(254).check(z.regex(EMAIL, { error: 'help.error.email' })),
  numic: z.optional(
    z.string().check(
      z.trim(),
      z.maxLength(20, { error: 'help.error.numic' }),
      z.refine((v) => v === '' || normalizeNumic(v) !== null, { error: 'help.error.numic' }),
    ),
  ),
  topic: z.enum(TOPICS, { error: 'help.error.topic' }),
  message: requiredText(MESSAGE_MAX),
  ...captchaFields,
  intent: z.optional(z.string()),
});

export type ContactInput = z.infer<typeof contactSchema>;

export function isTopic(value: unknown): value is Topic {
  return typeof value === 'string' && (TOPICS as readonly string[]).includes(value);
}
