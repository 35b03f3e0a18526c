/**
 * The operator API (`/operateur/api/*`), which the operator commands talk to (SPEC.md
 * "Operators"): JSON in, JSON out, every refusal `{"error","message","messageEn"}` with its
 * status. Every request is authenticated first (platform/operators/auth.ts), every action is
 * checked against the role table (roles.ts), and every change is audited with the operator's
 * identity, in the same D1 batch as the change.
 */
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as z from 'zod/mini';
import type { AppEnv } from '../../env';
import { translator, type MessageKey, type Params } from '../../i18n';
import { CHAINS } from '../../platform/audit-chain';
import type { Operator } from '../../platform/operators/auth';
import { operatorEvent } from '../../platform/operators/audit';
import { may, type Action } from '../../platform/operators/roles';
import { massDeactivation } from '../../platform/roll/store';
import { waitText } from '../../views/refusal';
import { applyContests, applyElection, electionSummary, type Rejection } from './election';
import { importChunk } from './roll';
import { resendCredential } from './resend';
import { archiveStream, freezeBallot, prepareBallots } from './ballot';
import { publishResult, tallyBallot } from './counting';
import {
  ballotCredentialsBody,
  ballotFreezeBody,
  ballotResultBody,
  ballotTallyBody,
  ballotSetupBody,
  contestsBody,
  convokeEnqueueBody,
  convokeFinishBody,
  convokeStartBody,
  convokeStatusBody,
  electionBody,
  replaceBody,
  resendBody,
  rowsBody,
  seenBody,
} from './schemas';

type OperatorEnv = AppEnv & { Variables: { operator: Operator } };

export const operatorApi = new Hono<OperatorEnv>();

const fr = translator('fr');
const en = translator('en');

/** A refusal as the commands read it: the code, the French message, the English one. */
export function refusal(
  c: Context,
  status: ContentfulStatusCode,
  key: MessageKey,
  params: Params = {},
  extra: Record<string, unknown> = {},
) {
  const error = key.replace(/^operator\.error\./, '');
  return c.json({ error, message: fr(key, params), messageEn: en(key, params), ...extra }, status);
}

const AUTH_STATUS = {
  not_configured: 503,
  ambiguous: 503,
  password_off_loopback: 403,
  missing_credentials: 401,
  bad_credentials: 401,
  throttled: 429,
  bad_token: 401,
  no_role: 403,
} as const;

operatorApi.use('*', async (c, next) => {
  const s = c.var.services;
  const now = s.clock();
  const result = await s.operators.authenticate(
    {
      host: new URL(c.req.url).host,
      headers: { get: (name) => c.req.header(name) },
      clientAddress: c.req.header('cf-connecting-ip') ?? 'local',
    },
    now,
  );
  c.header('Cache-Control', 'no-store');
  if (!result.ok) {
    // A refused operator is audited too (the reason, never what was presented).
    await s.audit.record({
      event: 'operator.auth',
      at: now,
      outcome: 'failure',
      detail: JSON.stringify({ reason: result.refusal, path: c.req.path }),
    });
    const key = `operator.error.${result.refusal}` as MessageKey;
    if (result.refusal === 'throttled') {
      const wait = result.retryAfterMs ?? 60_000;
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return refusal(c, 429, key, { wait: `${waitText(wait, fr)} / ${waitText(wait, en)}` });
    }
    return refusal(c, AUTH_STATUS[result.refusal], key);
  }
  c.set('operator', result.operator);
  await next();
});

/** The role table's verdict for this request's operator, or the refusal to answer. */
function forbidden(c: Context<OperatorEnv>, action: Action) {
  const { role } = c.var.operator;
  return may(role, action) ? null : refusal(c, 403, 'operator.error.forbidden', { role });
}

/**
 * The body validated by `schema`, or the refusal once answered: 415 for a body that does not
 * say it is JSON (the commands always do), 400 naming the first issue.
 */
