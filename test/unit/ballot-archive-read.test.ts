// The archive reader (src/ballot/archive-read.ts): what ArchiveWriter writes reads back — the
// header, the event chain from Setup to the last event, the setup and tally records — whatever
// the chunking; records of event types not kept are dropped; a flipped byte, a renamed or cut
// entry, an orphan parent and a non-Belenios first entry are refused with their reason.
import { describe, expect, it } from 'vitest';
import {
  ArchiveRefusal,
  ArchiveWriter,
  archiveEncryptedTally,
  archiveSetup,
  concatChunks,
  readArchive,
  tarEntries,
  tarEntry,
} from '../../src/ballot';

const ELECTION = '{"version":1,"name":"e"}';
const TRUSTEES = '[["Single",{}]]';
const CREDENTIALS = '["2","3"]';
const TALLY = '[[{"alpha":"1","beta":"1"}]]';

/** An archive of two "ballots", EndBallots and a tally, and its bytes in one piece. */
async function sample(): Promise<{ chunks: Uint8Array[]; bytes: Uint8Array; tallyHash: string }> {
  const w = new ArchiveWriter(1796188104);
  const chunks = [w.header(), ...(await w.setup(ELECTION, TRUSTEES, CREDENTIALS))];
  chunks.push(...(await w.records('Ballot', ['{"ballot":1}'])), ...(await w.records('Ballot', ['{"ballot":2}'])));
  chunks.push(await w.event('EndBallots'));
  const tallyHash = (await w.data(TALLY)).hash;
  chunks.push(...(await w.records('EncryptedTally', [TALLY, `{"num_tallied":2,"encrypted_tally":"${tallyHash}"}`])));
  return { chunks, bytes: concatChunks(chunks), tallyHash };
}

/** The bytes cut in pieces of `size` (a stream's chunks never align with tar blocks). */
function* pieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArchiveRefusal);
  return (err as ArchiveRefusal).reason;
}

describe('readArchive', () => {
  it('reads back the chain and records ArchiveWriter wrote, in any chunking', async () => {
    const { bytes, tallyHash } = await sample();
    for (const size of [bytes.length, 512, 700, 1]) {
      const a = await readArchive(pieces(bytes, size));
      expect(a.version).toBe(1);
      expect(a.timestamp).toBe(1796188104);
      expect(a.events.map((e) => e.type)).toEqual(['Setup', 'Ballot', 'Ballot', 'EndBallots', 'EncryptedTally']);
      expect(a.events.map((e) => e.height)).toEqual([0, 1, 2, 3, 4]);
      expect(a.events[0]!.parent).toBeUndefined();
      expect(a.events[1]!.parent).toBe(a.events[0]!.hash);
      expect(a.events[3]!.payload).toBeUndefined();
      expect(archiveSetup(a)).toEqual({ election: ELECTION, trustees: TRUSTEES, credentials: CREDENTIALS });
      const t = archiveEncryptedTally(a)!;
      expect(t.tally).toBe(TALLY);
      expect(t.sized).toContain(tallyHash);
    }
  });

  it('drops the records of event types it is told not to keep', async () => {
    const { chunks } = await sample();
    const all = await readArchive(chunks);
    const lean = await readArchive(chunks, (type) => type !== 'Ballot');
    expect(all.records.size - lean.records.size).toBe(2);
    expect([...lean.records.values()]).not.toContain('{"ballot":1}');
    expect(archiveSetup(lean).election).toBe(ELECTION);
  });

  it('has no encrypted tally before one is appended', async () => {
    const w = new ArchiveWriter(1);
    const a = await readArchive([w.header(), ...(await w.setup(ELECTION, TRUSTEES, CREDENTIALS))]);
    expect(a.events.map((e) => e.type)).toEqual(['Setup']);
    expect(archiveEncryptedTally(a)).toBeUndefined();
  });

  it('tolerates the end-of-archive zero blocks other tars write', async () => {
    const { bytes } = await sample();
    const a = await readArchive([bytes, new Uint8Array(1024)]);
    expect(a.events).toHaveLength(5);
  });

  it('refuses a flipped byte, a cut archive, a renamed entry, an orphan event, a foreign first entry', async () => {
    const { bytes, chunks } = await sample();
    const flipped = bytes.slice();
    const at = new TextDecoder().decode(bytes).indexOf('"ballot":1') + 10;
    flipped[at] = 0x39;
    expect(await refusal(readArchive([flipped]))).toBe('hash_mismatch');

    const header = bytes.slice();
    header[512 * 2 + 10] = 0x7a; // a byte of an entry's name: its checksum no longer holds
    expect(await refusal(readArchive([header]))).toBe('bad_checksum');

    expect(await refusal(readArchive([bytes.subarray(0, bytes.length - 100)]))).toBe('truncated');
    expect(await refusal(readArchive([chunks[0]!, tarEntry('notes.txt', new Uint8Array(1), 1)]))).toBe(
      'bad_entry_name',
    );
    // The Setup event left out: the first Ballot's parent is nowhere.
    const noSetup = chunks.filter((_, i) => i !== 5);
    expect(await refusal(readArchive(noSetup))).toBe('broken_chain');
    expect(await refusal(readArchive(chunks.slice(1)))).toBe('bad_header');
    expect(await refusal(readArchive(chunks.slice(0, 5)))).toBe('no_events');
  });
});

describe('tarEntries', () => {
  it('yields each entry with its exact body, padding removed', async () => {
    const body = new TextEncoder().encode('x'.repeat(513));
    const out = [];
    for await (const e of tarEntries([tarEntry('a', body, 0), tarEntry('b', new Uint8Array(0), 0)])) out.push(e);
    expect(out.map((e) => [e.name, e.body.length])).toEqual([
      ['a', 513],
      ['b', 0],
    ]);
  });
});
