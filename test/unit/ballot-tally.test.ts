// Trustees, tally and archive (src/ballot/trustee.ts, tally.ts, archive.ts): a pok verifies and
// a forged one does not; two trustees decrypt the tally of a few ballots into the right result,
// a wrong factor or proof is caught; counts switch to strings above 2³⁰−1; tar headers match
// the bytes belenios-tool writes.
import { describe, expect, it } from 'vitest';
import {
  ArchiveWriter,
  type Election,
  type PartialDecryption,
  P,
  Q,
  addToTally,
  archiveHeader,
  computeResult,
  countJson,
  decryptOutput,
  electionFingerprint,
  electionJson,
  electionPublicKey,
  emptyTally,
  encryptBallot,
  encryptedTallyJson,
  eventJson,
  generateElectionUuid,
  generatePrivateCredential,
  generateTrusteeKey,
  parseEncryptedTally,
  parsePartialDecryption,
  parseTrusteePrivateKey,
  parseTrusteePublicKey,
  partialDecrypt,
  resultJson,
  singleChoiceQuestion,
  sizedTallyJson,
  trusteePrivateKeyJson,
  trusteePublicKeyJson,
  verifyBallot,
  verifyPartialDecryption,
  verifyPok,
} from '../../src/ballot';

describe('trustees', () => {
  it('a generated key pair round-trips through .pubkey/.privkey and its pok verifies', async () => {
    const { privateKey, publicKey } = await generateTrusteeKey();
    expect(await verifyPok(publicKey)).toBe(true);
    const pub = trusteePublicKeyJson(publicKey);
    expect(pub).toMatch(/^\{"pok":\{"challenge":"\d+","response":"\d+"\},"public_key":"\d+"\}$/);
    expect(parseTrusteePublicKey(pub)).toEqual(publicKey);
    expect(parseTrusteePrivateKey(`${trusteePrivateKeyJson(privateKey)}\n`)).toBe(privateKey);
    const forged = { ...publicKey, pok: { ...publicKey.pok, response: (publicKey.pok.response + 1n) % Q } };
    expect(await verifyPok(forged)).toBe(false);
    expect(await verifyPok({ ...publicKey, publicKey: P - 1n })).toBe(false);
  });
});

describe('tally and decryption', () => {
  it('two trustees decrypt the tally of 5 ballots (one blank) into the counts', async () => {
    const trustees = [await generateTrusteeKey(), await generateTrusteeKey()];
    const election: Election = {
      uuid: generateElectionUuid(),
      name: 'n',
      description: 'd',
      publicKey: electionPublicKey(trustees.map((t) => t.publicKey)),
      questions: [singleChoiceQuestion('Q', ['A', 'B', 'C'])],
    };
    const fp = await electionFingerprint(electionJson(election));
    expect(encryptedTallyJson(emptyTally(election))).toBe(
      '[[{"alpha":"1","beta":"1"},{"alpha":"1","beta":"1"},{"alpha":"1","beta":"1"},{"alpha":"1","beta":"1"}]]',
    );
    let tally = emptyTally(election);
    for (const choice of [0, 2, 'blank', 2, 2] as const) {
      const b = await encryptBallot(election, fp, generatePrivateCredential(), choice);
      const v = await verifyBallot(b.json, election, fp);
      if (!v.ok) throw new Error(v.reason);
      tally = addToTally(tally, v.ballot.answers);
    }
    expect(parseEncryptedTally(encryptedTallyJson(tally))).toEqual(tally);
    const partials: PartialDecryption[] = [];
    for (const [i, t] of trustees.entries()) {
      const out = await decryptOutput(tally, t.privateKey, i + 1, fp);
      const [pd, owned] = out.split('\n');
      expect(owned).toMatch(new RegExp(`^\\{"owner":${i + 1},"payload":"[0-9a-f]{64}"\\}$`));
      const parsed = parsePartialDecryption(pd!);
      expect(await verifyPartialDecryption(tally, parsed, t.publicKey.publicKey, fp)).toBe(true);
      // Another trustee's key, or another election's fingerprint, does not verify.
      expect(await verifyPartialDecryption(tally, parsed, trustees[1 - i]!.publicKey.publicKey, fp)).toBe(false);
      expect(await verifyPartialDecryption(tally, parsed, t.publicKey.publicKey, `x${fp.slice(1)}`)).toBe(false);
      partials.push(parsed);
    }
    const result = computeResult(tally, partials, 5n);
    expect(result).toEqual([[1n, 1n, 0n, 3n]]);
    expect(resultJson(result)).toBe('{"result":[[1,1,0,3]]}');

    // A wrong factor (even with its proof recomputed for the wrong secret) is refused.
    const wrong = await partialDecrypt(tally, trustees[0]!.privateKey + 1n, fp);
    expect(await verifyPartialDecryption(tally, wrong, trustees[0]!.publicKey.publicKey, fp)).toBe(false);
    expect(() => computeResult(tally, [partials[0]!], 5n)).toThrow(RangeError);
  });

  it('counts are JSON ints up to 2³⁰−1, decimal strings above', () => {
    expect(countJson(1073741823n)).toBe('1073741823');
    expect(countJson(1073741824n)).toBe('"1073741824"');
    expect(sizedTallyJson(3, 100000000000n, 'ab')).toBe(
      '{"num_tallied":3,"total_weight":"100000000000","encrypted_tally":"ab"}',
    );
  });
});

describe('archive', () => {
  // Byte for byte the BELENIOS header belenios-tool wrote for this timestamp.
  it('the BELENIOS entry has the tool header bytes (no magic, checksum %06o NUL space)', () => {
    const h = archiveHeader(1796188104);
    expect(h.length).toBe(1024);
    const text = new TextDecoder().decode(h.subarray(0, 512));
    expect(text.slice(0, 8)).toBe('BELENIOS');
    expect(text.slice(100, 157)).toBe(
      '0000644\u00000000000\u00000000000\u000000000000046\u000015303723710\u0000005711\u0000 0',
    );
    expect(h.subarray(257, 263).every((b) => b === 0)).toBe(true);
    expect(new TextDecoder().decode(h.subarray(512, 550))).toBe('{"version":1,"timestamp":"1796188104"}');
  });

  it('events chain by parent hash and height; EndBallots has no payload', async () => {
    expect(eventJson({ height: 0 }, 'Setup', 'aa')).toBe('{"height":0,"type":"Setup","payload":"aa"}');
    const w = new ArchiveWriter(1);
    const setup = await w.setup('{}', '[]', '[]');
    expect(setup).toHaveLength(5);
    const first = w.chain;
    expect(first.height).toBe(1);
    await w.event('EndBallots');
    expect(w.chain.height).toBe(2);
    expect(eventJson(first, 'EndBallots')).toBe(`{"parent":"${first.parent}","height":1,"type":"EndBallots"}`);
  });
});
