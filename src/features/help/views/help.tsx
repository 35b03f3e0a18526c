/**
 * "AIDE ?": the questions voters really ask, then the contact form to the assistance cell.
 * The form posts to /aide#contact, so a re-rendered form lands where the voter was.
 */
import type { Child } from 'hono/jsx';
import type { Locale, MessageKey, Translate } from '../../../i18n';
import {
  CaptchaField,
  CopyButton,
  ErrorSummary,
  Field,
  FormActions,
  Notice,
  SelectField,
  TextAreaField,
  type FieldErrors,
} from '../../../views/form';
import { Layout } from '../../../views/layout';
import { MESSAGE_MAX, TOPICS } from '../schemas';

export interface HelpPageProps {
  t: Translate;
  locale: Locale;
  electionTitle?: string;
  captchaId: string;
  /** Numbers quoted by the answers, from the code's own constants. */
  figures: { hours: number; linkMinutes: number };
  values?: Record<string, string | undefined>;
  errors?: FieldErrors;
  notice?: Child;
}

/** The FAQ entries, in the order voters meet the problems. */
const FAQ: { id: string; q: MessageKey; a: MessageKey[] }[] = [
  { id: 'courriel', q: 'help.faq.spam.q', a: ['help.faq.spam.a1', 'help.faq.spam.a2'] },
  { id: 'sms', q: 'help.faq.sms.q', a: ['help.faq.sms.a1', 'help.faq.sms.a2'] },
  { id: 'numic-introuvable', q: 'help.faq.numic.q', a: ['help.faq.numic.a1', 'help.faq.numic.a2'] },
  { id: 'identifiant-mot-de-passe', q: 'help.faq.mixup.q', a: ['help.faq.mixup.a1', 'help.faq.mixup.a2'] },
  { id: 'renouvellement', q: 'help.faq.renewal.q', a: ['help.faq.renewal.identifier', 'help.faq.renewal.password'] },
  { id: 'un-a-la-fois', q: 'help.faq.both.q', a: ['help.faq.both.a1', 'help.faq.both.a2'] },
  { id: 'code', q: 'help.faq.code.q', a: ['help.faq.code.a1', 'help.faq.code.a2'] },
  { id: 'heure', q: 'help.faq.time.q', a: ['help.faq.time.a1'] },
  { id: 'messagerie', q: 'help.faq.mailapp.q', a: ['help.faq.mailapp.a1'] },
];

export function HelpPage(p: HelpPageProps) {
  const { t, values = {}, errors = {} } = p;
  return (
    <Layout
      t={t}
      locale={p.locale}
      title={t('help.title')}
      electionTitle={p.electionTitle}
      path="/aide"
      scripts={['/js/app.js']}
    >
      <h1>{t('help.title')}</h1>
      <p>{t('help.intro')}</p>
      <nav aria-labelledby="toc-title">
        <h2 id="toc-title" class="visually-hidden">
          {t('help.tocLabel')}
        </h2>
        <ul class="toc">
          {FAQ.map((entry) => (
            <li>
              <a href={`#${entry.id}`}>{t(entry.q)}</a>
            </li>
          ))}
          <li>
            <a href="#contact">{t('help.contact.title')}</a>
          </li>
        </ul>
      </nav>

      <section class="faq" aria-labelledby="faq-title">
        <h2 id="faq-title">{t('help.faqTitle')}</h2>
        {FAQ.map((entry) => (
          <>
            <h3 id={entry.id}>{t(entry.q)}</h3>
            {entry.a.map((key) => (
              <p>{t(key, p.figures)}</p>
            ))}
          </>
        ))}
      </section>

      <section aria-labelledby="contact">
        {/* No tabindex: arriving at /aide#contact must not take the focus from the error summary. */}
        <h2 id="contact">{t('help.contact.title')}</h2>
        <p>{t('help.contact.intro')}</p>
        {p.notice && <Notice kind="warning">{p.notice}</Notice>}
        <ErrorSummary t={t} errors={errors} />
        <form method="post" action="/aide#contact" novalidate>
          <p class="required-note">{t('meta.required')}</p>
          <Field
            name="name"
            label={t('help.contact.name')}
            value={values.name}
            error={errors.name}
            autocomplete="name"
            maxlength={100}
            spellcheck
            autocapitalize="words"
          />
          <Field
            name="email"
            type="email"
            label={t('help.contact.email')}
            hint={t('help.contact.emailHint')}
            value={values.email}
            error={errors.email}
            autocomplete="email"
            inputmode="email"
            maxlength={254}
          />
          <Field
            name="numic"
            label={t('help.contact.numic')}
            hint={t('help.contact.numicHint')}
            value={values.numic}
            error={errors.numic}
            autocomplete="off"
            inputmode="numeric"
            maxlength={20}
            required={false}
          />
          <SelectField
            name="topic"
            label={t('help.contact.topic')}
            placeholder={t('help.contact.topicChoose')}
            options={TOPICS.map((topic) => ({ value: topic, label: t(`help.topic.${topic}`) }))}
            value={values.topic}
            error={errors.topic}
          />
          <TextAreaField
            name="message"
            label={t('help.contact.message')}
            hint={t('help.contact.messageHint', { max: MESSAGE_MAX })}
            value={values.message}
            error={errors.message}
            maxlength={MESSAGE_MAX}
          />
          <CaptchaField t={t} captchaId={p.captchaId} error={errors.captcha} prompt="captcha.promptAbove" />
          <FormActions t={t} submit={t('help.contact.submit')} />
        </form>
      </section>
    </Layout>
  );
}

/** The confirmation, with the reference number to keep (and a button to copy it). */
export function SentPage({
  t,
  locale,
  electionTitle,
  reference,
  email,
}: {
  t: Translate;
  locale: Locale;
  electionTitle?: string;
  reference: string;
  email: string;
}) {
  return (
    <Layout
      t={t}
      locale={locale}
      title={t('help.sent.title')}
      electionTitle={electionTitle}
      path="/aide"
      scripts={['/js/app.js']}
    >
      <h1>{t('help.sent.title')}</h1>
      <div class="confirmation" role="status">
        <p>{t('help.sent.done')}</p>
        <p>
          {t('help.sent.reference')} <strong class="reference">{reference}</strong>
        </p>
      </div>
      <div class="copy-box">
        <CopyButton t={t} value={reference} />
      </div>
      <p>{t('help.sent.keep')}</p>
      <p>{t('help.sent.reply', { email })}</p>
      <ul class="links">
        <li>
          <a href="/">{t('meta.back')}</a>
        </li>
        <li>
          <a href="/aide#contact">{t('help.sent.another')}</a>
        </li>
      </ul>
    </Layout>
  );
}
