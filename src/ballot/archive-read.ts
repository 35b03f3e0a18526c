/**
 * Reads a Belenios archive `UUID.bel` (BELENIOS.md §6): the old-style tar, each record checked
 * against the hash that names it, and the event chain followed back from the last event — the
 * event the tool itself starts from. Chunks go in as they come (a file stream, a fetch body),
 * and the records of the event types a caller does not keep are dropped as soon as their event
 * is read, so a trustee reads a box of 200 000 ballots without holding its ballots.
 */
import type { EventType } from './archive';
import { parseBallot } from './ballot-json';
import { parseElection } from './election';
import { sha256Hex } from './hash';
import { addToTally, emptyTally, encryptedTallyJson, type EncryptedTally } from './tally';

/** Why an archive was refused, for a message the operator can act on. */
export type ArchiveError =
  | 'truncated'
  | 'bad_checksum'
  | 'bad_entry_name'
  | 'bad_header'
  | 'hash_mismatch'
  | 'bad_event'
  | 'no_events'
  | 'broken_chain'
  | 'missing_record';

export class ArchiveRefusal extends Error {
  constructor(
    readonly reason: ArchiveError,
    detail?: string,
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
  }
}

/** One tar entry: its name and its body. */
export interface TarEntry {
  name: string;
  body: Uint8Array;
}

// ignoreBOM keeps a BOM as text: the bytes read are the bytes hashed, nothing stripped.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function octalField(header: Uint8Array, offset: number, width: number): number {
  const s = String.fromCharCode(...header.subarray(offset, offset + width)).replace(/[\0 ]+$/, '');
  if (!/^[0-7]+$/.test(s)) throw new ArchiveRefusal('truncated', 'not a tar header');
  return parseInt(s, 8);
}

function checksumHolds(header: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return octalField(header, 148, 8) === sum;
}

/**
 * Bytes as they come, taken from the front: chunks are queued, not joined on arrival, so an
 * entry of 100 MB (a box's credential list) is copied once, not once per chunk.
 */
class ByteQueue {
  private parts: Uint8Array[] = [];
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    this.length += chunk.length;
  }

  /** The first `n` bytes, removed (n ≤ length). */
  take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      const head = this.parts[0]!;
      const used = Math.min(head.length, n - o);
      out.set(head.subarray(0, used), o);
      o += used;
      if (used === head.length) this.parts.shift();
      else this.parts[0] = head.subarray(used);
    }
    this.length -= n;
    return out;
  }
}

/**
 * The entries of a tar stream. An all-zero block ends it (the tool writes none, other tars
 * do); a header whose checksum fails or a body cut short refuses the whole archive.
 */
export async function* tarEntries(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<TarEntry> {
  const queue = new ByteQueue();
  let need: { name: string; size: number } | undefined;
  for await (const chunk of chunks) {
    queue.push(chunk);
    for (;;) {
      if (!need) {
        if (queue.length < 512) break;
        const header = queue.take(512);
        if (header.every((b) => b === 0)) return;
        if (!checksumHolds(header)) throw new ArchiveRefusal('bad_checksum');
        const end = header.indexOf(0);
        const name = decoder.decode(header.subarray(0, end < 0 || end > 100 ? 100 : end));
        need = { name, size: octalField(header, 124, 12) };
      }
      const padded = Math.ceil(need.size / 512) * 512;
      if (queue.length < padded) break;
      const body = queue.take(padded).subarray(0, need.size);
      yield { name: need.name, body };
      need = undefined;
    }
  }
  if (need || queue.length > 0) throw new ArchiveRefusal('truncated');
}

/** An event of the chain, with its own hash. */
export interface ArchiveEvent {
  hash: string;
  parent?: string;
  height: number;
  type: EventType;
  payload?: string;
}

/** What was read: the header, the events from Setup to the last one, the records kept. */
export interface BeleniosArchive {
  version: number;
  timestamp: number;
  events: ArchiveEvent[];
  records: Map<string, string>;
}

const EVENT_TYPES = new Set<string>([
  'Setup',
  'Ballot',
  'EndBallots',
  'EncryptedTally',
  'Shuffle',
  'EndShuffles',
  'PartialDecryption',
  'Result',
]);
const HEX = /^[0-9a-f]{64}$/;

function parseEvent(hash: string, json: string): ArchiveEvent {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw new ArchiveRefusal('bad_event', hash);
  }
  const { parent, height, type, payload } = o ?? {};
  if (
    (parent !== undefined && !(typeof parent === 'string' && HEX.test(parent))) ||
    !Number.isSafeInteger(height) ||
    (height as number) < 0 ||
    typeof type !== 'string' ||
    !EVENT_TYPES.has(type) ||
    (payload !== undefined && !(typeof payload === 'string' && HEX.test(payload)))
  ) {
    throw new ArchiveRefusal('bad_event', hash);
  }
  return {
    hash,
    ...(parent === undefined ? {} : { parent }),
    height: height as number,
    type: type as EventType,
    ...(payload === undefined ? {} : { payload }),
  } as ArchiveEvent;
}

/** The events from the root (height 0, Setup) to `last`, each the parent of the next. */
function chainTo(last: ArchiveEvent, events: Map<string, ArchiveEvent>): ArchiveEvent[] {
  const chain: ArchiveEvent[] = [];
  for (let e: ArchiveEvent | undefined = last; e; e = e.parent === undefined ? undefined : events.get(e.parent)) {
    chain.push(e);
    if (chain.length > events.size) throw new ArchiveRefusal('broken_chain', 'cycle');
    if (e.parent !== undefined && !events.has(e.parent)) throw new ArchiveRefusal('broken_chain', e.hash);
  }
  chain.reverse();
  const ok = chain.every((e, i) => e.height === i) && chain[0]!.type === 'Setup';
  if (!ok) throw new ArchiveRefusal('broken_chain');
  return chain;
}