async function body<T>(c: Context<OperatorEnv>, schema: z.ZodMiniType<T>): Promise<T | Response> {
  if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
    return refusal(c, 415, 'operator.error.unsupported_type');
  }
  let data: unknown;
  try {
    data = await c.req.json();
  } catch {
    return refusal(c, 400, 'operator.error.bad_request', { detail: 'JSON' });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const detail = issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'invalid';
    return refusal(c, 400, 'operator.error.bad_request', { detail });
  }
  return parsed.data;
}

function rejected(c: Context<OperatorEnv>, r: Rejection) {
  return refusal(c, r.status, r.key, r.params ?? {});
}

/** Who the commands are talking as: a cheap check of the credentials before a long run. */
operatorApi.get('/whoami', (c) => c.json({ id: c.var.operator.id, role: c.var.operator.role }));

operatorApi.get('/election', async (c) => {
  const denied = forbidden(c, 'election.set');
  if (denied) return denied;
  const { election, contests } = await c.var.services.electionAdmin.read();
  if (!election) return refusal(c, 404, 'operator.error.election_missing');
  return c.json(electionSummary({ election, contests }));
});

/**
 * A POST route: the role table first (an operator without the right learns nothing more), then
 * the body validated by `schema`, then `handle`.
 */
function post<T>(
  path: string,
  action: Action,
  schema: z.ZodMiniType<T>,
  handle: (c: Context<OperatorEnv>, input: T) => Response | Promise<Response>,
) {
  operatorApi.post(path, async (c) => {
    const denied = forbidden(c, action);
    if (denied) return denied;
    const input = await body(c, schema);
    return input instanceof Response ? input : handle(c, input);
  });
}

post('/election', 'election.set', electionBody, async (c, input) => {
  const outcome = await applyElection(c.var.services, c.var.operator, input);
  return 'reject' in outcome ? rejected(c, outcome.reject) : c.json(outcome.summary);
});

post('/election/contests', 'election.contests', contestsBody, async (c, input) => {
  const outcome = await applyContests(c.var.services, c.var.operator, input.contests);
  return 'reject' in outcome ? rejected(c, outcome.reject) : c.json(outcome.summary);
});

post('/roll/rows', 'roll.import', rowsBody, async (c, input) => {
  const answer = await importChunk(c.var.services, c.var.operator, input);
  return answer ? c.json(answer) : refusal(c, 409, 'operator.error.election_missing');
});

post('/roll/seen', 'roll.import', seenBody, async (c, input) =>
  c.json({ seen: await c.var.services.roll.markSeen(input.run, input.numics) }),
);

post('/roll/replace', 'roll.import', replaceBody, async (c, input) => {
  const s = c.var.services;
  const now = s.clock();
  const plan = await s.roll.planDeactivation(input.run, now);
  if (!input.allowMassDeactivation && massDeactivation(plan)) {
    return refusal(
      c,
      409,
      'operator.error.mass_deactivation',
      { count: plan.wouldDeactivate, active: plan.active },
      { wouldDeactivate: plan.wouldDeactivate, active: plan.active },
    );
  }
  const deactivated = await s.roll.deactivateUnseen(input.run, now, CHAINS.operator(), (count) =>
    operatorEvent('operator.roll.deactivate', c.var.operator, now, {
      run: input.run,
      count,
      forced: input.allowMassDeactivation,
    }),
  );
  return c.json({ deactivated });
});

// Convocations (`roll convoke`): the command opens or resumes a round, hands its voters to the
// queue page by page at its --rate, watches the queue drain, and closes the round.
post('/roll/convoke/start', 'roll.convoke', convokeStartBody, async (c, input) => {
  const s = c.var.services;
  const { election } = await s.electionAdmin.read();
  if (!election) return refusal(c, 409, 'operator.error.election_missing');
  const now = s.clock();
  const round = await s.convocations.start(input.onlyNew, (n, resumed) =>
    operatorEvent('operator.roll.convoke', c.var.operator, now, { round: n, resumed }),
  );
  return c.json({ ...round, since: now });
});

