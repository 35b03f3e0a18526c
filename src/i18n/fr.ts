/**
 * French catalogue — the source of truth. The texts of the source document
 * (shared/seed/) are kept word for word; texts keep the plain space of the source before « ? » and « : » so they match it byte for byte.
 * Placeholders are written `{name}`; the English catalogue must use the same ones.
 */
import { helpFr } from './help.fr';

export const fr = {
  'meta.lang': 'fr',
  'meta.portal': 'Portail de vote par internet',
  'meta.skip': 'Aller au contenu',
  'meta.switchTo': 'English',
  'meta.switchLabel': 'Read this page in English',
  'meta.required': '* Champs obligatoires',
  'meta.requiredMark': '(obligatoire)',
  'meta.help': 'AIDE ?',
  'meta.accessibility': "Déclaration d'accessibilité",
  'meta.legal': 'Mentions légales et données personnelles',
  'meta.back': 'Revenir sur le portail de vote',
  'meta.errorSummary': 'Le formulaire contient {count} erreur(s) :',
  'meta.parisZone': 'heure de Paris',
  'meta.yourZone': 'dans votre fuseau horaire ({zone}) :',

  'login.title': 'Connexion',
  'login.welcome': 'Bienvenue',
  'login.identifier': 'Identifiant*',
  'login.identifierLost': 'Identifiant perdu ou non reçu ?',
  'login.password': 'Mot de passe*',
  'login.passwordLost': 'Mot de passe perdu ou non reçu ?',
  'login.submit': 'Connexion',
  'login.opening': 'Ouverture {date}',
  'login.closing': 'Fermeture {date}',
  'login.countdown': 'Fermeture du vote dans {remaining}',
  'login.days': '{n} Jour(s)',
  'login.hours': '{n} heure(s)',
  'login.minutes': '{n} minute(s)',
  'login.notOpen': "Le vote n'est pas encore ouvert. Il ouvrira le {date}.",
  'login.closed': 'Le vote est clos depuis le {date}.',
  'login.failed': 'Identifiant ou mot de passe incorrect.',
  'login.throttled':
    'Trop de tentatives infructueuses pour ce compte. Vous pourrez réessayer dans {seconds} seconde(s).',
  'login.tooManyFromNetwork':
    'Trop de tentatives depuis votre réseau. Vous pourrez réessayer dans {minutes} minute(s).',

  'captcha.image': 'Code de sécurité (image)',
  'captcha.prompt': 'Saisissez les 4 chiffres:',
  'captcha.promptAbove': 'Saisissez les 4 chiffres ci-dessus',
  'captcha.label': 'Code de sécurité',
  'captcha.refresh': 'Nouveau code',
  'captcha.hint': "4 chiffres, valable {minutes} minutes. Le bouton « Nouveau code » en affiche un autre sans effacer ce que vous avez saisi.",
  'captcha.wrong': 'Le code de sécurité est incorrect. Un nouveau code est affiché.',
  'captcha.expired': 'Le code de sécurité a expiré. Un nouveau code est affiché.',
  'captcha.used': 'Ce code de sécurité a déjà été utilisé. Un nouveau code est affiché.',
  'captcha.format': 'Saisissez exactement 4 chiffres.',

  'field.required': 'Ce champ est obligatoire.',
  'field.identifierFormat': "L'identifiant comporte 12 caractères (lettres et chiffres), par exemple ABCD-EFGH-JKMN.",
  'field.tooLong': 'Ce champ est trop long.',

  'space.title': 'Votre espace électeur',
  'space.welcome': 'Vous êtes connecté(e) au portail de vote.',
  'space.election': 'Élection : {title}',
  'space.window': 'Le vote est ouvert du {opening} au {closing}.',
  'space.logout': 'Se déconnecter',
  'space.loggedOut': 'Vous êtes déconnecté(e).',
  'space.expired': 'Votre session a pris fin. Veuillez vous reconnecter.',

  'error.title': 'Une erreur est survenue',
  'error.notFound': "Cette page n'existe pas.",
  'error.badRequest': 'La demande est invalide.',
  'error.tooLarge': 'La demande est trop volumineuse.',
  'error.forbidden': "Cette demande a été refusée : elle ne vient pas du portail de vote. Revenez sur le portail et recommencez.",
  'error.unavailable':
    'Le service est momentanément indisponible. Votre demande n’a pas été prise en compte : réessayez dans quelques instants.',
  'error.internal': 'Une erreur interne est survenue. Réessayez dans quelques instants ou contactez la cellule d’assistance.',
  'error.misconfigured': 'Le portail n’est pas correctement configuré. La cellule d’assistance a été prévenue.',
  // ---------------------------------------------------------------- reach (issue 5)
  'captcha.audio': 'Écouter le code',
  'captcha.neither': "Vous ne pouvez utiliser ni l'image ni le son ?",
  'captcha.neitherLink': "La cellule d'assistance peut vous aider.",
  'copy.button': 'Copier',
  'copy.done': 'Copié',
  'copy.failed': 'La copie a échoué : sélectionnez le texte et copiez-le.',
  ...helpFr,
} as const;

export type MessageKey = keyof typeof fr;
export type Messages = { readonly [K in MessageKey]: string };
