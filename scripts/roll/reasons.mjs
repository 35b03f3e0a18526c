/**
 * Why a row of the roll was rejected, French first then English (`fr / en`), as written in the
 * rejects file: the operator reads these to fix the file, so each names what to change.
 */

/** `fr / en` from a bilingual pair. */
export const both = (fr, en) => `${fr} / ${en}`;

export const REASONS = {
  numicMissing: both('NUMIC manquant', 'NUMIC missing'),
  numicInvalid: both('NUMIC invalide (8 chiffres au plus)', 'invalid NUMIC (at most 8 digits)'),
  emailMissing: both('e-mail manquant', 'e-mail missing'),
  emailInvalid: both('e-mail invalide', 'invalid e-mail'),
  phoneMissing: both('téléphone manquant', 'phone missing'),
  phoneInvalid: both('numéro de téléphone invalide', 'invalid phone number'),
  phoneNational: both(
    'numéro national sans pays : remplissez la colonne country ou écrivez +indicatif',
    'national number without a country: fill the country column or write +code',
  ),
  countryUnknown: both('pays inconnu (code ISO à 2 lettres, ex. FR)', 'unknown country (2-letter ISO code, e.g. FR)'),
  landline: both('téléphone fixe refusé', 'landline refused'),
  premium: both('numéro surtaxé refusé', 'premium-rate number refused'),
  tollFree: both('numéro gratuit refusé', 'toll-free number refused'),
  sharedCost: both('numéro à coût partagé refusé', 'shared-cost number refused'),
  notMobile: both('pas un numéro de mobile', 'not a mobile number'),
  constituencyMissing: both('circonscription manquante', 'constituency missing'),
  constituencyUnknown: both('circonscription inconnue (1 à 11)', 'unknown constituency (1 to 11)'),
  languageUnknown: both('langue inconnue (fr ou en)', 'unknown language (fr or en)'),
  consulateTooLong: both('consulat trop long (100 caractères au plus)', 'consulate too long (100 characters at most)'),
  quotes: both('guillemets mal placés', 'misplaced quotes'),
  unclosedQuote: both('guillemet jamais refermé', 'quote never closed'),
  /** @param {string[]} fields what the Worker's schema refused (should never happen: the rules above come first) */
  rowInvalid: (fields) => both(`ligne invalide (${fields.join(', ')})`, `invalid row (${fields.join(', ')})`),
  /** @param {number} bytes @param {number} max */
  tooLong: (bytes, max) =>
    both(`ligne trop longue (${bytes} octets, ${max} au plus)`, `line too long (${bytes} bytes, at most ${max})`),
  /** @param {number[]} lines the other lines of that NUMIC @param {number} more how many more not named */
  duplicate: (lines, more) => {
    const list = lines.join(', ') + (more > 0 ? ` (+${more})` : '');
    return both(`NUMIC en double (aussi ligne ${list})`, `duplicate NUMIC (also line ${list})`);
  },
};
