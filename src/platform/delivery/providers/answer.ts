/**
 * Provider answers are recorded in `delivery_outcomes` and may be logged: they must stay short
 * and hold nothing personal or secret. A provider's error text can echo what it was sent (an
 * address, a phone number, a link), so anything that looks like one is masked.
 */

const MAX_ANSWER = 160;

/** Masks exact values (the secret, the recipient) and bounds the length. */
export function redact(text: string, exact: readonly (string | undefined | null)[] = []): string {
  let out = text;
  for (const value of exact) if (value) out = out.replaceAll(value, '[redacted]');
  out = out.replace(/[\r\n\t]+/g, ' ').trim();
  return out.length > MAX_ANSWER ? `${out.slice(0, MAX_ANSWER - 1)}…` : out;
}

/** {@link redact}, then URLs, addresses and long numbers masked: for a provider's error text. */
export function scrub(text: string, exact: readonly (string | undefined | null)[] = []): string {
  let out = text;
  for (const value of exact) if (value) out = out.replaceAll(value, '[redacted]');
  out = out
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[url]')
    .replace(/[^\s"'<>()]+@[^\s"'<>()]+/g, '[address]')
    .replace(/\+?\d[\d .-]{5,}\d/g, '[number]');
  return redact(out);
}

/** A provider's own message id, kept for correlation with its logs (safe characters only). */
export function providerId(value: unknown): string {
  return String(value ?? '')
    .replace(/[^A-Za-z0-9<>@._-]/g, '')
    .slice(0, 100);
}

/** A provider's own error code, kept when it is a plain token (`invalid_parameter`, `E_…`). */
export function providerCode(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,47}$/.test(value) ? value : null;
}
