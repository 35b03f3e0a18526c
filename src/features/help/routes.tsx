/**
 * The pages a public service owes, linked from every screen's footer: "AIDE ?" with its
 * contact form (/aide), the accessibility statement (/accessibilite), and the legal notice
 * and personal data (/mentions-legales). They work even when the election is not loaded: a
 * voter in trouble must always reach help.
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../env';
import { CAPTCHA_TTL_MS } from '../../platform/captcha';
import { COOLING_OFF_MS, LINK_TTL_MS } from '../../platform/guard/renewal';
import type { Services } from '../../platform/services';
import { SESSION_TTL_MS } from '../../platform/sessions';
import { validForm } from '../../platform/validation';
import type { FieldErrors } from '../../platform/validation';
import { refusalView } from '../../views/refusal';
import { contactSchema, isTopic } from './schemas';
import { sendAssistanceRequest } from './service';
import { AccessibilityPage } from './views/accessibility';
import { HelpPage, SentPage } from './views/help';
import { LegalPage } from './views/legal';

export const helpRoutes = new Hono<AppEnv>();

const MINUTE = 60_000;

/** The election's title for the header, or none when no election is loaded. */
async function electionTitle(s: Services): Promise<string | undefined> {
  try {
    return (await s.election.current()).title;
  } catch {
    return undefined;
  }
}

async function renderHelp(
  c: Context<AppEnv>,
  opts: {
    values?: Record<string, string | undefined>;
    errors?: FieldErrors;
    notice?: string;
    status?: 200 | 400 | 429;
  } = {},
) {
  const { services: s, t, locale } = c.var;
  const [title, captchaId] = await Promise.all([electionTitle(s), s.captcha.issue(s.clock(), c.var.locale)]);
  // The page carries a security code of its own.
  c.header('Cache-Control', 'no-store');
  return c.html(
    <HelpPage
      t={t}
      locale={locale}
      electionTitle={title}
      captchaId={captchaId}
      figures={{ hours: COOLING_OFF_MS / (60 * MINUTE), linkMinutes: LINK_TTL_MS / MINUTE }}
      values={opts.values}
      errors={opts.errors}
      notice={opts.notice}
    />,
    opts.status ?? 200,
  );
}

helpRoutes.get('/aide', (c) => {
  // Links from the other pages may preselect a topic: /aide?topic=accessibility#contact.
  const topic = c.req.query('topic');
  return renderHelp(c, { values: isTopic(topic) ? { topic } : {} });
});

helpRoutes.post(
  '/aide',
  validForm(contactSchema, (c, values, errors) =>
    // Everything typed comes back, except the code, which is single-use.
    renderHelp(c, { values: { ...values, captcha: undefined }, errors, status: errors ? 400 : 200 }),
  ),
  async (c) => {
    const input = c.req.valid('form');
    const { services: s, t, locale } = c.var;
    const outcome = await sendAssistanceRequest(s, {
      ...input,
      language: locale,
      clientAddress: c.req.header('cf-connecting-ip') ?? 'local',
    });
    const values = { ...input, captcha: undefined };
    switch (outcome.kind) {
      case 'captcha':
      case 'address-limited':
        return renderHelp(c, { values, ...refusalView(outcome, t, { addressLimited: 'help.error.tooMany' }) });
      case 'sent':
        c.header('Cache-Control', 'no-store');
        return c.html(
          <SentPage
            t={t}
            locale={locale}
            electionTitle={await electionTitle(s)}
            reference={outcome.reference}
            email={input.email}
          />,
        );
    }
  },
);

helpRoutes.get('/accessibilite', async (c) => {
  const { services: s, t, locale } = c.var;
  return c.html(<AccessibilityPage t={t} locale={locale} electionTitle={await electionTitle(s)} />);
});

helpRoutes.get('/mentions-legales', async (c) => {
  const { services: s, t, locale } = c.var;
  const durations = {
    sessionMinutes: SESSION_TTL_MS / MINUTE,
    linkMinutes: LINK_TTL_MS / MINUTE,
    codeMinutes: CAPTCHA_TTL_MS / MINUTE,
  };
  return c.html(<LegalPage t={t} locale={locale} electionTitle={await electionTitle(s)} durations={durations} />);
});
