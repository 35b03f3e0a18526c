/**
 * The Belenios 2.0 cryptographic core of the ballot: pure and isomorphic (workerd, browser Web
 * Worker, Node 22) — WebCrypto and BigInt only, nothing of Hono, D1 or the app.
 */
export * from './archive';
export * from './archive-read';
export * from './ballot';
export * from './ballot-json';
export * from './credentials';
export * from './election';
export * from './group';
export * from './hash';
export * from './proofs';
export * from './tally';
export * from './trustee';
export * from './types';
