/**
 * The form of password renewal (zod/mini). Messages are catalogue keys.
 */
import * as z from 'zod/mini';
import { normalizeIdentifier, normalizeNumic } from '../../platform/credentials';
import { captchaFields, requiredText } from '../../platform/validation';

/** Identifier (any case, with or without separators), NUMIC (leading zeros optional), code. */
export const requestSchema = z.object({
  identifier: requiredText(64).check(
    z.refine((v) => v === '' || normalizeIdentifier(v) !== null, { error: 'field.identifierFormat' }),
  ),
  numic: requiredText(32).check(
    z.refine((v) => v === '' || normalizeNumic(v) !== null, { error: 'passwordRenewal.numicFormat' }),
  ),
  ...captchaFields,
  intent: z.optional(z.string()),
});

export type RequestInput = z.infer<typeof requestSchema>;
