// Issue 10's first attack: reading the code from the picture's markup and structure alone.
// The reader (test/attacks/markup.ts) is trained on 500 labelled codes and must read at most
// 1 % of 2 000 others as served; the same reader, trained and tested the same way, must read
// at least 90 % of two SVG renderings of the same digits — the seed's picture, which this
// attack broke, and a plain one — or reading nothing of the PNG would prove nothing.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { sealedCaptcha } from '../../src/platform/captcha';
import { issueChallenge } from '../../src/platform/captcha/challenge';
import { durableGuards } from '../../src/platform/guard/guards';
import { trainMarkupReader, type Sample } from '../attacks/markup';
import { plainSvg } from '../attacks/plain';
import { decodePng } from '../attacks/png';
import { renderCaptchaSvg } from '../attacks/seed-svg';
import { T0, harness, seedElection } from '../helpers';

const TRAIN = 500;
const TEST = 2000;

async function codes(n: number) {
  return Promise.all(Array.from({ length: n }, () => issueChallenge(env.CAPTCHA_KEY, T0, 'fr')));
}

function score(read: (bytes: Uint8Array) => string | null, samples: Sample[]): number {
  return samples.filter((s) => read(s.bytes) === s.digits).length;
}

describe('attack: markup and structure of the picture', () => {
  it(
    'reads ≤ 1 % of 2 000 served pictures, and ≥ 90 % of the seed SVG and a plain SVG of the same digits',
    { timeout: 180_000 },
    async () => {
      const captcha = sealedCaptcha(env.CAPTCHA_KEY, durableGuards(env.ACCESS_STATE, env.NUMIC_HMAC_KEY), env.ASSETS);
      const [train, test] = [await codes(TRAIN), await codes(TEST)];
      const served = async (list: typeof train) =>
        Promise.all(
          list.map(async ({ id, challenge }) => ({
            bytes: (await captcha.picture(id, T0))!,
            digits: challenge.digits,
          })),
        );
      const seed = async (list: typeof train) =>
        Promise.all(
          list.map(async ({ id, challenge }) => ({
            bytes: new TextEncoder().encode(await renderCaptchaSvg(env.CAPTCHA_KEY, id, challenge.digits)),
            digits: challenge.digits,
          })),
        );
      const plain = (list: typeof train) =>
        list.map(({ challenge }) => ({ bytes: plainSvg(challenge.digits), digits: challenge.digits }));

      const results: Record<string, number> = {};
      for (const [name, make] of [
        ['served PNG', served],
        ['seed SVG (control)', seed],
        ['plain SVG (control)', plain],
      ] as const) {
        const reader = trainMarkupReader(await make(train));
        results[name] = score(reader, await make(test)) / TEST;
      }
      console.log(
        `captcha attack, markup and structure (${TRAIN} trained, ${TEST} read): ` +
          Object.entries(results)
            .map(([k, v]) => `${k} ${(v * 100).toFixed(2)} %`)
            .join(', '),
      );
      expect(results['seed SVG (control)']).toBeGreaterThanOrEqual(0.9);
      expect(results['plain SVG (control)']).toBeGreaterThanOrEqual(0.9);
      expect(results['served PNG']).toBeLessThanOrEqual(0.01);
    },
  );

  it('is what the Worker serves: the same bytes over HTTP, a PNG of pixels and size only', async () => {
    await seedElection();
    const h = harness();
    const captcha = sealedCaptcha(env.CAPTCHA_KEY, durableGuards(env.ACCESS_STATE, env.NUMIC_HMAC_KEY), env.ASSETS);
    for (let i = 0; i < 5; i++) {
      const { captchaId } = await h.code(await (await h.get(i % 2 ? '/?lang=en' : '/')).text());
      const res = await h.get(`/captcha/${captchaId}.png`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(bytes).toEqual(await captcha.picture(captchaId, h.now));
      expect((await decodePng(bytes)).chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    }
  });
});
