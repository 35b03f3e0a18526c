// Catalogue completeness: both languages, the same keys, the same placeholders, no empty text,
// and the French source texts the screens rely on kept word for word.
import { describe, expect, it } from 'vitest';
import { catalogues, LOCALES, translator } from '../../src/i18n';
import { en } from '../../src/i18n/en';
import { fr } from '../../src/i18n/fr';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  it('have exactly the same keys in French and English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  });

  it('use the same placeholders in both languages, key by key', () => {
    const mismatches = Object.keys(fr)
      .filter(
        (key) =>
          JSON.stringify(placeholders(fr[key as keyof typeof fr])) !==
          JSON.stringify(placeholders(en[key as keyof typeof en])),
      )
      .map(
        (key) =>
          `${key}: fr ${placeholders(fr[key as keyof typeof fr])} / en ${placeholders(en[key as keyof typeof en])}`,
      );
    expect(mismatches).toEqual([]);
  });

  it('have no empty text and no unbalanced placeholder braces', () => {
    for (const locale of LOCALES) {
      for (const [key, text] of Object.entries(catalogues[locale])) {
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        expect(text.replace(/\{\w+\}/g, ''), `${locale} ${key}`).not.toMatch(/[{}]/);
      }
    }
  });

  it('name their own language (used for <html lang>)', () => {
    expect(fr['meta.lang']).toBe('fr');
    expect(en['meta.lang']).toBe('en');
  });

  it('are really translated: English differs from French but for a few shared words', () => {
    const same = Object.keys(fr).filter((k) => fr[k as keyof typeof fr] === en[k as keyof typeof en]);
    // Texts that are legitimately identical in both languages: a postal address, words both
    // share, and acronyms such as NUMIC.
    const allowed = ['a11y.recourse.address', 'legal.cookiesTitle', 'login.minutes'];
    const acronym = (text: string) => /^[A-Z0-9\s*:()-]+$/.test(text);
    expect(same.filter((k) => !allowed.includes(k) && !acronym(fr[k as keyof typeof fr]))).toEqual([]);
  });

  it('keep the source document texts word for word in French', () => {
    const source = [
      'Bienvenue',
      '* Champs obligatoires',
      'Identifiant*',
      'Identifiant perdu ou non reçu ?',
      'Mot de passe*',
      'Mot de passe perdu ou non reçu ?',
      'Saisissez les 4 chiffres:',
      'Saisissez les 4 chiffres ci-dessus',
      'Code de sécurité',
      'Connexion',
      'AIDE ?',
      'Revenir sur le portail de vote',
    ];
    const values = Object.values(fr) as string[];
    for (const text of source) expect(values).toContain(text);
    expect(fr['help.faq.both.a1']).toBe(
      "Pour des raisons de sécurité, il n'est pas possible de renouveler à la fois son identifiant et son mot de passe.",
    );
    expect(fr['help.faq.spam.a1']).toContain(
      "Si celui-ci ne vous parvient pas d'ici quelques minutes, merci de consulter le dossier des « courriels indésirables (spam) ».",
    );
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    const t = translator('en');
    expect(t('login.countdown', { remaining: '4 day(s)' })).toBe('Voting closes in 4 day(s)');
    expect(t('meta.yourZone')).toBe('in your time zone ({zone}):');
  });
});
