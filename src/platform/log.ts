/**
 * The Worker's log lines, and the only place that writes them. Workers Logs keep them for
 * days and more people read them than read the database, so a line says what failed with a
 * code of ours, the error's name (its class) and a few facts of our own (a message id, a
 * channel, a delay) — never an error's message, its cause or its parameters: a driver's
 * message carries the statement's parameters (D1 through drizzle: "Failed query: … params:
 * 00123456,electeur@example.org,…"), a provider's may echo an address, and either would put
 * a NUMIC, an address or a voter's letter to the assistance cell in the log.
 * test/integration/error-logs.test.ts runs every flow with D1 failing and reads every line.
 */
import type { ErrorCode } from './errors';

/** Every line's code: grep the logs for one, or this list for what they mean. */
export type LogCode =
  // A request that failed (src/app.tsx onError): the code the voter's page was chosen by.
  | ErrorCode
  | 'missing_secrets'
  | 'queue_message_unknown_kind'
  | 'audit_batch_not_written'
  | 'identifier_renewal_not_confirmed'
  | 'password_renewal_not_confirmed'
  | 'outbox_relayed_again'
  | 'ballot_credentials_wiped'
  | 'ballot_credentials_wipe_failed'
  | 'background_failed'
  | 'convocation_relay_failed'
  | 'convocation_batch_failed'
  | 'resend_not_confirmed'
  | 'renewal_not_confirmed'
  | 'audit_dead_letters_written'
  | 'audit_dead_letter_given_up'
  | 'audit_dead_letters_not_written'
  | 'audit_head_not_advanced'
  | 'audit_heads_no_recipient'
  | 'audit_heads_mailed'
  | 'delivery_retry'
  | 'delivery_sent'
  | 'receipt_refused'
  | 'approval_not_recorded'
  | 'ballot_refused'
  | 'ballot_box_unreachable'
  | 'ballot_box_refused'
  | 'emargement_not_confirmed'
  | 'cast_not_recorded'
  | 'renewal_confirm_failed'
  | 'audit_queue_refused'
  | 'audit_heads_kept'
  | 'delivery_alerts_failed'
  | 'alert_mail_not_queued'
  | 'alert_webhook_failed'
  | 'delivery_alert'
  | 'delivery_recovered'
  | 'delivery_failed'
  | 'delivery_expired'
  | 'delivery_not_settled'
  | 'delivery_outcome_not_recorded'
  | 'delivery_dead_lettered'
  | 'dead_letter_not_recorded';

/** Facts of our own: identifiers we made, channel and purpose names, counters. */
export type LogFacts = Readonly<Record<string, string | number | undefined>>;

const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;

/**
 * What a line says of an error: its name when it is a plain identifier (`Error`,
 * `TypeError`, `AppError`), else `Error`; for a thrown non-Error, its type.
 */
export function errorName(err: unknown): string {
  if (err instanceof Error) return SAFE_NAME.test(err.name) ? err.name : 'Error';
  return err === null ? 'null' : typeof err;
}

/** A fact's value kept to one short token: a line cannot be split or forged through it. */
function fact(value: string | number): string {
  return String(value)
    .replace(/[^A-Za-z0-9_.,:-]/g, '')
    .slice(0, 80);
}

/** `isoloir: <code>[: <error name>][ key=value …]` */
export function logLine(code: LogCode, err?: unknown, facts: LogFacts = {}): string {
  let out = `isoloir: ${code}`;
  if (err !== undefined) out += `: ${errorName(err)}`;
  for (const [key, value] of Object.entries(facts)) if (value !== undefined) out += ` ${key}=${fact(value)}`;
  return out;
}

export const log = {
  error: (code: LogCode, err?: unknown, facts?: LogFacts) => console.error(logLine(code, err, facts)),
  warn: (code: LogCode, err?: unknown, facts?: LogFacts) => console.warn(logLine(code, err, facts)),
  info: (code: LogCode, facts?: LogFacts) => console.log(logLine(code, undefined, facts)),
};
