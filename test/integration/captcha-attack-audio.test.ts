// Issue 10's audio attack: the spoken code matched against the clips it is made of (the
// attacker is assumed to hold them). Two readers (test/attacks/audio.ts): subsequence DTW of
// every clip over the whole sound, and cutting at the loud stretches then naming each by DTW.
// Goal: ≤ 20 % of codes read by either. Positive control: the same readers read ≥ 90 % of the
// same digits' clips spoken plainly one after the other.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { loadClips, renderCaptchaAudio } from '../../src/platform/captcha/audio';
import { issueChallenge } from '../../src/platform/captcha/challenge';
import { readSound, readSoundBySegments, templates } from '../attacks/audio';
import { plainSound } from '../attacks/plain';
import { T0 } from '../helpers';

const CODES = { fr: 100, en: 50 } as const;

function samples(wav: Uint8Array): Float32Array {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  return Float32Array.from({ length: (wav.length - 44) / 2 }, (_, i) => view.getInt16(44 + 2 * i, true) / 32768);
}

describe('attack: the audio code matched against its clips', () => {
  for (const language of ['fr', 'en'] as const) {
    it(
      `reads ≤ 20 % of ${CODES[language]} ${language} codes, and ≥ 90 % of the same digits spoken plainly`,
      { timeout: 240_000 },
      async () => {
        const clips = await loadClips(env.ASSETS, language);
        const tpl = templates(clips);
        const readers = { subsequence: readSound, segments: readSoundBySegments };
        const read = { subsequence: 0, segments: 0 };
        const control = { subsequence: 0, segments: 0 };
        for (let i = 0; i < CODES[language]; i++) {
          const { id, challenge } = await issueChallenge(env.CAPTCHA_KEY, T0, language);
          const sound = samples(await renderCaptchaAudio(env.CAPTCHA_KEY, id, challenge.digits, language, clips));
          const plain = plainSound(challenge.digits, clips);
          for (const [name, reader] of Object.entries(readers) as [keyof typeof readers, typeof readSound][]) {
            if (reader(sound, tpl) === challenge.digits) read[name]++;
            if (reader(plain, tpl) === challenge.digits) control[name]++;
          }
        }
        const pct = (n: number) => `${((n / CODES[language]) * 100).toFixed(1)} %`;
        console.log(
          `captcha attack, audio ${language} (${CODES[language]} codes): ` +
            `subsequence DTW ${pct(read.subsequence)} (plain ${pct(control.subsequence)}), ` +
            `segments + DTW ${pct(read.segments)} (plain ${pct(control.segments)})`,
        );
        expect(Math.max(control.subsequence, control.segments) / CODES[language]).toBeGreaterThanOrEqual(0.9);
        expect(Math.max(read.subsequence, read.segments) / CODES[language]).toBeLessThanOrEqual(0.2);
      },
    );
  }
});
