/**
 * Identifier renewal: Écran 2 (`/identifiant-perdu`), Écran 3 (its answer), the link's page
 * Écran 5 (`GET /r/<ref>/<token>`, see links.ts for why the token is in the path), and
 * "Valider" (`POST /r`) answered by Écran 6. Handlers parse, call one service, render.
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../env';
import { formatParisNamed } from '../../i18n/dates';
import { renewalState } from '../../platform/election';
import { COOLING_OFF_MS, MAX_WRONG_PASSWORDS } from '../../platform/guard/renewal';
import { validForm } from '../../platform/validation';
import type { FieldErrors } from '../../platform/validation';
import { refusalView } from '../../views/refusal';
import { REF_PATTERN, TOKEN_PATTERN, splitLinkPath } from '../../platform/links';
import { requestSchema, validateSchema } from './schemas';
import {
  completeIdentifierRenewal,
  inspectLink,
  requestIdentifierRenewal,
  type CompletionOutcome,
  type InvalidLink,
  type RequestOutcome,
} from './service';
import { LinkPage, ProblemPage } from './views/link';
import { RenewedPage } from './views/renewed';
import { RequestPage, SentPage } from './views/request';

export const identifierRenewalRoutes = new Hono<AppEnv>();

type Status = 200 | 400 | 401 | 404 | 409 | 410 | 429 | 503;

function clientAddress(c: Context<AppEnv>) {
  return c.req.header('cf-connecting-ip') ?? 'local';
}

/** Why renewal is not possible now (before the roll is loaded, or after closing). */
async function windowNotice(c: Context<AppEnv>, state: 'before' | 'closed') {
  const { t, locale, services: s } = c.var;
  const election = await s.election.current();
  return state === 'before'
    ? t('identifierRenewal.before')
    : t('identifierRenewal.closed', { date: formatParisNamed(election.closesAt, locale, t) });
}

async function renderRequest(
  c: Context<AppEnv>,
  opts: {
    values?: { numic?: string; email?: string };
    errors?: FieldErrors;
    notice?: string;
    closed?: boolean;
    status?: Status;
  } = {},
) {
  const { services: s, t, locale } = c.var;
  const now = s.clock();
  const election = await s.election.current();
  const captchaId = opts.closed ? null : await s.captcha.issue(now, c.var.locale);
  c.header('Cache-Control', 'no-store');
  return c.html(
    <RequestPage
      t={t}
      locale={locale}
      electionTitle={election.title}
      captchaId={captchaId}
      values={opts.values}
      errors={opts.errors}
      notice={opts.notice}
    />,
    opts.status ?? 200,
  );
}

identifierRenewalRoutes.get('/identifiant-perdu', async (c) => {
  const state = renewalState(await c.var.services.election.current(), c.var.services.clock());
  if (state !== 'open') return renderRequest(c, { notice: await windowNotice(c, state), closed: true });
  return renderRequest(c);
});

identifierRenewalRoutes.post(
  '/identifiant-perdu',
  validForm(requestSchema, (c, values, errors) =>
    renderRequest(c, { values: { numic: values.numic, email: values.email }, errors, status: errors ? 400 : 200 }),
  ),
  async (c) => {
    const input = c.req.valid('form');
    const outcome = await requestIdentifierRenewal(c.var.services, { ...input, clientAddress: clientAddress(c) });
    if (outcome.kind === 'sent') {
      const election = await c.var.services.election.current();
      c.header('Cache-Control', 'no-store');
      return c.html(<SentPage t={c.var.t} locale={c.var.locale} electionTitle={election.title} />);
    }
    return renderRequest(c, {
      values: { numic: input.numic, email: input.email },
      ...(await requestRefusal(c, outcome)),
    });
  },
);

async function requestRefusal(c: Context<AppEnv>, outcome: Exclude<RequestOutcome, { kind: 'sent' }>) {
  if (outcome.kind === 'window') {
    return { notice: await windowNotice(c, outcome.state), closed: true, status: 400 as const };
  }
  return refusalView(outcome, c.var.t, { throttled: 'identifierRenewal.throttled' });
}