post('/roll/convoke/enqueue', 'roll.convoke', convokeEnqueueBody, async (c, input) => {
  const round = { round: input.round, onlyNew: input.onlyNew, resumed: false };
  return c.json(await c.var.services.convocations.enqueue(round, input.after, input.limit));
});

post('/roll/convoke/status', 'roll.convoke', convokeStatusBody, async (c, input) => {
  const round = { round: input.round, onlyNew: input.onlyNew, resumed: false };
  return c.json(await c.var.services.convocations.status(round, input.since));
});

post('/roll/convoke/finish', 'roll.convoke', convokeFinishBody, async (c, input) => {
  const now = c.var.services.clock();
  const closed = await c.var.services.convocations.finish(
    input.round,
    operatorEvent('operator.roll.convoked', c.var.operator, now, { round: input.round }),
  );
  return c.json({ closed });
});

post('/roll/resend', 'roll.resend', resendBody, async (c, input) => {
  const outcome = await resendCredential(c.var.services, c.var.operator, input);
  switch (outcome.kind) {
    case 'sent':
      return c.json({ sent: input.credential, to: outcome.to });
    case 'unknown':
      return refusal(c, 404, 'operator.error.unknown_voter', { numic: input.numic });
    case 'window':
      return refusal(c, 409, 'operator.error.renewal_closed');
    case 'cooling-off':
      return refusal(c, 409, 'operator.error.cooling_off');
    case 'failed':
      return refusal(c, 503, 'operator.error.unavailable');
  }
});

// `ballot setup` (platform/ballot/setup.ts): trustees' keys, credentials page by page, freeze.
post('/ballot/setup', 'ballot.setup', ballotSetupBody, async (c, input) => {
  const outcome = await prepareBallots(c.var.services, c.var.operator, input.trustees);
  return 'reject' in outcome ? rejected(c, outcome.reject) : c.json({ constituencies: outcome.prepared });
});

post('/ballot/credentials', 'ballot.setup', ballotCredentialsBody, async (c, input) => {
  const s = c.var.services;
  return c.json(await s.ballotSetup.credentials(input.constituency, input.after, s.clock()));
});

post('/ballot/freeze', 'ballot.setup', ballotFreezeBody, async (c, input) => {
  const outcome = await freezeBallot(c.var.services, c.var.operator, input.constituency);
  return 'reject' in outcome ? rejected(c, outcome.reject) : c.json(outcome.frozen);
});

// `ballot tally` and `ballot result` (platform/ballot/counting.ts), after closing only.
post('/ballot/tally', 'ballot.count', ballotTallyBody, async (c, input) => {
  const outcome = await tallyBallot(c.var.services, c.var.operator, input.constituency);
  return 'reject' in outcome ? rejected(c, outcome.reject) : c.json(outcome.tally);
});

post('/ballot/result', 'ballot.count', ballotResultBody, async (c, input) => {
  const outcome = await publishResult(c.var.services, c.var.operator, input.constituency, input.partials);
  return 'reject' in outcome ? rejected(c, outcome.reject) : c.json(outcome.result);
});

/**
 * `ballot export`: a constituency's box as `<uuid>.bel`, streamed record page by record page
 * from the box — a box of 200 000 ballots (~5 GB) is never held in memory.
 */
operatorApi.get('/ballot/export/:constituency{[0-9]{1,2}}', async (c) => {
  const denied = forbidden(c, 'ballot.setup');
  if (denied) return denied;
  const box = c.var.services.boxes.forConstituency(c.req.param('constituency'));
  const info = await box.info();
  if (!info.setUp) return refusal(c, 404, 'operator.error.not_prepared', { constituency: c.req.param('constituency') });
  c.header('Content-Type', 'application/octet-stream');
  c.header('X-Ballot-Uuid', info.uuid!);
  return c.body(archiveStream(box, info.timestamp!));
});

operatorApi.notFound((c) => refusal(c, 404, 'operator.error.not_found'));
