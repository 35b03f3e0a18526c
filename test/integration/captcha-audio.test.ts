// "Écouter le code": the audio version of the security code, assembled by the Worker from
// clips that are static assets the Worker reads through ASSETS and refuses to serve.
import { SELF, env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { CLIPS_DIR, decodeClips, loadClips, renderCaptchaAudio } from '../../src/platform/captcha/audio';
import { openChallenge } from '../../src/platform/captcha/challenge';
import { DEMO, T0, harness, seedElection, seedVoter, text } from '../helpers';

interface Wav {
  riff: string;
  wave: string;
  format: number;
  channels: number;
  sampleRate: number;
  bits: number;
  dataBytes: number;
  seconds: number;
  chunks: string[];
}

/** Reads a RIFF/WAVE header the way a player would. */
function parseWav(bytes: Uint8Array): Wav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (at: number) => String.fromCharCode(...bytes.slice(at, at + 4));
  const chunks: string[] = [];
  let at = 12;
  let fmt = { format: 0, channels: 0, sampleRate: 0, bits: 0 };
  let dataBytes = 0;
  while (at + 8 <= bytes.length) {
    const id = ascii(at);
    const size = view.getUint32(at + 4, true);
    chunks.push(id);
    if (id === 'fmt ') {
      fmt = {
        format: view.getUint16(at + 8, true),
        channels: view.getUint16(at + 10, true),
        sampleRate: view.getUint32(at + 12, true),
        bits: view.getUint16(at + 22, true),
      };
    }
    if (id === 'data') dataBytes = size;
    at += 8 + size + (size % 2);
  }
  const seconds = dataBytes / (fmt.sampleRate * fmt.channels * (fmt.bits / 8));
  return { riff: ascii(0), wave: ascii(8), ...fmt, dataBytes, seconds, chunks };
}

function contains(haystack: Uint8Array, needle: string): boolean {
  const n = new TextEncoder().encode(needle);
  outer: for (let i = 0; i + n.length <= haystack.length; i++) {
    for (let j = 0; j < n.length; j++) if (haystack[i + j] !== n[j]) continue outer;
    return true;
  }
  return false;
}

