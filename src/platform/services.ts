/**
 * Services: the only way a feature reaches the platform. Each capability is an interface of
 * `platform/` with its Cloudflare implementation; `buildServices` wires them from the Worker's
 * bindings once per request, and nothing past it holds `env`. A feature function takes only
 * what it uses (`Pick<Services, 'voters' | 'guards'>`), which says what it touches and lets a
 * test count its work at these interfaces (test/counting.ts).
 */
import type { Election } from '../db/schema';
import { d1Approvals, type ApprovalStore } from './approvals';
import { d1Ballots, type Ballots } from './ballot/ballots';
import { assetBoothScript, type BoothScript } from './ballot/booth-script';
import { durableBoxes, type BallotBoxes } from './ballot/boxes';
import { d1Counting, type Counting } from './ballot/counting';
import { d1BallotSetup, type BallotSetup } from './ballot/setup';
import { d1Assistance, type AssistanceStore } from './assistance';
import { d1AuditTrail, queuedAudit, type Audit } from './audit';
import { durableHeadWitness } from './audit-head';
import { sealedCaptcha, type Captcha } from './captcha';
import type { Clock } from './clock';
import { database, requestDatabase } from './database';
import { queueDelivery, type Delivery } from './delivery';
import { d1DeliveryWatch, type DeliveryWatch } from './delivery/watch';
import { localDevTools, type DevTools } from './dev-tools';
import type { QueuedConvocation } from './convocation';
import { d1Convocations, type ConvocationControl } from './convocation-control';
import { currentElection, freshElection } from './election';
import { d1ElectionAdmin, type ElectionAdmin } from './election-admin';
import { operatorAuth, type OperatorAuth } from './operators/auth';
import { d1Roll, type RollStore } from './roll/store';
import { durableGuards, type Guards } from './guard/guards';
import { kvLinks, type LinkStore } from './links';
import type { PasswordHasher } from './passwords';
import { log } from './log';
import { hmacPseudonyms, type Pseudonyms } from './pseudonyms';
import { SessionStore } from './sessions';
import type { JWTVerifyGetKey } from 'jose';
import { d1VoterFile, type VoterFileReads } from './voter-file';
import { voterStore, type VoterStore } from './voters';

/** What the Worker is built with: tests inject a clock, a counting hasher, counting wrappers. */
export interface AppDeps {
  clock: Clock;
  hasher: PasswordHasher;
  /** Wraps the services of each request (tests count the work at the interfaces). */
  decorate?: (services: Services) => Services;
  /** The keys Access JWTs are checked with; the team's certs URL when absent (tests give theirs). */
  accessKeys?: JWTVerifyGetKey;
}

/** The election's settings (platform/election.ts). */
export interface ElectionSettings {
  /** For what a screen shows: cached per isolate (≤ 30 s old). */
  current(): Promise<Election>;
  /** For what a request decides (the window): the D1 primary's, so a change applies at once. */
  fresh(): Promise<Election>;
}

export interface Services {
  clock: Clock;
  hasher: PasswordHasher;
  voters: VoterStore;
  guards: Guards;
  links: LinkStore;
  captcha: Captcha;
  delivery: Delivery;
  audit: Audit;
  election: ElectionSettings;
  sessions: SessionStore;
  pseudonyms: Pseudonyms;
  assistance: AssistanceStore;
  /** Changes to a voter that a second operator approves (the console). */
  approvals: ApprovalStore;
  /** The console's reads of a voter's messages and of the audit trail. */
  voterFile: VoterFileReads;
  /** Who an operator is (Cloudflare Access, or the local password), platform/operators. */
  operators: OperatorAuth;
  /** The electoral roll as operators load it (platform/roll). */
  roll: RollStore;
  /** The operators' writes of the election's settings and contests. */
  electionAdmin: ElectionAdmin;
  /** Convocation rounds, their voters handed to the CONVOKE queue (platform/convocation-control.ts). */
  convocations: ConvocationControl;
  /** The ballot boxes, one Durable Object per constituency (platform/ballot/box.ts). */
  boxes: BallotBoxes;
  /** The voter's frozen ballot and what casting records around the box (platform/ballot/ballots.ts). */
  ballots: Ballots;
  /** The booth script's SRI hash, from the served bytes (platform/ballot/booth-script.ts). */
  boothScript: BoothScript;
  /** `ballot setup`: each constituency's election, credentials and frozen list (platform/ballot/setup.ts). */
  ballotSetup: BallotSetup;
  /** Closing and counting: the tally, the partial decryptions, the results (platform/ballot/counting.ts). */
  counting: Counting;
  /** Delivery receipts in, the delivery counts the console shows out (platform/delivery/watch.ts). */
  deliveryWatch: DeliveryWatch;
  /** The public origin of e-mailed addresses (links, the help page). */
  origin: string;
  /**
   * Work that goes on after the answer (relaying the outbox), through the request's
   * `waitUntil`; a failure is logged by name, and the scheduled relay makes up for it.
   */
  background(task: Promise<unknown>): void;
  /** Only with DEV_TOOLS = "1" (.dev.vars); null everywhere else. */
  devTools: DevTools | null;
  /**
   * After a write the voter will read at once (a renewed identifier logs in next): the
   * response hands them this request's D1 bookmark, so a lagging replica cannot answer
   * their next requests with older data. Never on a screen that must look the same for
   * everyone: the cookie would tell that something was written.
   */
  readYourWrites(): void;
  /** The bookmark to hand to the voter, if readYourWrites() was called (platform/d1-bookmark.ts). */
  d1Bookmark(): string | null;
}