/**
 * Reads an archive. `keep` says which event types' records to hold (all by default): a record
 * belongs to the event that follows it, as the tool writes them.
 */
export async function readArchive(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  keep: (type: EventType) => boolean = () => true,
): Promise<BeleniosArchive> {
  let header: { version: number; timestamp: number } | undefined;
  const events = new Map<string, ArchiveEvent>();
  const records = new Map<string, string>();
  let pending = new Map<string, string>();
  let last: ArchiveEvent | undefined;
  for await (const { name, body } of tarEntries(chunks)) {
    if (!header) {
      header = parseHeader(name, body);
      continue;
    }
    const m = /^([0-9a-f]{64})\.(data|event)\.json$/.exec(name);
    if (!m) throw new ArchiveRefusal('bad_entry_name', name);
    const hash = m[1]!;
    if ((await sha256Hex(body)) !== hash) throw new ArchiveRefusal('hash_mismatch', name);
    const json = decode(body, name);
    if (m[2] === 'data') {
      pending.set(hash, json);
      continue;
    }
    last = parseEvent(hash, json);
    events.set(hash, last);
    if (keep(last.type)) for (const [h, j] of pending) records.set(h, j);
    pending = new Map();
  }
  if (!header) throw new ArchiveRefusal('bad_header', 'empty archive');
  if (!last) throw new ArchiveRefusal('no_events');
  return { ...header, events: chainTo(last, events), records };
}

function decode(body: Uint8Array, name: string): string {
  try {
    return decoder.decode(body);
  } catch {
    throw new ArchiveRefusal('bad_entry_name', `${name} is not UTF-8`);
  }
}

function parseHeader(name: string, body: Uint8Array): { version: number; timestamp: number } {
  if (name !== 'BELENIOS') throw new ArchiveRefusal('bad_header', 'the first entry is not BELENIOS');
  try {
    const o = JSON.parse(decode(body, name)) as { version?: unknown; timestamp?: unknown };
    if (o.version === 1 && typeof o.timestamp === 'string' && /^\d+$/.test(o.timestamp)) {
      return { version: 1, timestamp: Number(o.timestamp) };
    }
  } catch {
    // refused below, with the same reason as a wrong version
  }
  throw new ArchiveRefusal('bad_header', 'expected {"version":1,"timestamp":"…"}');
}

/** A kept record by hash, or a refusal naming what is missing. */
export function archiveRecord(archive: BeleniosArchive, hash: string | undefined, what: string): string {
  const json = hash === undefined ? undefined : archive.records.get(hash);
  if (json === undefined) throw new ArchiveRefusal('missing_record', what);
  return json;
}

/** The setup records: election.json bytes (what φ hashes), trustees and public credentials. */
export function archiveSetup(archive: BeleniosArchive): { election: string; trustees: string; credentials: string } {
  const setup = JSON.parse(archiveRecord(archive, archive.events[0]!.payload, 'setup_data')) as Record<string, string>;
  return {
    election: archiveRecord(archive, setup.election, 'election'),
    trustees: archiveRecord(archive, setup.trustees, 'trustees'),
    credentials: archiveRecord(archive, setup.credentials, 'credentials'),
  };
}

/** The last EncryptedTally event's records (sized tally then tally), if the chain has one. */
export function archiveEncryptedTally(archive: BeleniosArchive): { sized: string; tally: string } | undefined {
  const event = archive.events.findLast((e) => e.type === 'EncryptedTally');
  if (!event) return undefined;
  const sized = archiveRecord(archive, event.payload, 'sized_encrypted_tally');
  const { encrypted_tally: tallyHash } = JSON.parse(sized) as { encrypted_tally?: string };
  return { sized, tally: archiveRecord(archive, tallyHash, 'encrypted_tally') };
}

/**
 * The encrypted tally recomputed from an archive's ballots, streamed: one ballot in memory at a
 * time (the product is updated ballot by ballot), each record checked against its name. The
 * French rule, one ballot per credential, is checked too: a credential found twice refuses the
 * archive (Belenios would count its last ballot). `ballot tally` compares the result with the
 * tally the box appended.
 */
export async function recomputeTally(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<{ tallyJson: string; ballots: number }> {
  let tally: EncryptedTally | undefined;
  let last: string | undefined;
  let first = true;
  let ballots = 0;
  const credentials = new Set<string>();
  for await (const { name, body } of tarEntries(chunks)) {
    if (first) {
      parseHeader(name, body);
      first = false;
      continue;
    }
    const m = /^([0-9a-f]{64})\.(data|event)\.json$/.exec(name);
    if (!m) throw new ArchiveRefusal('bad_entry_name', name);
    if ((await sha256Hex(body)) !== m[1]) throw new ArchiveRefusal('hash_mismatch', name);
    const json = decode(body, name);
    if (m[2] === 'data') {
      // The election is the archive's first record (BELENIOS.md §6).
      tally ??= emptyTally(parseElection(json));
      last = json;
      continue;
    }
    const event = parseEvent(m[1]!, json);
    if (event.type !== 'Ballot') continue;
    if (!tally || last === undefined) throw new ArchiveRefusal('missing_record', 'ballot');
    const ballot = parseBallot(last);
    const credential = ballot.credential.toString();
    if (credentials.has(credential))
      throw new ArchiveRefusal('bad_event', `credential ${credential.slice(0, 12)}… voted twice`);
    credentials.add(credential);
    tally = addToTally(tally, ballot.answers);
    ballots++;
  }
  if (!tally) throw new ArchiveRefusal('no_events');
  return { tallyJson: encryptedTallyJson(tally), ballots };
}
