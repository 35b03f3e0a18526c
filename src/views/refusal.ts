/**
 * What every form shows when a request is refused before any work (the security code, the
 * network's allowance, a throttle): one translation of each refusal and one rounding of
 * waits, so that the screens cannot drift apart.
 */
import type { MessageKey, Translate } from '../i18n';
import type { GateRefusal } from '../platform/form-gate';
import type { FieldErrors } from '../platform/validation';

/**
 * A wait as the voter reads it, always rounded up (never "0", never shorter than the truth):
 * seconds under a minute, minutes under two hours, hours beyond.
 */
export function waitText(ms: number, t: Translate): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return t('login.seconds', { n: seconds });
  const minutes = Math.ceil(seconds / 60);
  return minutes < 120 ? t('login.minutes', { n: minutes }) : t('login.hours', { n: Math.ceil(minutes / 60) });
}

/** A refusal of the form gate, or a throttle of the form's own (`throttled` names its text). */
export type FormRefusal = GateRefusal | { kind: 'throttled'; retryAfterMs: number };

export interface RefusalTexts {
  /** The form's throttle message (takes `{wait}`). */
  throttled?: MessageKey;
  /** The network allowance's message (takes `{wait}`); the login's by default. */
  addressLimited?: MessageKey;
}

export interface RefusalView {
  errors?: FieldErrors;
  notice?: string;
  status: 400 | 429;
}

/** The form again with the refusal: the code's error on its field, a wait as a notice. */
export function refusalView(refusal: FormRefusal, t: Translate, texts: RefusalTexts = {}): RefusalView {
  switch (refusal.kind) {
    case 'captcha':
      return { errors: { captcha: t(`captcha.${refusal.outcome}`) }, status: 400 };
    case 'address-limited':
      return {
        notice: t(texts.addressLimited ?? 'login.tooManyFromNetwork', { wait: waitText(refusal.retryAfterMs, t) }),
        status: 429,
      };
    case 'throttled':
      return {
        notice: t(texts.throttled ?? 'login.throttled', { wait: waitText(refusal.retryAfterMs, t) }),
        status: 429,
      };
  }
}
