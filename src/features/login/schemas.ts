/**
 * Login form (zod/mini: full zod would add ~780 KB to the bundle). Messages are catalogue
 * keys, translated when the form is re-rendered.
 */
import * as z from 'zod/mini';
import { normalizeIdentifier } from '../../platform/credentials';
import { captchaFields, requiredText } from '../../platform/validation';

export const loginSchema = z.object({
  identifier: requiredText(64).check(
    z.refine((v) => v.trim() === '' || normalizeIdentifier(v) !== null, { error: 'field.identifierFormat' }),
  ),
  password: requiredText(128, false),
  ...captchaFields,
  intent: z.optional(z.string()),
});

export type LoginInput = z.infer<typeof loginSchema>;