describe('audio security code', () => {
  beforeEach(async () => {
    await seedElection();
    await seedVoter();
  });

  it('is offered beside the image, with the way to the assistance cell, and no digits in its URL', async () => {
    const h = harness();
    const html = await (await h.get('/')).text();
    const { captchaId, captcha } = await h.code(html);
    const src = /<audio[^>]*src="([^"]+)"/.exec(html)?.[1];
    expect(src).toBe(`/captcha/${captchaId}.wav?lang=fr`);
    expect(src).not.toContain(captcha);
    expect(html).toMatch(/<audio[^>]*controls[^>]*preload="none"|<audio[^>]*preload="none"[^>]*controls/);
    expect(html).toMatch(/<audio[^>]*aria-labelledby="captcha-audio-label"/);
    const page = text(html);
    expect(page).toContain('Écouter le code');
    expect(page).toContain("Vous ne pouvez utiliser ni l'image ni le son ? La cellule d'assistance peut vous aider.");
    expect(html).toContain('href="/aide#code"');
  });

  it('is a plausible 8 kHz mono WAV, not cached, without the digits in its bytes or headers', async () => {
    const h = harness();
    const { captchaId, captcha } = await h.code(await (await h.get('/')).text());
    const res = await h.get(`/captcha/${captchaId}.wav`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const bytes = new Uint8Array(await res.arrayBuffer());
    const wav = parseWav(bytes);
    expect(wav).toMatchObject({ riff: 'RIFF', wave: 'WAVE', format: 1, channels: 1, sampleRate: 8000, bits: 16 });
    // Only the two chunks a player needs: no LIST/INFO metadata that could carry anything.
    expect(wav.chunks).toEqual(['fmt ', 'data']);
    expect(wav.dataBytes).toBe(bytes.length - 44);
    expect(wav.seconds).toBeGreaterThan(2);
    expect(wav.seconds).toBeLessThan(8);
    expect(contains(bytes, captcha)).toBe(false);
    for (const [name, value] of res.headers) {
      if (name !== 'content-length') expect(value, name).not.toContain(captcha);
    }
  });

  it('gives the same bytes for the same code and different bytes for another code', async () => {
    const h = harness();
    const first = await h.code(await (await h.get('/')).text());
    const second = await h.code(await (await h.get('/')).text());
    const a1 = new Uint8Array(await (await h.get(`/captcha/${first.captchaId}.wav`)).arrayBuffer());
    const a2 = new Uint8Array(await (await h.get(`/captcha/${first.captchaId}.wav`)).arrayBuffer());
    const b = new Uint8Array(await (await h.get(`/captcha/${second.captchaId}.wav`)).arrayBuffer());
    expect(a2).toEqual(a1);
    expect(b).not.toEqual(a1);
  });

  it('varies noise and timing per code even for the same digits', async () => {
    const key = env.CAPTCHA_KEY;
    const clips = await loadClips(env.ASSETS, 'fr');
    const one = await renderCaptchaAudio(key, 'challenge-one', '4150', 'fr', clips);
    const two = await renderCaptchaAudio(key, 'challenge-two', '4150', 'fr', clips);
    expect(two).not.toEqual(one);
    expect(await renderCaptchaAudio(key, 'challenge-one', '4150', 'fr', clips)).toEqual(one);
    // Not merely shifted: the two sound different at the same offsets.
    const pcm = (b: Uint8Array) => new Int16Array(b.buffer.slice(44, 44 + 8000 * 2));
    const [p1, p2] = [pcm(one), pcm(two)];
    let same = 0;
    for (let i = 0; i < p1.length; i++) if (p1[i] === p2[i]) same++;
    expect(same / p1.length).toBeLessThan(0.05);
  });

  it('stays between 2 and 8 seconds for every digit, in both languages, and never clips', async () => {
    const clipped: string[] = [];
    for (const language of ['fr', 'en'] as const) {
      const clips = await loadClips(env.ASSETS, language);
      for (let d = 0; d < 10; d++) {
        for (const id of ['a', 'b', 'c']) {
          const bytes = await renderCaptchaAudio('k', `${id}${d}`, String(d).repeat(4), language, clips);
          const wav = parseWav(bytes);
          expect(wav.seconds, `${language} ${d}`).toBeGreaterThan(2);
          expect(wav.seconds, `${language} ${d}`).toBeLessThan(8);
          // Full scale is a click: a sample at ±32767 is one the renderer had to cut.
          const pcm = new Int16Array(bytes.buffer, 44, wav.dataBytes / 2);
          if (pcm.some((v) => Math.abs(v) >= 32767)) clipped.push(`${language} ${id}${d}`);
        }
      }
    }
    expect(clipped).toEqual([]);
  });

  it('speaks the language of the page the code was issued for, whatever the request asks', async () => {
    const h = harness();
    const fr = await h.code(await (await h.get('/')).text());
    const en = await h.code(await (await h.get('/?lang=en')).text());
    const clips = { fr: await loadClips(env.ASSETS, 'fr'), en: await loadClips(env.ASSETS, 'en') };
    for (const [code, language, other] of [
      [fr, 'fr', 'en'],
      [en, 'en', 'fr'],
    ] as const) {
      const expected = await renderCaptchaAudio(
        env.CAPTCHA_KEY,
        code.captchaId,
        code.captcha,
        language,
        clips[language],
      );
      // One sound per code: the other language by ?lang=, cookie or Accept-Language gets the same bytes.
      for (const [query, headers] of [
        ['', {}],
        [`?lang=${other}`, {}],
        ['', { cookie: `lang=${other}` }],
        ['', { 'accept-language': `${other};q=1` }],
      ] as const) {
        const res = await h.get(`/captcha/${code.captchaId}.wav${query}`, headers);
        expect(res.headers.get('content-language'), `${language} ${query}`).toBe(language);
        expect(new Uint8Array(await res.arrayBuffer())).toEqual(expected);
      }
    }
  });

  it('speaks a code sealed before codes carried a language in the language the request asks', async () => {
    // The format of the codes already in forms when this deploys (10 minutes at most):
    // `digits.expiry`, sealed as challenge.ts seals, under the same key.
    const raw = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`isoloir-captcha:${env.CAPTCHA_KEY}`));
    const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const plain = new TextEncoder().encode(`4150.${Math.ceil((T0 + 600_000) / 1000)}`);
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain));
    const id = btoa(String.fromCharCode(...iv, ...sealed))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    expect(await openChallenge(env.CAPTCHA_KEY, id)).toMatchObject({ digits: '4150', language: null });
    const h = harness();
    expect((await h.get(`/captcha/${id}.wav`)).headers.get('content-language')).toBe('fr');
    const en = await h.get(`/captcha/${id}.wav?lang=en`);
    expect(en.headers.get('content-language')).toBe('en');
    const clips = await loadClips(env.ASSETS, 'en');
    expect(new Uint8Array(await en.arrayBuffer())).toEqual(
      await renderCaptchaAudio(env.CAPTCHA_KEY, id, '4150', 'en', clips),
    );
  });

  it('is throttled per network: 30 sounds in 10 minutes, an IPv6 /64 as one network, others unaffected', async () => {
    const h = harness();
    const { captchaId } = await h.code(await (await h.get('/')).text());
    const from = (ip: string) => ({ 'cf-connecting-ip': ip });
    // Unknown codes count too: probing costs the allowance.
    for (let i = 0; i < 10; i++) expect((await h.get('/captcha/AAAA.wav', from('203.0.113.7'))).status).toBe(404);
    for (let i = 0; i < 20; i++)
      expect((await h.get(`/captcha/${captchaId}.wav`, from('203.0.113.7'))).status).toBe(200);
    const refused = await h.get(`/captcha/${captchaId}.wav`, from('203.0.113.7'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect((await refused.arrayBuffer()).byteLength).toBe(0);
    // Another network is not held back; the picture is never throttled.
    expect((await h.get(`/captcha/${captchaId}.wav`, from('198.51.100.9'))).status).toBe(200);
    expect((await h.get(`/captcha/${captchaId}.png`, from('203.0.113.7'))).status).toBe(200);
    // One IPv6 /64, whatever its last 64 bits.
    for (let i = 0; i < 30; i++) {
      expect((await h.get(`/captcha/${captchaId}.wav`, from(`2001:db8:1:2::${(i + 1).toString(16)}`))).status).toBe(
        200,
      );
    }
    expect((await h.get(`/captcha/${captchaId}.wav`, from('2001:db8:1:2:ffff::1'))).status).toBe(429);
    expect((await h.get(`/captcha/${captchaId}.wav`, from('2001:db8:1:3::1'))).status).toBe(200);
    // The window slides: 10 minutes later the first network is served again.
    h.now += 10 * 60_000 + 1;
    const fresh = await h.code(await (await h.get('/')).text());
    expect((await h.get(`/captcha/${fresh.captchaId}.wav`, from('203.0.113.7'))).status).toBe(200);
  });

  it('is served only for a pending code: unknown, tampered, expired or used codes get a 404', async () => {
    const h = harness();
    const html = await (await h.get('/')).text();
    const { captchaId, captcha } = await h.code(html);
    expect((await h.get('/captcha/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.wav')).status).toBe(404);
    const tampered = captchaId.slice(0, -2) + (captchaId.endsWith('AA') ? 'BB' : 'AA');
    expect((await h.get(`/captcha/${tampered}.wav`)).status).toBe(404);

    // Used: a login attempt consumes the code, right or wrong.
    await h.post('/login', { identifier: DEMO.identifier, password: 'wrong', captchaId, captcha });
    const used = await h.get(`/captcha/${captchaId}.wav`);
    expect(used.status).toBe(404);
    expect(used.headers.get('cache-control')).toBe('no-store');

    // Expired: past the code's life.
    const other = await h.code(await (await h.get('/')).text());
    h.now += 11 * 60_000;
    expect((await h.get(`/captcha/${other.captchaId}.wav`)).status).toBe(404);
  });

  it('answers byte ranges, as Safari asks before playing', async () => {
    const h = harness();
    const { captchaId } = await h.code(await (await h.get('/')).text());
    const whole = new Uint8Array(await (await h.get(`/captcha/${captchaId}.wav`)).arrayBuffer());
    const res = await h.get(`/captcha/${captchaId}.wav`, { range: 'bytes=0-1' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 0-1/${whole.length}`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(whole.slice(0, 2));
    const tail = await h.get(`/captcha/${captchaId}.wav`, { range: `bytes=${whole.length - 10}-` });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(whole.slice(-10));
    expect((await h.get(`/captcha/${captchaId}.wav`, { range: `bytes=${whole.length + 5}-` })).status).toBe(416);
  });
});

const sha256 = async (bytes: Uint8Array<ArrayBuffer>) =>
  [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');

describe('audio clips: static assets the Worker reads and never serves', () => {
  it('are read through the ASSETS binding: ten digits per language, the files as generated', async () => {
    for (const language of ['fr', 'en'] as const) {
      const res = await env.ASSETS.fetch(`https://assets.invalid${CLIPS_DIR}/${language}.ulaw`);
      expect(res.status).toBe(200);
      const clips = decodeClips(new Uint8Array(await res.arrayBuffer()));
      expect(clips).toHaveLength(10);
      for (const clip of clips) expect(clip.length).toBeGreaterThan(1000); // over 1/8 s each
      expect(await loadClips(env.ASSETS, language)).toEqual(clips);
    }
    // The very files whose clips gave the same WAV bytes as when they were base64 in the script
    // (checked when they moved, before issue 10 changed the renderer): regenerating the clips
    // changes these on purpose.
    const files = {
      fr: 'f450226f1d5df4a012a34f7ac31b390ea6e7f20128be8c2077806ed3260fa8fb',
      en: 'd626efe728d4d193c0f78e04a38d114fe75f7951df598fb262120e4f3d0475ce',
    };
    for (const [language, hash] of Object.entries(files)) {
      const res = await env.ASSETS.fetch(`https://assets.invalid${CLIPS_DIR}/${language}.ulaw`);
      expect(await sha256(new Uint8Array(await res.arrayBuffer())), language).toBe(hash);
    }
  });

  it('refuses a file that is not a clips file, truncated or padded', async () => {
    const res = await env.ASSETS.fetch(`https://assets.invalid${CLIPS_DIR}/fr.ulaw`);
    const good = new Uint8Array(await res.arrayBuffer());
    const bad = [
      good.slice(0, -1),
      new Uint8Array([...good, 0]),
      new TextEncoder().encode('<!doctype html><title>404</title>\n'),
      new Uint8Array(0),
      new Uint8Array([...new TextEncoder().encode('ISOLOIR-CLIPS mu-law 16000'), ...good.slice(26)]),
    ];
    for (const bytes of bad) expect(() => decodeClips(bytes)).toThrow(/not a clips file/);
  });

  // SELF is the Worker itself (src/index.ts): the vitest pool does not put the asset router in
  // front of it, so this checks the Worker's own refusal; test/e2e/private-assets.test.mjs
  // checks that wrangler.toml's run_worker_first routes these paths to it in `wrangler dev`.
  it('are refused by the Worker at every spelling of their path, with the page of any unknown path', async () => {
    const unknown = await SELF.fetch('http://127.0.0.1:8787/no-such-page');
    expect(unknown.status).toBe(404);
    const notFoundPage = await unknown.text();
    const paths = [
      `${CLIPS_DIR}/fr.ulaw`,
      `${CLIPS_DIR}/en.ulaw`,
      `${CLIPS_DIR}/`,
      CLIPS_DIR,
      '/_private/',
      '/_private',
      `${CLIPS_DIR}/fr.ulaw/`,
      `${CLIPS_DIR}/fr.ulaw?download=1`,
      `${CLIPS_DIR}/fr`,
      `${CLIPS_DIR}/./fr.ulaw`,
      `/x/..${CLIPS_DIR}/fr.ulaw`,
      `${CLIPS_DIR}//fr.ulaw`,
      '/%5Fprivate/captcha-clips/fr.ulaw',
      '/_private%2Fcaptcha-clips%2Ffr.ulaw',
      '/_private/captcha-clips/%66r.ulaw',
      '/_private/%2E/captcha-clips/fr.ulaw',
      '/_PRIVATE/captcha-clips/fr.ulaw',
    ];
    for (const path of paths) {
      for (const init of [{}, { method: 'HEAD' }, { headers: { range: 'bytes=0-99' } }]) {
        const res = await SELF.fetch(`http://127.0.0.1:8787${path}`, { ...init, redirect: 'manual' });
        const what = `${init.method ?? 'GET'} ${path}`;
        expect(res.status, what).toBe(404);
        expect(res.headers.get('content-type'), what).toMatch(/^text\/html/);
        expect(res.headers.get('cache-control'), what).toBe('no-store');
        const body = await res.text();
        expect(body, what).toBe(init.method === 'HEAD' ? '' : notFoundPage);
      }
    }
  });
});
