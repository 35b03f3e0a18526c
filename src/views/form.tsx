/**
 * Form building blocks shared by every screen: labelled fields with their error tied by
 * aria-describedby, the error summary (focused first, announced), and the security code.
 */
import type { Child } from 'hono/jsx';
import type { Translate } from '../i18n';
import { CAPTCHA_HEIGHT, CAPTCHA_WIDTH } from '../platform/captcha/picture';

import type { FieldErrors } from '../platform/validation';

export type { FieldErrors };

export interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'email' | 'tel';
  value?: string;
  error?: string;
  hint?: string;
  autocomplete?: string;
  inputmode?: 'numeric' | 'text' | 'email' | 'tel';
  maxlength?: number;
  after?: Child;
  before?: Child;
  /** Fields are required unless said otherwise; an optional field says so in its label. */
  required?: boolean;
  /** Off by default: codes and credentials must not be "corrected" by the phone. */
  spellcheck?: boolean;
  autocapitalize?: 'none' | 'sentences' | 'words';
}

/** The ids a field's input is described by: its hint, then its error. */
function describedByIds(name: string, hint?: string, error?: string) {
  return [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;
}

/**
 * What every kind of field shares: the label, an optional hint and error (their ids are
 * what the control's aria-describedby names), then the control itself.
 */
function FieldShell(p: {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  before?: Child;
  after?: Child;
  children: Child;
}) {
  return (
    <div class={p.error ? 'field field-error' : 'field'}>
      <label for={p.name}>{p.label}</label>
      {p.before}
      {p.hint && (
        <p class="hint" id={`${p.name}-hint`}>
          {p.hint}
        </p>
      )}
      {p.error && (
        <p class="error" id={`${p.name}-error`}>
          {p.error}
        </p>
      )}
      {p.children}
      {p.after}
    </div>
  );
}

/** A text field (required unless `required={false}`): label, optional hint, the input, its error. */
export function Field(p: FieldProps) {
  return (
    <FieldShell name={p.name} label={p.label} hint={p.hint} error={p.error} before={p.before} after={p.after}>
      <input
        id={p.name}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value ?? ''}
        required={p.required ?? true}
        aria-required={p.required === false ? undefined : 'true'}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedByIds(p.name, p.hint, p.error)}
        autocomplete={p.autocomplete}
        inputmode={p.inputmode}
        maxlength={p.maxlength}
        spellcheck={p.spellcheck ?? false}
        autocapitalize={p.autocapitalize ?? 'none'}
      />
    </FieldShell>
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
 * The security code: the image (its digits are in no text node and no attribute), its audio
 * version ("Écouter le code", a native player: it works without JavaScript and without
 * leaving the form), the prompt, the input named `captcha`, the hidden `captchaId`, and the
 * way to the assistance cell for voters who can use neither.
 */
export function CaptchaField({ t, captchaId, error, prompt }: CaptchaProps) {
  // The audio is spoken in the page's language, sealed in the code itself; the URL's `lang`
  // keeps the page's language if the voter opens the link on its own (a player without
  // <audio>), and never names the digits.
  const audioSrc = `/captcha/${captchaId}.wav?lang=${t('meta.lang')}`;
  return (
    <fieldset class="captcha">
      <legend>{t('captcha.label')}</legend>
      <img
        class="captcha-image"
        src={`/captcha/${captchaId}.png`}
        alt={t('captcha.image')}
        width={CAPTCHA_WIDTH}
        height={CAPTCHA_HEIGHT}
      />
      <div class="captcha-audio">
        <p id="captcha-audio-label">{t('captcha.audio')}</p>
        <audio controls preload="none" src={audioSrc} aria-labelledby="captcha-audio-label">
          <a href={audioSrc}>{t('captcha.audio')}</a>
        </audio>
      </div>
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
      <p class="hint">
        {t('captcha.neither')} <a href="/aide#code">{t('captcha.neitherLink')}</a>
      </p>
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

/** A multi-line field (the assistance message): label, hint, error, value kept on errors. */
export function TextAreaField(
  p: Omit<FieldProps, 'type' | 'inputmode' | 'autocapitalize' | 'spellcheck'> & { rows?: number },
) {
  return (
    <FieldShell name={p.name} label={p.label} hint={p.hint} error={p.error}>
      <textarea
        id={p.name}
        name={p.name}
        rows={p.rows ?? 6}
        required={p.required ?? true}
        aria-required={p.required === false ? undefined : 'true'}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedByIds(p.name, p.hint, p.error)}
        maxlength={p.maxlength}
        autocomplete={p.autocomplete ?? 'off'}
      >
        {p.value ?? ''}
      </textarea>
    </FieldShell>
  );
}

export interface SelectFieldProps {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  /** The first, empty choice ("Choisissez…"): a select with no default makes the voter choose. */
  placeholder: string;
  value?: string;
  error?: string;
  hint?: string;
}

/** A required choice from a short list. */
export function SelectField(p: SelectFieldProps) {
  return (
    <FieldShell name={p.name} label={p.label} hint={p.hint} error={p.error}>
      <select
        id={p.name}
        name={p.name}
        required
        aria-required="true"
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedByIds(p.name, p.hint, p.error)}
      >
        <option value="">{p.placeholder}</option>
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === p.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/**
 * A button that copies `value` (a new identifier, a reference number). Hidden in the HTML —
 * it cannot work without JavaScript — and revealed by the page's script (src/client/copy.ts),
 * which announces "Copié" in a live region. The value must also be shown as text beside it.
 */
export function CopyButton({ t, value, label }: { t: Translate; value: string; label?: string }) {
  return (
    <button
      type="button"
      class="secondary"
      data-copy={value}
      data-copied={t('copy.done')}
      data-copy-failed={t('copy.failed')}
      hidden
    >
      {label ?? t('copy.button')}
    </button>
  );
}