// ---------------------------------------------------------------- the link (Écrans 5 and 6)

async function renderLink(
  c: Context<AppEnv>,
  ref: string,
  token: string,
  opts: { errors?: FieldErrors; notice?: string; status?: Status } = {},
) {
  const { services: s, t, locale } = c.var;
  const [election, captchaId] = await Promise.all([s.election.current(), s.captcha.issue(s.clock(), c.var.locale)]);
  c.header('Cache-Control', 'no-store');
  c.header('X-Robots-Tag', 'noindex');
  return c.html(
    <LinkPage
      t={t}
      locale={locale}
      electionTitle={election.title}
      ref={ref}
      token={token}
      captchaId={captchaId}
      errors={opts.errors}
      notice={opts.notice}
    />,
    opts.status ?? 200,
  );
}

async function renderProblem(
  c: Context<AppEnv>,
  problem:
    | { kind: 'invalid'; state: InvalidLink }
    | { kind: 'cooling-off' }
    | { kind: 'failed' }
    | { kind: 'window'; state: 'before' | 'closed' },
) {
  const { services: s, t, locale } = c.var;
  const election = await s.election.current();
  const page = (
    title: string,
    message: string,
    next: 'ask-again' | 'assistance' | 'none',
    status: Status,
    rule = false,
  ) => {
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex');
    return c.html(
      <ProblemPage
        t={t}
        locale={locale}
        electionTitle={election.title}
        title={title}
        message={message}
        next={next}
        rule={rule}
      />,
      status,
    );
  };
  switch (problem.kind) {
    case 'invalid':
      return page(
        t('identifierRenewal.invalidTitle'),
        t(`identifierRenewal.invalid.${problem.state}`),
        'ask-again',
        problem.state === 'unknown' ? 404 : 410,
      );
    case 'cooling-off':
      return page(
        t('identifierRenewal.refusedTitle'),
        t('identifierRenewal.coolingOff', { hours: COOLING_OFF_MS / 3_600_000 }),
        'assistance',
        409,
        true,
      );
    case 'failed':
      return page(t('error.title'), t('identifierRenewal.failed'), 'ask-again', 503);
    case 'window':
      return page(t('identifierRenewal.title'), await windowNotice(c, problem.state), 'none', 400);
  }
}

identifierRenewalRoutes.get('/r/:rest{.*}', async (c) => {
  const { ref, token } = splitLinkPath(c.req.param('rest'));
  const view = await inspectLink(c.var.services, ref, token);
  return view.kind === 'form' ? renderLink(c, ref, token) : renderProblem(c, view);
});

identifierRenewalRoutes.post(
  '/r',
  validForm(validateSchema, (c, values, errors) => {
    const { ref = '', token = '' } = values;
    if (!REF_PATTERN.test(ref) || !TOKEN_PATTERN.test(token))
      return renderProblem(c, { kind: 'invalid', state: 'unknown' });
    return renderLink(c, ref, token, { errors, status: errors ? 400 : 200 });
  }),
  async (c) => {
    const input = c.req.valid('form');
    const outcome = await completeIdentifierRenewal(c.var.services, { ...input, clientAddress: clientAddress(c) });
    return renderCompletion(c, input.ref, input.token, outcome);
  },
);

async function renderCompletion(c: Context<AppEnv>, ref: string, token: string, outcome: CompletionOutcome) {
  const { services: s, t, locale } = c.var;
  switch (outcome.kind) {
    case 'renewed': {
      const election = await s.election.current();
      c.header('Cache-Control', 'no-store');
      return c.html(
        <RenewedPage t={t} locale={locale} electionTitle={election.title} identifier={outcome.identifier} />,
      );
    }
    case 'captcha':
    case 'address-limited':
      return renderLink(c, ref, token, refusalView(outcome, t));
    case 'wrong-password':
      return renderLink(c, ref, token, {
        errors: { password: t('identifierRenewal.wrongPassword', { max: MAX_WRONG_PASSWORDS }) },
        status: 401,
      });
    default:
      return renderProblem(c, outcome);
  }
}
