import { beforeEach, describe, expect, it } from 'vitest';
import { DAY, DEMO, harness, seedElection, seedVoter, text, type Harness } from '../helpers';
import { CODE_SLOT, VALUE_SLOT, withCode } from '../../src/views/code-slot';

const ids = (html: string) => ({
  hidden: /name="captchaId" value="([A-Za-z0-9_-]+)"/.exec(html)?.[1],
  image: /src="\/captcha\/([A-Za-z0-9_-]+)\.png"/.exec(html)?.[1],
});

// The login screen is rendered once per language and minute and gets each load's own code
// spliced in (src/views/code-slot.ts): what a voter sees must not show it.
describe('login screen rendered once, a fresh code per load', () => {
  beforeEach(async () => {
    await seedElection();
    await seedVoter();
  });

  it('gives every load its own code, in the image and the hidden input', async () => {
    const h = harness();
    const first = ids(await (await h.get('/')).text());
    const second = ids(await (await h.get('/')).text());
    expect(first.hidden).toBeDefined();
    expect(first.image).toBe(first.hidden);
    expect(second.image).toBe(second.hidden);
    expect(second.hidden).not.toBe(first.hidden);
    expect(first.hidden).not.toContain(CODE_SLOT);
  });

  it('keeps each language and the countdown as the clock moves', async () => {
    const h = harness();
    const fr = text(await (await h.get('/')).text());
    const en = text(await (await h.get('/?lang=en')).text());
    expect(fr).toContain('Fermeture du vote dans 4 Jour(s)');
    expect(en).not.toContain('Fermeture du vote');
    h.now += DAY;
    expect(text(await (await h.get('/')).text())).toContain('Fermeture du vote dans 3 Jour(s)');
  });

  it('gives every load the clock its script counts from (data-now), not the render time', async () => {
    const h = harness();
    const first = /data-now="(\d+)"/.exec(await (await h.get('/')).text())?.[1];
    h.now += 30_000;
    const second = /data-now="(\d+)"/.exec(await (await h.get('/')).text())?.[1];
    expect(first).toBe(String(h.now - 30_000));
    expect(second).toBe(String(h.now));
  });

  it('answers every wrong password with its own code and the identifier typed', async () => {
    const h = harness();
    const wrong = async (h: Harness, identifier: string) => {
      const code = await h.code(await (await h.get('/')).text());
      return h.post('/login', { identifier, password: 'not-the-password', ...code });
    };
    const first = await wrong(h, DEMO.identifier);
    const second = await wrong(h, 'zzzz.zzzz.zzz1');
    expect([first.status, second.status]).toEqual([401, 401]);
    const [a, b] = [await first.text(), await second.text()];
    expect(a).toContain(`name="identifier" type="text" value="${DEMO.identifier}"`);
    expect(b).toContain('name="identifier" type="text" value="zzzz.zzzz.zzz1"');
    expect(text(b)).toContain('Identifiant ou mot de passe incorrect.');
    expect(ids(a).hidden).not.toBe(ids(b).hidden);
    expect(ids(b).image).toBe(ids(b).hidden);
    expect(b).not.toContain(VALUE_SLOT);
    // One page but for the code and the identifier.
    expect(a.replaceAll(ids(a).hidden!, 'C').replaceAll(DEMO.identifier, 'I')).toBe(
      b.replaceAll(ids(b).hidden!, 'C').replaceAll('zzzz.zzzz.zzz1', 'I'),
    );
  });

  it('escapes the value given back as hono/jsx does', async () => {
    const render = (slot: string, value: string) => `<input value="${value}"><p>${slot}</p>`;
    expect(await withCode('v', 'AAA', 0, render, `"><script>&'`)).toBe(
      '<input value="&quot;&gt;&lt;script&gt;&amp;&#39;"><p>AAA</p>',
    );
    expect(await withCode('v', 'BBB', 0, render)).toBe('<input value=""><p>BBB</p>');
  });

  it('renders a key once per minute', async () => {
    let renders = 0;
    const render = (slot: string) => ((renders += 1), `<p data-id="${slot}">${slot}</p>`);
    expect(await withCode('k', 'AAA', 0, render)).toBe('<p data-id="AAA">AAA</p>');
    expect(await withCode('k', 'BBB', 59_999, render)).toBe('<p data-id="BBB">BBB</p>');
    expect(renders).toBe(1);
    await withCode('k', 'CCC', 60_000, render);
    expect(renders).toBe(2);
    const withNow = (slot: string) => `<p data-now="120000">${slot}</p>`;
    expect(await withCode('n', 'DDD', 120_000, withNow)).toBe('<p data-now="120000">DDD</p>');
    expect(await withCode('n', 'EEE', 150_000, withNow)).toBe('<p data-now="150000">EEE</p>');
  });
});
