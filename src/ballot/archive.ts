/**
 * The Belenios archive `UUID.bel` (BELENIOS.md §6), written as a stream: each call returns the
 * bytes of one tar entry, so a box of 200 000 ballots goes out chunk by chunk and is never held
 * whole. The tool's fsck regenerates the archive from its last event and compares bytes, hence
 * the old-style tar with no magic and no trailer, and every mtime set to the archive timestamp.
 */
import { sha256Hex } from './hash';

export type EventType =
  'Setup' | 'Ballot' | 'EndBallots' | 'EncryptedTally' | 'Shuffle' | 'EndShuffles' | 'PartialDecryption' | 'Result';

const encoder = new TextEncoder();

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width, '0');
}

/**
 * A tar entry's 512-byte header (name, 0000644, uid/gid 0, size, mtime, type 0): the body follows,
 * then `tarPadding(size)`. Apart so a body too large for memory can be streamed between the two.
 */
export function tarHeader(name: string, size: number, timestamp: number): Uint8Array {
  const nameBytes = encoder.encode(name);
  if (nameBytes.length > 99) throw new RangeError('tar name too long');
  const out = new Uint8Array(512);
  const put = (offset: number, s: string) => out.set(encoder.encode(s), offset);
  out.set(nameBytes, 0);
  put(100, '0000644');
  put(108, '0000000');
  put(116, '0000000');
  put(124, octal(size, 11));
  put(136, octal(timestamp, 11));
  put(156, '0');
  put(148, '        ');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += out[i]!;
  put(148, `${octal(sum, 6)}\0 `);
  return out;
}

/** The zeros that round a body of `size` bytes up to the next 512-byte block. */
export function tarPadding(size: number): Uint8Array {
  return new Uint8Array((512 - (size % 512)) % 512);
}

/** One tar entry: its header, its body, its padding. */
export function tarEntry(name: string, body: Uint8Array, timestamp: number): Uint8Array {
  const out = new Uint8Array(512 + Math.ceil(body.length / 512) * 512);
  out.set(tarHeader(name, body.length, timestamp), 0);
  out.set(body, 512);
  return out;
}

/** The first entry, `BELENIOS`: {"version":1,"timestamp":"<unix seconds>"}. */
export function archiveHeader(timestamp: number): Uint8Array {
  return tarEntry('BELENIOS', encoder.encode(`{"version":1,"timestamp":"${timestamp}"}`), timestamp);
}

/** A data record `<hex>.data.json` and its hash (what events and setup_data point to). */
export async function dataEntry(json: string, timestamp: number): Promise<{ hash: string; bytes: Uint8Array }> {
  const body = encoder.encode(json);
  const hash = await sha256Hex(body);
  return { hash, bytes: tarEntry(`${hash}.data.json`, body, timestamp) };
}

/** Where the event chain stands: what the next event's parent and height are. */
export interface ChainState {
  parent?: string;
  height: number;
}

/** The event JSON: parent absent at height 0, payload absent for EndBallots/EndShuffles. */
export function eventJson(state: ChainState, type: EventType, payload?: string): string {
  const parent = state.parent === undefined ? '' : `"parent":"${state.parent}",`;
  const body = payload === undefined ? '' : `,"payload":"${payload}"`;
  return `{${parent}"height":${state.height},"type":"${type}"${body}}`;
}

/** An event entry, and the chain state after it (serializable: a stream may resume from it). */
export async function eventEntry(
  state: ChainState,
  type: EventType,
  payload: string | undefined,
  timestamp: number,
): Promise<{ bytes: Uint8Array; next: ChainState }> {
  const body = encoder.encode(eventJson(state, type, payload));
  const hash = await sha256Hex(body);
  return { bytes: tarEntry(`${hash}.event.json`, body, timestamp), next: { parent: hash, height: state.height + 1 } };
}

/** setup_data: the hashes of the election, trustees and credentials records. */
export function setupDataJson(election: string, trustees: string, credentials: string): string {
  return `{"election":"${election}","trustees":"${trustees}","credentials":"${credentials}"}`;
}

/** The public credentials record: a JSON list of `"<g^s>"` or `"<g^s>,<weight>"`. */
export function credentialsJson(entries: readonly string[]): string {
  return JSON.stringify(entries);
}

/**
 * Writes an archive entry by entry in the order the tool requires (§6): setup, then ballots,
 * EndBallots, tally, partial decryptions, result. Each method returns the chunk to send on.
 */
export class ArchiveWriter {
  private state: ChainState;

  constructor(
    readonly timestamp: number,
    state: ChainState = { height: 0 },
  ) {
    this.state = state;
  }

  /** The chain state, to resume a stream in another request. */
  get chain(): ChainState {
    return { ...this.state };
  }

  header(): Uint8Array {
    return archiveHeader(this.timestamp);
  }

  /** A data record without an event (election, trustees, credentials, owned…). */
  data(json: string): Promise<{ hash: string; bytes: Uint8Array }> {
    return dataEntry(json, this.timestamp);
  }

  /** An event pointing at `payload`, advancing the chain. */
  async event(type: EventType, payload?: string): Promise<Uint8Array> {
    const { bytes, next } = await eventEntry(this.state, type, payload, this.timestamp);
    this.state = next;
    return bytes;
  }

  /** election, trustees, credentials, setup_data, Setup event. */
  async setup(election: string, trustees: string, credentials: string): Promise<Uint8Array[]> {
    const e = await this.data(election);
    const t = await this.data(trustees);
    const c = await this.data(credentials);
    const s = await this.data(setupDataJson(e.hash, t.hash, c.hash));
    return [e.bytes, t.bytes, c.bytes, s.bytes, await this.event('Setup', s.hash)];
  }

  /** Records then their event: the payload is the last record (ballot; tally + sized; pd + owned; result). */
  async records(type: EventType, jsons: readonly string[]): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    let last: string | undefined;
    for (const json of jsons) {
      const d = await this.data(json);
      out.push(d.bytes);
      last = d.hash;
    }
    out.push(await this.event(type, last));
    return out;
  }
}

/** Concatenates chunks (for tests and small archives; a server streams them instead). */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
