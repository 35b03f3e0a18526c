// The group arithmetic (src/ballot/group.ts) and the credentials (credentials.ts): the fast
// exponentiations agree with the plain one, membership and canonical decimals are strict, and
// a credential made by belenios-tool derives the public credential the tool printed.
import { describe, expect, it } from 'vitest';
import {
  BASE58,
  FixedBase,
  G,
  P,
  Q,
  derivePublicCredential,
  fixedG,
  generateElectionUuid,
  generatePrivateCredential,
  isElectionUuid,
  isGroupElement,
  isScalar,
  isValidPrivateCredential,
  modInverse,
  modPow,
  multiPow,
  parseDecimal,
  parsePublicCredential,
  powMany,
  randomScalar,
} from '../../src/ballot';

describe('group', () => {
  it('fixed-base, comb and Straus powers equal the plain modPow', () => {
    const x = randomScalar();
    const y = fixedG().pow(x);
    expect(y).toBe(modPow(G, x));
    const t = new FixedBase(y);
    const es = [0n, 1n, Q - 1n, randomScalar(), randomScalar()];
    for (const e of es) expect(t.pow(e)).toBe(modPow(y, e));
    expect(t.pow(-1n)).toBe(modInverse(y));
    expect(powMany(y, es)).toEqual(es.map((e) => modPow(y, e)));
    expect(powMany(y, [Q])).toEqual([1n]);
    const [a, b] = [randomScalar(), randomScalar()];
    expect(
      multiPow([
        [G, a],
        [y, b],
      ]),
    ).toBe((modPow(G, a) * modPow(y, b)) % P);
  });

  it('membership: g, 1 and g^x are in; 0, p − 1, 2 and p are out', () => {
    expect(isGroupElement(G)).toBe(true);
    expect(isGroupElement(1n)).toBe(true);
    expect(isGroupElement(fixedG().pow(randomScalar()))).toBe(true);
    for (const x of [0n, P - 1n, 2n, P, P + 1n, -1n]) expect(isGroupElement(x)).toBe(false);
    expect(isScalar(Q - 1n) && isScalar(0n)).toBe(true);
    expect(isScalar(Q) || isScalar(-1n)).toBe(false);
    for (let i = 0; i < 20; i++) expect(isScalar(randomScalar())).toBe(true);
  });

  it('decimals are canonical: no leading zero, sign, space, hex or empty string', () => {
    expect(parseDecimal('0')).toBe(0n);
    expect(parseDecimal('1234567890')).toBe(1234567890n);
    for (const s of ['', '01', '00', '+1', '-1', ' 1', '1 ', '0x10', '1e3', '1.0', '１']) {
      expect(parseDecimal(s), s).toBeUndefined();
    }
    expect(parseDecimal(12)).toBeUndefined();
  });
});

describe('credentials', () => {
  // Made by `belenios-tool setup generate-credentials --uuid Lms3gwaqyoGpBA`.
  const TOOL_UUID = 'Lms3gwaqyoGpBA';
  const TOOL_CREDENTIAL = '72v-KgD-Pf9-7RX-U2f';
  const TOOL_PUBLIC =
    '5681474803855489068125337997355206345735994771016500902010926108867798575833068224205336134208849969966997793482081081971303476559309915318118461752950137905442564736137108104522331921807760747593214315874449843668242596271614245136096628421202463818674041195655266940301078650905630962894680180250742612695213796767151578057567714143662739485381508487808641141274524088934692076472334028651047252365832978645365172479718449065836282346575207073677480750523952528156684187392786609771710552828120120487651297285913859431470154325430016762818870646699274552445320257248083299661004926486367124758842272254856335394371';

  it('a credential of the tool derives its public credential (PBKDF2 over the dashed form)', async () => {
    expect(isValidPrivateCredential(TOOL_CREDENTIAL)).toBe(true);
    expect((await derivePublicCredential(TOOL_CREDENTIAL, TOOL_UUID)).toString()).toBe(TOOL_PUBLIC);
    expect((await derivePublicCredential(TOOL_CREDENTIAL.replaceAll('-', ''), TOOL_UUID)).toString()).not.toBe(
      TOOL_PUBLIC,
    );
    expect(parsePublicCredential(`${TOOL_PUBLIC},1,a`)).toEqual({ credential: BigInt(TOOL_PUBLIC), weight: 1n });
  });

  // 58 ≡ 5 (mod 53): only a digit replaced by one 53 apart (1↔v, 2↔w…) keeps the checksum.
  it('the checksum catches every single mistyped digit but those 53 apart', () => {
    for (let n = 0; n < 20; n++) {
      const c = generatePrivateCredential();
      expect(c).toMatch(/^([1-9A-HJ-NP-Za-km-z]{3}-){4}[1-9A-HJ-NP-Za-km-z]{3}$/);
      expect(isValidPrivateCredential(c)).toBe(true);
    }
    const chars = [...TOOL_CREDENTIAL];
    for (const [i, ch] of chars.entries()) {
      if (ch === '-') continue;
      for (const other of BASE58) {
        if (other === ch) continue;
        const typo = chars.map((c, j) => (j === i ? other : c)).join('');
        const apart = Math.abs(BASE58.indexOf(other) - BASE58.indexOf(ch)) === 53;
        expect(isValidPrivateCredential(typo), typo).toBe(apart);
      }
    }
    expect(isValidPrivateCredential(TOOL_CREDENTIAL.replaceAll('-', ''))).toBe(false);
    expect(isValidPrivateCredential(`${TOOL_CREDENTIAL.slice(0, -1)}0`)).toBe(false);
  });

  it('uuids are 14 Base58 characters', () => {
    const u = generateElectionUuid();
    expect(u).toHaveLength(14);
    expect(isElectionUuid(u) && isElectionUuid(TOOL_UUID)).toBe(true);
    expect(isElectionUuid('Lms3gwaqyoGpB0') || isElectionUuid('short')).toBe(false);
  });
});

describe('BELENIOS-2048', () => {
  it('is the group of the specification (BELENIOS.md §1, decimal)', () => {
    expect(P.toString()).toBe(
      '20694785691422546401013643657505008064922989295751104097100884787057374219242717401922237254497684338129066633138078958404960054389636289796393038773905722803605973749427671376777618898589872735865049081167099310535867780980030790491654063777173764198678527273474476341835600035698305193144284561701911000786737307333564123971732897913240474578834468260652327974647951137672658693582180046317922073668860052627186363386088796882120769432366149491002923444346373222145884100586421050242120365433561201320481118852408731077014151666200162313177169372189248078507711827842317498073276598828825169183103125680162072880719',
    );
    expect(G.toString()).toBe(
      '2402352677501852209227687703532399932712287657378364916510075318787663274146353219320285676155269678799694668298749389095083896573425601900601068477164491735474137283104610458681314511781646755400527402889846139864532661215055797097162016168270312886432456663834863635782106154918419982534315189740658186868651151358576410138882215396016043228843603930989333662772848406593138406010231675095763777982665103606822406635076697764025346253773085133173495194248967754052573659049492477631475991575198775177711481490920456600205478127054728238140972518639858334115700568353695553423781475582491896050296680037745308460627',
    );
    expect(Q.toString()).toBe('78571733251071885079927659812671450121821421258408794611510081919805623223441');
    expect((P - 1n) % Q).toBe(0n);
  });
});
