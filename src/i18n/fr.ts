/**
 * French catalogue — the source of truth. The texts of the source document
 * (shared/seed/) are kept word for word; texts keep the plain space of the source before « ? » and « : » so they match it byte for byte.
 * Placeholders are written `{name}`; the English catalogue must use the same ones.
 */
import { helpFr } from './help.fr';
import { consoleFr } from './console.fr';

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
  'login.seconds': '{n} seconde(s)',
  'login.notOpen': "Le vote n'est pas encore ouvert. Il ouvrira le {date}.",
  'login.closed': 'Le vote est clos depuis le {date}.',
  'login.failed': 'Identifiant ou mot de passe incorrect.',
  'login.throttled': 'Trop de tentatives infructueuses pour ce compte. Vous pourrez réessayer dans {wait}.',
  'login.tooManyFromNetwork': 'Trop de tentatives depuis votre réseau. Vous pourrez réessayer dans {wait}.',

  'captcha.image': 'Code de sécurité (image)',
  'captcha.prompt': 'Saisissez les 4 chiffres:',
  'captcha.promptAbove': 'Saisissez les 4 chiffres ci-dessus',
  'captcha.label': 'Code de sécurité',
  'captcha.refresh': 'Nouveau code',
  'captcha.hint':
    '4 chiffres, valable {minutes} minutes. Le bouton « Nouveau code » en affiche un autre sans effacer ce que vous avez saisi.',
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
  'error.forbidden':
    'Cette demande a été refusée : elle ne vient pas du portail de vote. Revenez sur le portail et recommencez.',
  'error.unavailable':
    'Le service est momentanément indisponible. Votre demande n’a pas été prise en compte : réessayez dans quelques instants.',
  'error.internal':
    'Une erreur interne est survenue. Réessayez dans quelques instants ou contactez la cellule d’assistance.',
  'error.misconfigured': 'Le portail n’est pas correctement configuré. La cellule d’assistance a été prévenue.',

  // identifier renewal (Écrans 2–6 of the source document, its texts word for word)
  'identifierRenewal.title': 'Renouvellement de votre identifiant',
  'identifierRenewal.intro':
    "Vous pouvez demander le renouvellement de votre identifiant en saisissant votre NUMIC (Numéro d'identification consulaire) qui vous a été rappelé dans le courriel de convocation à l'élection et votre adresse électronique.",
  'identifierRenewal.linkByEmail': 'Un lien vous sera envoyé par courriel.',
  'identifierRenewal.numic': 'NUMIC',
  'identifierRenewal.numicHint': 'Votre numéro d’identification consulaire, 8 chiffres (par exemple 00123456).',
  'identifierRenewal.numicFormat': 'Le NUMIC comporte 8 chiffres, par exemple 00123456.',
  'identifierRenewal.email': 'Adresse électronique',
  'identifierRenewal.emailHint': 'L’adresse que vous avez indiquée à votre consulat ou sur le registre en ligne.',
  'identifierRenewal.emailFormat': 'Saisissez une adresse électronique, par exemple nom@exemple.fr.',
  'identifierRenewal.submit': 'Demander un nouvel identifiant',
  // shared by both renewals (SPEC.md's one-at-a-time rule)
  'renewal.bothRule':
    "Pour des raisons de sécurité, il n'est pas possible de renouveler à la fois son identifiant et son mot de passe.",
  'identifierRenewal.throttled':
    'Vous avez déjà fait plusieurs demandes de renouvellement récemment. Aucun courriel n’a été envoyé pour cette demande. Les liens déjà envoyés restent valables une heure : cherchez le courriel dans votre messagerie, y compris dans les courriers indésirables. Vous pourrez faire une nouvelle demande dans {wait}.',
  'identifierRenewal.before': 'Le renouvellement de l’identifiant n’est pas encore ouvert pour cette élection.',
  'identifierRenewal.closed':
    'Le vote est clos depuis le {date} : le renouvellement de l’identifiant n’est plus possible.',
  'identifierRenewal.sentTitle': 'Confirmation du renouvellement de votre identifiant',
  'identifierRenewal.sentReceived': 'Votre demande a bien été prise en compte.',
  'identifierRenewal.sentEmail': 'Un courriel vient de vous être envoyé.',
  'identifierRenewal.sentSpam':
    "Si celui-ci ne vous parvient pas d'ici quelques minutes, merci de consulter le dossier des « courriels indésirables (spam) ».",
  'identifierRenewal.linkTitle': 'Comment renouveler mon identifiant ?',
  'identifierRenewal.linkShown': "Votre nouvel identifiant s'affichera sur l'écran du portail de renouvellement.",
  'identifierRenewal.linkNeeds':
    "Pour obtenir votre nouvel identifiant, vous devrez renseigner votre numéro d'identification consulaire (NUMIC) et l'adresse électronique que vous avez indiquée à votre consulat ou sur le registre en ligne.",
  'identifierRenewal.linkAsk':
    'Saisissez le mot de passe que vous avez reçu par SMS et le code de sécurité, puis cliquez sur « Valider ».',
  'identifierRenewal.password': 'Mot de passe',
  'identifierRenewal.passwordHint': 'Le mot de passe reçu par SMS (il ne change pas).',
  'identifierRenewal.validate': 'Valider',
  'identifierRenewal.wrongPassword':
    'Le mot de passe est incorrect. Après {max} erreurs, ce lien ne sera plus valable.',
  'identifierRenewal.invalidTitle': 'Ce lien n’est pas valable',
  'identifierRenewal.invalid.unknown':
    'Ce lien de renouvellement n’est pas reconnu. Vérifiez que vous avez ouvert le lien complet du courriel le plus récent.',
  'identifierRenewal.invalid.expired': 'Ce lien a expiré : il n’était valable qu’une heure.',
  'identifierRenewal.invalid.voided':
    'Ce lien n’est plus valable : un autre lien envoyé a déjà servi à renouveler l’identifiant, ou le mot de passe a été saisi de façon incorrecte trop de fois.',
  'identifierRenewal.invalid.used':
    'Ce lien a déjà été utilisé : il n’est valable que pour un seul renouvellement de l’identifiant.',
  'identifierRenewal.askAgain': 'Demander un nouveau lien',
  'identifierRenewal.refusedTitle': 'Renouvellement impossible pour le moment',
  'identifierRenewal.coolingOff':
    'Votre mot de passe a été renouvelé il y a moins de {hours} heures : votre identifiant n’a pas été renouvelé.',
  'identifierRenewal.contactHelp': 'Contacter la cellule d’assistance',
  'identifierRenewal.failed':
    'Votre identifiant n’a pas pu être renouvelé à cause d’un incident technique : votre identifiant actuel reste valable. Ce lien ne peut plus être utilisé ; demandez un nouveau lien dans quelques instants.',
  'identifierRenewal.doneTitle': 'Votre nouvel identifiant',
  'identifierRenewal.doneIntro': 'Votre identifiant a été renouvelé. Le voici ; il ne sera plus jamais affiché :',
  'identifierRenewal.doneKeep': 'Je le copie et je le conserve.',
  'identifierRenewal.copy': 'Copier l’identifiant',
  'identifierRenewal.copied': 'Identifiant copié.',
  'identifierRenewal.doneOld': 'Votre ancien identifiant ne fonctionne plus. Votre mot de passe ne change pas.',
  'identifierRenewal.toLogin': 'Se connecter avec le nouvel identifiant',
  'identifierRenewal.mail.subject': 'Renouvellement de votre identifiant',
  'identifierRenewal.mail.greeting': 'Bonjour,',
  'identifierRenewal.mail.asked':
    'Vous avez demandé le renouvellement de votre identifiant de vote par internet ({election}).',
  'identifierRenewal.mail.open': 'Pour obtenir votre nouvel identifiant, ouvrez ce lien :',
  'identifierRenewal.mail.validity':
    "Ce lien est valable une heure, pour un seul renouvellement. Vous y saisirez le mot de passe reçu par SMS ; votre nouvel identifiant s'affichera sur l'écran du portail de renouvellement.",
  'identifierRenewal.mail.notYou':
    'Si vous n’avez pas fait cette demande, n’ouvrez pas ce lien et ignorez ce courriel : votre identifiant actuel reste valable. Si vous recevez ce courriel plusieurs fois sans l’avoir demandé, contactez la cellule d’assistance :',
  'identifierRenewal.mail.auto': 'Ce courriel est envoyé automatiquement, merci de ne pas y répondre.',
  'identifierRenewal.notice.subject': 'Votre identifiant a été renouvelé',
  'identifierRenewal.notice.text':
    'Votre identifiant de vote par internet ({election}) a été renouvelé le {date}. Si vous n’êtes pas à l’origine de ce renouvellement, contactez sans attendre la cellule d’assistance :',
  'identifierRenewal.notice.sms':
    'Vote par internet : votre identifiant a été renouvelé le {date}. Si ce n’est pas vous, contactez la cellule d’assistance : {help}',

  // password renewal ("Mot de passe perdu ou non reçu ?", by SMS; the one-at-a-time rule)
  'passwordRenewal.title': 'Renouvellement de votre mot de passe',
  'passwordRenewal.intro':
    "Vous pouvez demander un nouveau mot de passe en saisissant votre identifiant et votre NUMIC (Numéro d'identification consulaire) qui vous a été rappelé dans le courriel de convocation à l'élection.",
  'passwordRenewal.bySms':
    'Un nouveau mot de passe vous sera envoyé par SMS, au numéro de téléphone que vous avez indiqué à votre consulat ou sur le registre en ligne.',
  'passwordRenewal.identifier': 'Identifiant',
  'passwordRenewal.identifierHint': 'Les 12 caractères reçus par courriel, par exemple ABCD-EFGH-JKMN.',
  'passwordRenewal.numic': 'NUMIC',
  'passwordRenewal.numicHint': 'Votre numéro d’identification consulaire, 8 chiffres (par exemple 00123456).',
  'passwordRenewal.numicFormat': 'Le NUMIC comporte 8 chiffres, par exemple 00123456.',
  'passwordRenewal.submit': 'Demander un nouveau mot de passe',
  'passwordRenewal.throttled':
    'Vous avez déjà fait plusieurs demandes de nouveau mot de passe récemment. Aucun SMS n’a été envoyé pour cette demande. Vous pourrez en faire une nouvelle dans {wait}.',
  'passwordRenewal.before': 'Le renouvellement du mot de passe n’est pas encore ouvert pour cette élection.',
  'passwordRenewal.closed':
    'Le vote est clos depuis le {date} : le renouvellement du mot de passe n’est plus possible.',
  'passwordRenewal.sentTitle': 'Confirmation du renouvellement de votre mot de passe',
  'passwordRenewal.sentReceived': 'Votre demande a bien été prise en compte.',
  'passwordRenewal.sentSms': 'Un SMS vient de vous être envoyé.',
  'passwordRenewal.sentUse': 'Utilisez le mot de passe qu’il contient : il remplace le précédent.',
  'passwordRenewal.notArrived': 'Si ce SMS ne vous parvient pas d’ici quelques minutes :',
  'passwordRenewal.notArrivedWait': 'patientez encore un peu : selon les pays, un SMS peut mettre du temps à arriver ;',
  'passwordRenewal.notArrivedNumber':
    'vérifiez que le numéro de téléphone enregistré par votre consulat ou sur le registre en ligne est bien le vôtre ;',
  'passwordRenewal.notArrivedHelp': 'contactez la cellule d’assistance.',
  'passwordRenewal.refusedTitle': 'Renouvellement impossible pour le moment',
  'passwordRenewal.coolingOff':
    'Votre identifiant a été renouvelé il y a moins de {hours} heures : votre mot de passe n’a pas été renouvelé et aucun SMS n’a été envoyé.',
  'passwordRenewal.contactHelp': 'Contacter la cellule d’assistance',
  'passwordRenewal.failed':
    'Votre mot de passe n’a pas pu être renouvelé à cause d’un incident technique : votre mot de passe actuel reste valable. Réessayez dans quelques instants.',
  'passwordRenewal.sms.intro': 'Vote par internet ({election}) : votre nouveau mot de passe est',
  'passwordRenewal.sms.outro':
    'L’ancien ne fonctionne plus. Si vous n’avez rien demandé, contactez la cellule d’assistance : {help}',
  'passwordRenewal.mail.greeting': 'Bonjour,',
  'passwordRenewal.mail.auto': 'Ce courriel est envoyé automatiquement, merci de ne pas y répondre.',
  'passwordRenewal.notice.subject': 'Votre mot de passe a été renouvelé',
  'passwordRenewal.notice.text':
    'Votre mot de passe de vote par internet ({election}) a été renouvelé le {date} ; le nouveau vous a été envoyé par SMS. Si vous n’êtes pas à l’origine de ce renouvellement, contactez sans attendre la cellule d’assistance :',

  // ---------------------------------------------------------------- reach (issue 5)
  'captcha.audio': 'Écouter le code',
  'captcha.neither': "Vous ne pouvez utiliser ni l'image ni le son ?",
  'captcha.neitherLink': "La cellule d'assistance peut vous aider.",
  'copy.button': 'Copier',
  'copy.done': 'Copié',
  'copy.failed': 'La copie a échoué : sélectionnez le texte et copiez-le.',
  // ---------------------------------------------------------------- operators (issue 12)
  'roll.contactChanged.subject': 'Vos coordonnées ont été modifiées',
  'roll.contactChanged.email':
    'L’adresse électronique enregistrée pour votre vote par internet ({election}) a été modifiée le {date} par votre consulat. Les prochains messages du portail iront à la nouvelle adresse. Si vous n’êtes pas à l’origine de ce changement, contactez sans attendre la cellule d’assistance :',
  'roll.contactChanged.phone':
    'Le numéro de téléphone enregistré pour votre vote par internet ({election}) a été modifié le {date} par votre consulat. Les prochains SMS du portail iront au nouveau numéro. Si vous n’êtes pas à l’origine de ce changement, contactez sans attendre la cellule d’assistance :',
  'roll.contactChanged.sms':
    'Vote par internet : vos coordonnées ont été modifiées le {date}. Si ce n’est pas vous, contactez la cellule d’assistance : {help}',
  'convocation.subject': 'Votre convocation au vote par internet',
  'convocation.greeting': 'Bonjour,',
  'convocation.intro':
    'Vous êtes inscrit(e) sur la liste électorale consulaire et pouvez voter par internet pour l’élection « {election} ». Le vote est ouvert du {opens} au {closes}.',
  'convocation.numic': 'Votre NUMIC (numéro d’identification consulaire) : {numic}',
  'convocation.identifier': 'Votre identifiant de vote :',
  'convocation.password':
    'Votre mot de passe vous est envoyé séparément, par SMS, au numéro enregistré par votre consulat.',
  'convocation.portal': 'Pour voter, rendez-vous sur le portail :',
  'convocation.lost':
    'Si vous perdez votre identifiant ou votre mot de passe, vous pourrez en demander un nouveau sur le portail. Cellule d’assistance :',
  'convocation.sms.intro': 'Vote par internet ({election}) : votre mot de passe est',
  'convocation.sms.outro': 'Votre identifiant vous a été envoyé par courriel. Aide : {help}',
  'operator.error.not_configured':
    'L’authentification des opérateurs n’est pas configurée (ACCESS_TEAM_DOMAIN, ACCESS_AUD et OPERATOR_ROLES, ou OPERATOR_PASSWORD en local) : toute demande d’opérateur est refusée.',
  'operator.error.ambiguous':
    'Un mot de passe d’opérateur et une configuration Cloudflare Access sont présents ensemble : toute demande d’opérateur est refusée. Retirez l’un des deux.',
  'operator.error.password_off_loopback':
    'Le mot de passe d’opérateur n’est accepté qu’en développement local (DEV_TOOLS=1, adresse de bouclage).',
  'operator.error.missing_credentials': 'Authentification d’opérateur requise.',
  'operator.error.bad_credentials': 'Mot de passe d’opérateur incorrect.',
  'operator.error.throttled': 'Trop d’essais de mot de passe d’opérateur depuis ce réseau. Réessayez dans {wait}.',
  'operator.error.bad_token': 'Le jeton Cloudflare Access est invalide, expiré ou n’est pas destiné à ce portail.',
  'operator.error.no_role': 'Cette identité n’a aucun rôle d’opérateur sur ce portail (OPERATOR_ROLES).',
  'operator.error.forbidden': 'Votre rôle ({role}) ne permet pas cette action.',
  'operator.error.bad_request': 'Demande invalide : {detail}',
  'operator.error.close_before_open': 'La fermeture doit être postérieure à l’ouverture.',
  'operator.error.closed_final':
    'Le vote est clos : la clôture est définitive, ni l’ouverture ni la fermeture ne peuvent plus être déplacées.',
  'operator.error.opening_after_ballots':
    'Des bulletins ont déjà été déposés : l’ouverture ne peut plus être déplacée.',
  'operator.error.unknown_constituency': 'Circonscription inconnue : {constituency} (attendu 1 à 11).',
  'operator.error.few_answers': 'Circonscription {constituency} : au moins deux réponses sont nécessaires.',
  'operator.error.duplicate_contest': 'Circonscription {constituency} : deux questions dans le même fichier.',
  'operator.error.contest_locked':
    'Circonscription {constituency} : son urne est déjà constituée, la question ne peut plus changer.',
  'operator.error.mass_deactivation':
    'Cet import désactiverait {count} électeurs sur {active} actifs (plus de 10 % en 24 heures, en comptant les désactivations récentes) : refusé. Relancez avec --allow-mass-deactivation si c’est voulu.',
  'operator.error.election_missing':
    'Aucune élection n’est encore définie : créez-la d’abord avec `npm run election -- set --title … --opens … --closes …`.',
  'operator.error.unknown_voter': 'Aucun électeur actif et convoqué n’a le NUMIC {numic}.',
  'operator.error.renewal_closed':
    'Le renouvellement des identifiants n’est pas ouvert en ce moment (avant le chargement de la liste, ou vote clos).',
  'operator.error.cooling_off':
    'L’autre identifiant de cet électeur a été renouvelé il y a moins de 24 heures : un seul renouvellement à la fois, rien n’a été envoyé.',
  'operator.error.unavailable': 'Le service est momentanément indisponible : rien n’a été modifié, réessayez.',
  'operator.error.not_found': 'Adresse inconnue de l’interface des opérateurs.',
  'operator.error.unsupported_type': 'Le corps de la demande doit être du JSON (Content-Type: application/json).',
  'booth.title': 'Voter',
  'booth.question': 'Votre choix',
  'booth.blank': 'Vote blanc',
  'booth.submit': 'Valider mon choix',
  'booth.required': 'Choisissez une réponse ou « Vote blanc ».',
  'booth.confirmTitle': 'Confirmez votre vote',
  'booth.confirmIntro': 'Vous avez choisi :',
  'booth.confirmFinal': 'Une fois confirmé, votre vote est définitif : il ne pourra plus être modifié.',
  'booth.cast': 'Confirmer et voter',
  'booth.change': 'Modifier mon choix',
  'booth.encrypting': 'Votre bulletin est chiffré sur votre appareil…',
  'booth.progress': 'Chiffrement du bulletin',
  'booth.sending': 'Dépôt du bulletin dans l’urne…',
  'booth.failed': 'Le bulletin n’a pas pu être déposé. Réessayez, ou contactez la cellule d’assistance.',
  'booth.noScript':
    'Votre bulletin est chiffré sur votre propre appareil avant d’être déposé : cela demande JavaScript, qui est désactivé ou indisponible dans ce navigateur. Activez-le ou utilisez un autre navigateur ; en cas de difficulté, contactez la cellule d’assistance.',
  'booth.notSetUp': 'L’urne de votre circonscription n’est pas encore ouverte. Revenez plus tard.',
  'booth.unavailable': 'Le bureau de vote ne peut pas s’afficher pour l’instant. Réessayez dans quelques instants.',
  'booth.receiptTitle': 'Votre bulletin est dans l’urne',
  'booth.receiptIntro': 'Votre vote a été enregistré le {date}. Conservez son code de vérification :',
  'booth.receiptVerify': 'Vérifier que ce bulletin est dans l’urne',
  'booth.receiptFingerprint': 'Empreinte de l’élection : {fingerprint}',
  'booth.receiptMail': 'Ce code vous a aussi été envoyé par courriel.',
  'booth.vote': 'Voter',
  'results.title': 'Résultats',
  'results.none': 'Les résultats seront publiés ici après la clôture du vote et le dépouillement.',
  'results.intro':
    'Chaque urne a été dépouillée sans qu’aucun bulletin ne soit déchiffré : les bulletins chiffrés ont été additionnés, puis le total déchiffré par les assesseurs, chacun avec sa clé. Tout le monde peut refaire ces vérifications.',
  'results.constituency': 'Circonscription {constituency}',
  'results.caption': 'Résultats de la circonscription {constituency}',
  'results.answer': 'Candidat',
  'results.votes': 'Voix',
  'results.share': 'Part des suffrages exprimés',
  'results.blank': 'Vote blanc',
  'results.ballots': 'Bulletins dépouillés',
  'results.shareNote': 'Les votes blancs sont comptés à part : ils ne sont pas des suffrages exprimés.',
  'results.published': 'Publié le',
  'results.uuid': 'Identifiant de l’élection (uuid)',
  'results.fingerprint': 'Empreinte de l’élection',
  'results.resultHash': 'Empreinte du résultat (SHA-256)',
  'results.download': 'Télécharger l’archive de l’urne ({file})',
  'results.howTitle': 'Vérifier ces résultats',
  'results.how1':
    'Installez belenios-tool, l’outil de vérification indépendant de Belenios (sous Debian : apt-get install belenios-tool).',
  'results.how2': 'Téléchargez l’archive de l’urne et placez-la seule dans un dossier, par exemple circonscription-1.',
  'results.how3':
    'Lancez la vérification : elle revérifie chaque bulletin, recalcule le décompte chiffré, vérifie le déchiffrement de chaque assesseur et le résultat.',
  'results.how4':
    'La vérification doit se terminer par « all checks passed » ; comparez ensuite l’empreinte de l’élection avec celle reçue par courriel à votre vote.',
  'results.verifier': 'Vérifier qu’un bulletin est dans l’urne',
  'results.tooMany': 'Trop de téléchargements depuis ce réseau. Réessayez dans {wait}.',
  'verifier.booth': 'Empreinte du script du bureau de vote (Subresource Integrity) : {hash}',
  'verifier.title': 'Vérifier qu’un bulletin est dans l’urne',
  'verifier.intro':
    'Après avoir voté, vous avez reçu un code de vérification de votre bulletin (43 caractères), à l’écran et par courriel. Saisissez-le pour vérifier que votre bulletin est dans l’urne. L’urne ne contient que des bulletins chiffrés : personne ne peut y lire votre choix.',
  'verifier.label': 'Code de vérification du bulletin',
  'verifier.hint': '43 caractères : lettres, chiffres, + et /, exactement comme vous les avez reçus.',
  'verifier.submit': 'Vérifier',
  'verifier.found': 'Ce bulletin est présent dans l’urne.',
  'verifier.notFound': 'Aucun bulletin de l’urne ne correspond à ce code.',
  'verifier.format': 'Ce code n’a pas la forme d’un code de vérification (43 caractères : lettres, chiffres, + et /).',
  'verifier.tooMany': 'Trop de vérifications depuis ce réseau. Réessayez dans {wait}.',
  'verifier.counts': 'Bulletins et émargements par circonscription',
  'verifier.countsIntro':
    'Chaque bulletin déposé correspond à un électeur émargé : les deux nombres sont égaux, sauf pendant le dépôt d’un bulletin.',
  'verifier.constituency': 'Circonscription',
  'verifier.ballots': 'Bulletins dans l’urne',
  'verifier.emargements': 'Électeurs émargés',
  'vote.receipt.subject': 'Votre bulletin est dans l’urne',
  'vote.receipt.intro':
    'Votre bulletin de vote ({election}) a été déposé dans l’urne le {date}. Son code de vérification est :',
  'vote.receipt.verify':
    'Vous pouvez vérifier à tout moment qu’il est dans l’urne sur la page {verify}. Empreinte de l’élection : {fingerprint}.',
  'vote.receipt.notYou': 'Si vous n’avez pas voté, contactez sans attendre la cellule d’assistance :',
  'vote.notice.sms':
    'Vote par internet : un bulletin a été déposé en votre nom le {date}. Si ce n’est pas vous, contactez la cellule d’assistance : {help}',
  'vote.error.session': 'Votre session a expiré : reconnectez-vous pour voter.',
  'vote.error.not_set_up': 'L’urne de votre circonscription n’est pas encore ouverte.',
  'vote.error.invalid':
    'Ce bulletin n’a pas pu être vérifié : il n’a pas été déposé. Rechargez la page et votez à nouveau.',
  'vote.error.not_yours': 'Ce bulletin n’est pas signé avec votre justificatif : il n’a pas été déposé.',
  'vote.error.closed': 'Le vote est clos : le bulletin n’a pas été déposé.',
  'vote.error.before_opening': 'Le vote n’est pas encore ouvert : le bulletin n’a pas été déposé.',
  'vote.error.pending':
    'Un autre bulletin est en cours de dépôt pour vous : patientez une minute puis rechargez la page.',
  'vote.error.throttled': 'Trop de bulletins envoyés depuis ce réseau. Réessayez dans {wait}.',
  'vote.error.unavailable':
    'L’urne ne répond pas pour l’instant. Votre bulletin sera déposé dès que possible ; rechargez la page dans une minute pour le vérifier.',
  'operator.error.trustees_invalid':
    'Clé publique d’assesseur invalide (n° {index}) : ce n’est pas un fichier .pubkey de Belenios, ou sa preuve ne se vérifie pas.',
  'operator.error.vote_open': 'Le vote n’est pas clos : le dépouillement ne commence qu’après la clôture.',
  'operator.error.not_tallied':
    'Circonscription {constituency} : l’urne n’est pas dépouillée (npm run ballot -- tally d’abord).',
  'operator.error.partial_unreadable':
    'Circonscription {constituency} : le déchiffrement partiel n° {index} est illisible (attendu les deux lignes écrites par trustee decrypt ou belenios-tool election decrypt).',
  'operator.error.partial_foreign':
    'Circonscription {constituency} : déchiffrement partiel d’une autorité n° {trustee} qui n’est pas une autorité de cette élection.',
  'operator.error.partial_duplicate':
    'Circonscription {constituency} : deux déchiffrements partiels de l’autorité n° {trustee}.',
  'operator.error.partial_invalid':
    'Circonscription {constituency} : le déchiffrement partiel de l’autorité n° {trustee} ne se vérifie pas (preuve fausse, ou déchiffrement d’un autre décompte).',
  'operator.error.partial_missing':
    'Circonscription {constituency} : il manque le déchiffrement partiel de l’autorité n° {trustees}.',
  'operator.error.trustees_few': 'Il faut au moins deux assesseurs distincts (clés publiques différentes).',
  'operator.error.no_contests': 'Aucune question n’est définie : lancez d’abord npm run election -- contests.',
  'operator.error.ballot_already': 'Toutes les urnes sont déjà constituées : la constitution ne se refait pas.',
  'operator.error.not_prepared': 'Circonscription {constituency} : l’urne n’est pas en préparation (ballot setup).',
  'operator.error.credentials_missing':
    'Circonscription {constituency} : {pending} électeur(s) actif(s) sans justificatif de vote ; relancez la génération.',
  'operator.error.freeze_changed':
    'Circonscription {constituency} : la liste des justificatifs a changé pendant la constitution (une autre constitution en cours ?) ; relancez ballot setup.',
  ...helpFr,
  ...consoleFr,
} as const;

export type MessageKey = keyof typeof fr;
export type Messages = { readonly [K in MessageKey]: string };