/** `bookmark`: the voter's D1 bookmark cookie, if any (see platform/database.ts). */
export function buildServices(
  env: Cloudflare.Env,
  deps: AppDeps,
  bookmark?: string,
  ctx?: Pick<ExecutionContext, 'waitUntil'>,
): Services {
  // The D1 session is opened on first use: most GET screens never reach D1 (the election is
  // cached per isolate), and building the capabilities costs no round trip.
  const d1 = requestDatabase(env.DB, bookmark);
  const db = () => d1.db;
  const primary = () => database(env.DB.withSession('first-primary'));
  const auditHeads = durableHeadWitness(env.AUDIT_HEAD);
  const trail = d1AuditTrail({ write: db, head: primary, witness: auditHeads });
  const guards = durableGuards(env.ACCESS_STATE, env.NUMIC_HMAC_KEY);
  const boxes = durableBoxes(env.BALLOT_BOX);
  const captcha = sealedCaptcha(env.CAPTCHA_KEY, guards, env.ASSETS);
  const services: Services = {
    clock: deps.clock,
    hasher: deps.hasher,
    voters: voterStore(
      () => d1.session,
      db,
      () => env.DB.withSession('first-primary'),
      trail,
    ),
    guards,
    links: kvLinks(env.TOKENS, env.NUMIC_HMAC_KEY, env.PUBLIC_ORIGIN),
    captcha,
    delivery: queueDelivery(env.DELIVERY, env.DELIVERY_KEY, db, primary, trail),
    audit: queuedAudit(env.AUDIT, trail),
    election: {
      current: () => currentElection(() => d1.session, env.ELECTION_ID, deps.clock()),
      fresh: () => freshElection(() => env.DB.withSession('first-primary'), env.ELECTION_ID, deps.clock()),
    },
    sessions: new SessionStore(env.TOKENS),
    pseudonyms: hmacPseudonyms(env.NUMIC_HMAC_KEY, env.IDENTIFIER_HMAC_KEY),
    assistance: d1Assistance(db, primary, trail),
    approvals: d1Approvals(primary, trail),
    voterFile: d1VoterFile(primary),
    operators: operatorAuth(
      {
        password: env.OPERATOR_PASSWORD,
        devTools: env.DEV_TOOLS === '1',
        teamDomain: env.ACCESS_TEAM_DOMAIN,
        audience: env.ACCESS_AUD,
        roles: env.OPERATOR_ROLES,
        keys: deps.accessKeys,
      },
      guards,
    ),
    roll: d1Roll(db, primary, trail),
    electionAdmin: d1ElectionAdmin(primary, Number(env.ELECTION_ID), trail),
    convocations: d1Convocations(primary, Number(env.ELECTION_ID), trail, env.CONVOKE as Queue<QueuedConvocation>),
    deliveryWatch: d1DeliveryWatch(primary),
    boxes,
    boothScript: assetBoothScript(env.ASSETS),
    ballots: d1Ballots(db, primary, trail, env.DELIVERY_KEY),
    ballotSetup: d1BallotSetup(primary, Number(env.ELECTION_ID), env.DELIVERY_KEY, boxes, trail),
    counting: d1Counting(primary, Number(env.ELECTION_ID), boxes, trail),
    origin: env.PUBLIC_ORIGIN,
    background(task) {
      const logged = task.catch((err: unknown) => log.error('background_failed', err));
      if (ctx) ctx.waitUntil(logged);
    },
    devTools: env.DEV_TOOLS === '1' ? localDevTools(db, captcha, auditHeads) : null,
    readYourWrites: () => d1.keep(),
    d1Bookmark: () => d1.kept(),
  };
  return deps.decorate ? deps.decorate(services) : services;
}
