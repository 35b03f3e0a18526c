/**
 * Form building blocks shared by every screen: labelled fields with their error tied by
 * aria-describedby, the error summary (focused first, announced), and the security code.
 */
import type { Child } from 'hono/jsx';
import type { Translate } from '../i18n';

export type FieldErrors = Partial<Record<string, string>>;

export interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'email';
  value?: string;
  error?: string;
  hint?: string;
  autocomplete?: string;
  inputmode?: 'numeric' | 'text' | 'email';
  maxlength?: number;
  after?: Child;
  before?: Child;
}

/** A required text field: label, optional hint, the input, its error. */
export function Field(p: FieldProps) {
  const hintId = p.hint ? `${p.name}-hint` : undefined;
  const errorId = p.error ? `${p.name}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={p.error ? 'field field-error' : 'field'}>
      <label for={p.name}>{p.label}</label>
      {p.before}
      {p.hint && (
        <p class="hint" id={hintId}>
          {p.hint}
        </p>
      )}
      {p.error && (
        <p class="error" id={errorId}>
          {p.error}
        </p>
      )}
      <input
        id={p.name}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value ?? ''}
        required
        aria-required="true"
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy}
        autocomplete={p.autocomplete}
        inputmode={p.inputmode}
        maxlength={p.maxlength}
        spellcheck={false}
        autocapitalize="none"
      />
      {p.after}
    </div>
  );
}

/** The list of errors at the top of a form; the page's script moves focus to it. */
export function ErrorSummary({ t, errors }: { t: Translate; errors: FieldErrors }) {
  const entries = Object.entries(errors).filter((e): e is [string, string] => Boolean(e[1]));
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1} id="error-summary">
      <p>{t('meta.errorSummary', { count: entries.length })}</p>
      <ul>
        {entries.map(([name, message]) => (
          <li>
            <a href={name === 'form' ? '#main' : `#${name}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A page-level notice (throttling, window closed…), announced to screen readers. */
export function Notice({ children, kind = 'info' }: { children?: Child; kind?: 'info' | 'warning' }) {
  return (
    <div class={`notice notice-${kind}`} role="status">
      {children}
    </div>
  );
}

export interface CaptchaProps {
  t: Translate;
  captchaId: string;
  error?: string;
  /** The source document says "Saisissez les 4 chiffres:" on the login screen and
   *  "… ci-dessus" on the renewal screens. */
  prompt: 'captcha.prompt' | 'captcha.promptAbove';
}

/**
 * The security code: the image (its digits are in no text node and no attribute), the
 * prompt, the input named `captcha` and the hidden `captchaId`.
 */
export function CaptchaField({ t, captchaId, error, prompt }: CaptchaProps) {
  return (
    <fieldset class="captcha">
      <legend>{t('captcha.label')}</legend>
      <img
        class="captcha-image"
        src={`/captcha/${captchaId}.svg`}
        alt={t('captcha.image')}
        width={180}
        height={70}
      />
      <input type="hidden" name="captchaId" value={captchaId} />
      <Field
        name="captcha"
        label={t(prompt)}
        hint={t('captcha.hint', { minutes: 10 })}
        error={error}
        autocomplete="off"
        inputmode="numeric"
        maxlength={4}
      />
    </fieldset>
  );
}

/**
 * The form's buttons: the main action first (so Enter submits it), then "new code", which
 * posts the form with `intent=refresh` and gets the same screen back, values kept.
 */
export function FormActions({ t, submit }: { t: Translate; submit: string }) {
  return (
    <div class="actions">
      <button type="submit" name="intent" value="submit" class="primary">
        {submit}
      </button>
      <button type="submit" name="intent" value="refresh" class="secondary" formnovalidate>
        {t('captcha.refresh')}
      </button>
    </div>
  );
}
