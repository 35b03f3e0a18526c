/**
 * French texts of the pages a public service owes (reach, issue 5): help and assistance
 * ("AIDE ?"), the accessibility statement, the legal notice and personal data. Spread into
 * the French catalogue (fr.ts), so the same completeness rules hold. Where a sentence is the
 * source document's, it is kept word for word.
 */
export const helpFr = {
  // ---------------------------------------------------------------- /aide
  'help.title': 'Aide et assistance',
  'help.intro':
    "Vous trouverez ci-dessous les réponses aux questions les plus fréquentes des électeurs. Si elles ne suffisent pas, écrivez à la cellule d'assistance avec le formulaire en bas de cette page.",
  'help.tocLabel': 'Sur cette page',
  'help.faqTitle': 'Questions fréquentes',

  'help.faq.spam.q': "Je n'ai pas reçu le courriel",
  'help.faq.spam.a1':
    "Un courriel peut mettre quelques minutes à arriver. Si celui-ci ne vous parvient pas d'ici quelques minutes, merci de consulter le dossier des « courriels indésirables (spam) ».",
  'help.faq.spam.a2':
    "Le portail écrit uniquement à l'adresse électronique que vous avez indiquée à votre consulat ou sur le registre en ligne. Si vous ne trouvez pas le courriel, vous pouvez demander un nouvel identifiant avec le lien « Identifiant perdu ou non reçu ? ».",

  'help.faq.sms.q': "Je n'ai pas reçu le SMS avec mon mot de passe",
  'help.faq.sms.a1':
    "Le mot de passe est envoyé par SMS au numéro de téléphone portable que vous avez indiqué à votre consulat ou sur le registre en ligne, jamais par courriel. Vérifiez que votre téléphone est allumé, qu'il capte le réseau et qu'il peut recevoir des SMS de l'étranger, puis patientez quelques minutes.",
  'help.faq.sms.a2':
    "Vous pouvez demander un nouveau mot de passe avec le lien « Mot de passe perdu ou non reçu ? ». Si votre numéro de téléphone a changé, contactez la cellule d'assistance.",

  'help.faq.numic.q': 'Je ne connais pas mon NUMIC',
  'help.faq.numic.a1':
    "Le NUMIC (Numéro d'identification consulaire) comporte 8 chiffres. Il vous a été rappelé dans le courriel de convocation à l'élection ; il figure aussi sur votre carte d'inscription consulaire et dans votre espace du registre en ligne.",
  'help.faq.numic.a2':
    "Saisissez votre numéro d'identification consulaire (NUMIC) à 8 chiffres en ajoutant les « 0 » devant si nécessaire. Le portail l'accepte aussi sans ces zéros et avec des espaces.",

  'help.faq.mixup.q': 'Je confonds mon identifiant et mon mot de passe',
  'help.faq.mixup.a1':
    "L'identifiant vous a été envoyé par courriel. Il comporte 12 caractères, des lettres majuscules et des chiffres, présentés par groupes de quatre, par exemple ABCD-EFGH-JKMN. Les tirets et les majuscules sont facultatifs quand vous le saisissez.",
  'help.faq.mixup.a2':
    "Le mot de passe vous a été envoyé par SMS. Saisissez-le exactement comme vous l'avez reçu, en respectant les minuscules et les majuscules. Saisissez l'identifiant dans le champ « Identifiant » et le mot de passe dans le champ « Mot de passe ».",

  'help.faq.renewal.q': 'Comment renouveler mon identifiant ou mon mot de passe ?',
  'help.faq.renewal.identifier':
    "Identifiant : cliquez sur « Identifiant perdu ou non reçu ? », saisissez votre NUMIC et votre adresse électronique. Un lien vous sera envoyé par courriel ; il n'est valable que pour un seul renouvellement de l'identifiant, pendant {linkMinutes} minutes. Sur la page du lien, saisissez le mot de passe reçu par SMS : votre nouvel identifiant s'affiche. Copiez-le et conservez-le.",
  'help.faq.renewal.password':
    "Mot de passe : cliquez sur « Mot de passe perdu ou non reçu ? », saisissez votre identifiant et votre NUMIC. Un nouveau mot de passe vous est envoyé par SMS ; l'ancien ne fonctionne plus.",

  'help.faq.both.q': 'Puis-je renouveler mon identifiant et mon mot de passe ?',
  'help.faq.both.a1':
    "Pour des raisons de sécurité, il n'est pas possible de renouveler à la fois son identifiant et son mot de passe.",
  'help.faq.both.a2':
    "Renouveler l'identifiant demande le mot de passe actuel, et renouveler le mot de passe demande l'identifiant actuel. Après le renouvellement de l'un, celui de l'autre ne peut pas être achevé avant {hours} heures. Si vous avez perdu les deux, contactez la cellule d'assistance.",

  'help.faq.code.q': 'Je ne parviens pas à lire le code de sécurité',
  'help.faq.code.a1':
    'Le bouton « Nouveau code » affiche un autre code sans effacer ce que vous avez saisi. « Écouter le code » fait entendre les 4 chiffres dans la langue de la page.',
  'help.faq.code.a2':
    "Si vous ne pouvez utiliser ni l'image ni le son, faites-vous aider par une personne de confiance pour écrire à la cellule d'assistance, ou contactez votre consulat ou votre ambassade, qui vous mettra en relation avec elle.",

  'help.faq.time.q': 'À quelle heure le vote ferme-t-il chez moi ?',
  'help.faq.time.a1':
    "Les dates d'ouverture et de fermeture sont affichées en heure de Paris. Quand votre navigateur le permet, le portail affiche aussi la même heure dans votre fuseau horaire.",

  'help.faq.mailapp.q': "Le lien du courriel s'ouvre dans ma messagerie",
  'help.faq.mailapp.a1':
    "Le lien fonctionne dans le navigateur intégré à votre application de messagerie comme dans votre navigateur habituel. Ne le transmettez à personne : il n'est valable que pour vous, pour un seul renouvellement.",

  // The contact form.
  'help.contact.title': "Contacter la cellule d'assistance",
  'help.contact.intro':
    "Décrivez votre problème : la cellule d'assistance vous répondra par courriel. Ne communiquez jamais votre mot de passe, ni à la cellule d'assistance ni à personne.",
  'help.contact.name': 'Nom et prénom*',
  'help.contact.email': 'Adresse électronique*',
  'help.contact.emailHint': "L'adresse à laquelle la cellule d'assistance vous répondra.",
  'help.contact.numic': 'NUMIC (facultatif)',
  'help.contact.numicHint': '8 chiffres, si vous le connaissez.',
  'help.contact.topic': 'Sujet*',
  'help.contact.topicChoose': 'Choisissez un sujet',
  'help.contact.message': 'Votre message*',
  'help.contact.messageHint': 'Au plus {max} caractères.',
  'help.contact.submit': 'Envoyer ma demande',
  'help.topic.identifier': 'Identifiant perdu ou non reçu',
  'help.topic.password': 'Mot de passe perdu ou non reçu',
  'help.topic.email': 'Courriel non reçu',
  'help.topic.sms': 'SMS non reçu',
  'help.topic.code': 'Code de sécurité',
  'help.topic.accessibility': 'Accessibilité',
  'help.topic.data': 'Données personnelles',
  'help.topic.other': 'Autre question',
  'help.error.email': 'Saisissez une adresse électronique valide, par exemple nom@example.org.',
  'help.error.numic': 'Le NUMIC comporte au plus 8 chiffres.',
  'help.error.topic': 'Choisissez un sujet.',
  'help.error.tooMany':
    'Trop de demandes ont été envoyées depuis votre réseau. Vous pourrez en envoyer une nouvelle dans {wait}.',

  'help.sent.title': 'Demande envoyée',
  'help.sent.done': "Votre demande a bien été transmise à la cellule d'assistance.",
  'help.sent.reference': 'Votre numéro de référence :',
  'help.sent.keep': "Conservez ce numéro : rappelez-le si vous écrivez de nouveau à la cellule d'assistance.",
  'help.sent.reply': 'La réponse vous sera envoyée à {email}.',
  'help.sent.another': 'Envoyer une autre demande',

  // ---------------------------------------------------------------- /accessibilite
  'a11y.title': "Déclaration d'accessibilité",
  'a11y.commitment':
    "L'organisateur de l'élection s'engage à rendre son portail de vote accessible, conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration d'accessibilité s'applique au portail de vote par internet.",
  'a11y.statusTitle': 'État de conformité',
  'a11y.status':
    "Le portail de vote par internet est non conforme au référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1 : il n'a pas encore fait l'objet d'un audit de conformité.",
  'a11y.effort':
    'Il a été conçu pour respecter le RGAA 4.1 et les règles WCAG 2.1 de niveau AA : chaque écran est vérifié automatiquement (axe-core) en français et en anglais, se parcourt au clavier, reste lisible à 320 pixels de large et avec un zoom de 200 %, et fonctionne sans JavaScript.',
  'a11y.gapsTitle': 'Contenus non accessibles',
  'a11y.gap.audio':
    "La version audio du code de sécurité est produite par synthèse vocale et mêlée de bruit pour résister aux robots : elle peut être difficile à comprendre. Le bouton « Nouveau code » en propose une autre ; la cellule d'assistance reste joignable.",
  'a11y.gap.languages':
    'Le code de sécurité audio et les pages du portail existent en français et en anglais seulement.',
  'a11y.gap.messages': "Les courriels et SMS envoyés par le portail n'ont pas encore été audités.",
  'a11y.techTitle': 'Technologies utilisées',
  'a11y.tech': 'HTML5, CSS et, en complément facultatif, JavaScript.',
  'a11y.testsTitle': 'Environnement de test',
  'a11y.tests':
    'Les vérifications ont été faites avec Chromium et la bibliothèque axe-core (règles WCAG 2.0 et 2.1, niveaux A et AA), et par une navigation au clavier seul.',
  'a11y.helpTitle': 'Retour d’information et contact',
  'a11y.help':
    "Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez la cellule d'assistance pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme.",
  'a11y.helpLink': "Écrire à la cellule d'assistance",
  'a11y.recourseTitle': 'Voies de recours',
  'a11y.recourse':
    "Si vous avez signalé au responsable du portail un défaut d'accessibilité qui vous empêche d'accéder à un contenu ou à un des services du portail et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez :",
  'a11y.recourse.form': 'écrire un message au Défenseur des droits (formulaire en ligne)',
  'a11y.recourse.delegate': 'contacter le délégué du Défenseur des droits dans votre région',
  'a11y.recourse.mail': 'envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) :',
  'a11y.recourse.address': 'Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07',

  // ---------------------------------------------------------------- /mentions-legales
  'legal.title': 'Mentions légales et données personnelles',
  'legal.publisherTitle': 'Éditeur',
  'legal.publisher':
    "Le portail de vote par internet est édité par l'organisateur de l'élection, responsable de l'organisation du vote des électeurs établis hors de France.",
  'legal.hostTitle': 'Hébergement',
  'legal.host': 'Le portail est hébergé par Cloudflare, Inc. (États-Unis), sur son réseau mondial Cloudflare Workers.',
  'legal.dataTitle': 'Données personnelles',
  'legal.controller':
    "Le responsable du traitement est l'organisateur de l'élection. Le traitement est nécessaire à l'exécution d'une mission d'intérêt public : l'organisation de l'élection (article 6, paragraphe 1, point e, du règlement général sur la protection des données, RGPD).",
  'legal.whatTitle': 'Quelles données, pourquoi, pour combien de temps',
  'legal.what.roll':
    "Issues de la liste électorale consulaire : votre NUMIC, votre adresse électronique, votre numéro de téléphone portable et votre langue. Pourquoi : vous identifier et vous envoyer vos identifiants. Durée : jusqu'à l'expiration des délais de recours contre l'élection.",
  'legal.what.credentials':
    "Votre identifiant et votre mot de passe : le portail n'en garde qu'une empreinte (hachage), jamais la valeur en clair. Pourquoi : vérifier qu'ils sont justes quand vous vous connectez. Durée : celle de l'élection.",
  'legal.what.audit':
    "Le journal de sécurité : la nature de chaque connexion ou renouvellement, sa date et son résultat, avec votre NUMIC sous forme d'empreinte. Pourquoi : prouver la régularité du vote et détecter les abus. Durée : jusqu'à l'expiration des délais de recours contre l'élection.",
  'legal.what.assistance':
    "Vos demandes à la cellule d'assistance : nom, adresse électronique, NUMIC si vous le donnez, sujet et message. Pourquoi : vous répondre. Durée : jusqu'à l'expiration des délais de recours contre l'élection.",
  'legal.what.technical':
    "Les données techniques : votre adresse IP, sous forme d'empreinte, au plus une heure pour limiter les tentatives répétées ; les journaux d'erreurs du portail, qui ne contiennent ni adresse IP, ni adresse des requêtes, ni secret, au plus sept jours. Les liens de renouvellement expirent au bout de {linkMinutes} minutes, les codes de sécurité au bout de {codeMinutes} minutes.",
  'legal.cookiesTitle': 'Cookies',
  'legal.cookies':
    "Le portail n'utilise que deux cookies, indispensables à son fonctionnement et dispensés de consentement : le cookie de session, qui vous garde connecté(e) au plus {sessionMinutes} minutes et disparaît à la déconnexion ou à la clôture du vote, et le cookie de langue, qui retient votre choix entre le français et l'anglais pendant un an. Aucun cookie de mesure d'audience ni de publicité.",
  'legal.recipientsTitle': 'Destinataires',
  'legal.recipients':
    "Seuls les agents de l'organisateur de l'élection et de la cellule d'assistance ont accès à vos données, dans la limite de leurs missions. Les prestataires d'envoi des courriels et des SMS ne reçoivent que ce qui est nécessaire à l'envoi.",
  'legal.rightsTitle': 'Vos droits',
  'legal.rights':
    "Vous disposez d'un droit d'accès, de rectification, de limitation et d'opposition sur vos données. Pour les exercer, écrivez à la cellule d'assistance. La rectification de votre adresse électronique ou de votre téléphone se fait auprès de votre consulat ou sur le registre en ligne.",
  'legal.cnil':
    "Si vous estimez, après nous avoir contactés, que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la Commission nationale de l'informatique et des libertés (CNIL).",
  'legal.cnilLink': 'Adresser une réclamation à la CNIL (cnil.fr)',
} as const;
