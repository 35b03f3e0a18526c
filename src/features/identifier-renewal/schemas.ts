/**
 * The forms of identifier renewal (zod/mini). Messages are catalogue keys.
 */
import * as z from 'zod/mini';
import { normalizeNumic } from '../../platform/credentials';
import { captchaFields, requiredText } from '../../platform/validation';
import { REF_PATTERN, TOKEN_PATTERN } from '../../platform/links';

/** Écran 2: the NUMIC (leading zeros and spaces allowed), the e-mail address, the code. */
export const requestSchema = z.object({
  numic: requiredText(32).check(
    z.refine((v) => v === '' || normalizeNumic(v) !== null, { error: 'identifierRenewal.numicFormat' }),
  ),
  email: requiredText(254).check(
    z.refine((v) => v === '' || /^[^\s@]+@[^\s@]+$/.test(v), { error: 'identifierRenewal.emailFormat' }),
  ),
  ...captchaFields,
  intent: z.optional(z.string()),
});

/** Écran 5: the link (hidden fields, never in the form's URL), the password, the code. */
export const validateSchema = z.object({
  ref: z.string().check(z.regex(REF_PATTERN)),
  token: z.string().check(z.regex(TOKEN_PATTERN)),
  password: requiredText(128, false),
  ...captchaFields,
  intent: z.optional(z.string()),
});

export type RequestInput = z.infer<typeof requestSchema>;
export type ValidateInput = z.infer<typeof validateSchema>;
