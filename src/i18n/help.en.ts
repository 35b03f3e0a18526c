/** English texts of the help, accessibility and legal pages: the same keys and placeholders as help.fr.ts. */
import type { helpFr } from './help.fr';

export const helpEn = {
  // ---------------------------------------------------------------- /aide
  'help.title': 'Help and assistance',
  'help.intro':
    'Below are the answers to the questions voters ask most often. If they are not enough, write to the assistance team with the form at the bottom of this page.',
  'help.tocLabel': 'On this page',
  'help.faqTitle': 'Frequently asked questions',

  'help.faq.spam.q': 'I did not receive the e-mail',
  'help.faq.spam.a1':
    'An e-mail can take a few minutes to arrive. If it has not reached you within a few minutes, please look in your "junk mail (spam)" folder.',
  'help.faq.spam.a2':
    'The portal only writes to the e-mail address you gave your consulate or the online register. If you cannot find the e-mail, you can ask for a new identifier with the link "Identifier lost or not received?".',

  'help.faq.sms.q': 'I did not receive the text message with my password',
  'help.faq.sms.a1':
    'The password is sent by text message (SMS) to the mobile number you gave your consulate or the online register, never by e-mail. Check that your phone is on, has signal and can receive text messages from abroad, then wait a few minutes.',
  'help.faq.sms.a2':
    'You can ask for a new password with the link "Password lost or not received?". If your phone number has changed, contact the assistance team.',

  'help.faq.numic.q': 'I do not know my NUMIC',
  'help.faq.numic.a1':
    'The NUMIC (consular identification number) has 8 digits. It was given in the e-mail inviting you to the election; it is also on your consular registration card and in your space of the online register.',
  'help.faq.numic.a2':
    'Type your 8-digit consular identification number (NUMIC), adding "0"s in front if needed. The portal also accepts it without those zeros and with spaces.',

  'help.faq.mixup.q': 'I mix up my identifier and my password',
  'help.faq.mixup.a1':
    'The identifier was sent to you by e-mail. It has 12 characters, capital letters and digits, shown in groups of four, for example ABCD-EFGH-JKMN. Hyphens and capitals are optional when you type it.',
  'help.faq.mixup.a2':
    'The password was sent to you by text message. Type it exactly as you received it, with the same small and capital letters. Type the identifier in the "Identifier" field and the password in the "Password" field.',

  'help.faq.renewal.q': 'How do I renew my identifier or my password?',
  'help.faq.renewal.identifier':
    'Identifier: click "Identifier lost or not received?", type your NUMIC and your e-mail address. A link will be sent to you by e-mail; it is valid for one renewal of the identifier only, for {linkMinutes} minutes. On the link\'s page, type the password you received by text message: your new identifier is shown. Copy it and keep it.',
  'help.faq.renewal.password':
    'Password: click "Password lost or not received?", type your identifier and your NUMIC. A new password is sent to you by text message; the old one stops working.',

  'help.faq.both.q': 'Can I renew both my identifier and my password?',
  'help.faq.both.a1': 'For security reasons, you cannot renew both your identifier and your password.',
  'help.faq.both.a2':
    'Renewing the identifier requires the current password, and renewing the password requires the current identifier. Once one has been renewed, renewing the other cannot be completed for {hours} hours. If you have lost both, contact the assistance team.',

  'help.faq.code.q': 'I cannot read the security code',
  'help.faq.code.a1':
    'The "New code" button shows another code without erasing what you typed. "Listen to the code" plays the 4 digits in the language of the page.',
  'help.faq.code.a2':
    'If you can use neither the picture nor the sound, ask someone you trust to help you write to the assistance team, or contact your consulate or embassy, which will put you in touch with it.',

  'help.faq.time.q': 'What time does voting close where I live?',
  'help.faq.time.a1':
    'Opening and closing times are shown in Paris time. When your browser allows it, the portal also shows the same time in your own time zone.',

  'help.faq.mailapp.q': "The e-mail's link opens inside my mail app",
  'help.faq.mailapp.a1':
    "The link works in your mail app's built-in browser as well as in your usual browser. Do not pass it on: it is valid for you only, for one renewal.",

  // The contact form.
  'help.contact.title': 'Contact the assistance team',
  'help.contact.intro':
    'Describe your problem: the assistance team will reply by e-mail. Never give your password to anyone, not even to the assistance team.',
  'help.contact.name': 'First and last name*',
  'help.contact.email': 'E-mail address*',
  'help.contact.emailHint': 'The address where the assistance team will reply.',
  'help.contact.numic': 'NUMIC (optional)',
  'help.contact.numicHint': '8 digits, if you know it.',
  'help.contact.topic': 'Topic*',
  'help.contact.topicChoose': 'Choose a topic',
  'help.contact.message': 'Your message*',
  'help.contact.messageHint': 'At most {max} characters.',
  'help.contact.submit': 'Send my request',
  'help.topic.identifier': 'Identifier lost or not received',
  'help.topic.password': 'Password lost or not received',
  'help.topic.email': 'E-mail not received',
  'help.topic.sms': 'Text message not received',
  'help.topic.code': 'Security code',
  'help.topic.accessibility': 'Accessibility',
  'help.topic.data': 'Personal data',
  'help.topic.other': 'Other question',
  'help.error.email': 'Type a valid e-mail address, for example name@example.org.',
  'help.error.numic': 'The NUMIC has at most 8 digits.',
  'help.error.topic': 'Choose a topic.',
  'help.error.tooMany': 'Too many requests were sent from your network. You can send a new one in {wait}.',

  'help.sent.title': 'Request sent',
  'help.sent.done': 'Your request has been passed on to the assistance team.',
  'help.sent.reference': 'Your reference number:',
  'help.sent.keep': 'Keep this number: quote it if you write to the assistance team again.',
  'help.sent.reply': 'The reply will be sent to {email}.',
  'help.sent.another': 'Send another request',

  // ---------------------------------------------------------------- /accessibilite
  'a11y.title': 'Accessibility statement',
  'a11y.commitment':
    'The election organiser is committed to making its voting portal accessible, in accordance with article 47 of French law no. 2005-102 of 11 February 2005. This accessibility statement applies to the internet voting portal.',
  'a11y.statusTitle': 'Compliance status',
  'a11y.status':
    'The internet voting portal is not compliant with the French accessibility framework (RGAA), version 4.1: it has not yet been audited for compliance.',
  'a11y.effort':
    'It was designed to meet RGAA 4.1 and WCAG 2.1 level AA: every screen is checked automatically (axe-core) in French and in English, can be used with the keyboard alone, stays readable 320 pixels wide and at 200 % zoom, and works without JavaScript.',
  'a11y.gapsTitle': 'Non-accessible content',
  'a11y.gap.audio':
    'The audio version of the security code is produced by speech synthesis and mixed with noise to resist robots: it can be hard to understand. The "New code" button gives another one; the assistance team can always be reached.',
  'a11y.gap.languages': "The audio security code and the portal's pages exist in French and English only.",
  'a11y.gap.messages': 'The e-mails and text messages sent by the portal have not been audited yet.',
  'a11y.techTitle': 'Technologies used',
  'a11y.tech': 'HTML5, CSS and, as an optional addition, JavaScript.',
  'a11y.testsTitle': 'Test environment',
  'a11y.tests':
    'Checks were made with Chromium and the axe-core library (WCAG 2.0 and 2.1 rules, levels A and AA), and by using the keyboard alone.',
  'a11y.helpTitle': 'Feedback and contact',
  'a11y.help':
    'If you cannot access some content or a service, contact the assistance team to be directed to an accessible alternative or to get the content in another form.',
  'a11y.helpLink': 'Write to the assistance team',
  'a11y.recourseTitle': 'Means of redress',
  'a11y.recourse':
    "If you have reported to the portal's managers an accessibility defect that prevents you from accessing some content or one of the portal's services, and did not get a satisfactory answer, you can:",
  'a11y.recourse.form': 'write a message to the Défenseur des droits, the French rights ombudsman (online form)',
  'a11y.recourse.delegate': 'contact the Défenseur des droits delegate in your region',
  'a11y.recourse.mail': 'send a letter by post (free of charge, no stamp needed):',
  'a11y.recourse.address': 'Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07',

  // ---------------------------------------------------------------- /mentions-legales
  'legal.title': 'Legal notice and personal data',
  'legal.publisherTitle': 'Publisher',
  'legal.publisher':
    'The internet voting portal is published by the election organiser, responsible for organising the vote of voters living outside France.',
  'legal.hostTitle': 'Hosting',
  'legal.host':
    'The portal is hosted by Cloudflare, Inc. (United States), on its worldwide Cloudflare Workers network.',
  'legal.dataTitle': 'Personal data',
  'legal.controller':
    'The data controller is the election organiser. The processing is necessary for a task carried out in the public interest: organising the election (article 6(1)(e) of the General Data Protection Regulation, GDPR).',
  'legal.whatTitle': 'Which data, why, and for how long',
  'legal.what.roll':
    'From the consular electoral roll: your NUMIC, your e-mail address, your mobile number and your language. Why: to identify you and send you your credentials. How long: until the time limits for challenging the election have passed.',
  'legal.what.credentials':
    'Your identifier and your password: the portal only keeps a fingerprint (hash) of them, never the value itself. Why: to check them when you log in. How long: for the election.',
  'legal.what.audit':
    'The security log: the kind of each login or renewal, its date and its outcome, with your NUMIC as a fingerprint. Why: to prove the vote was regular and detect abuse. How long: until the time limits for challenging the election have passed.',
  'legal.what.assistance':
    'Your requests to the assistance team: name, e-mail address, NUMIC if you give it, topic and message. Why: to answer you. How long: until the time limits for challenging the election have passed.',
  'legal.what.technical':
    "Technical data: your IP address, as a fingerprint, for at most one hour to limit repeated attempts; the portal's error logs, which hold no IP address, no request address and no secret, for at most seven days. Renewal links expire after {linkMinutes} minutes, security codes after {codeMinutes} minutes.",
  'legal.cookiesTitle': 'Cookies',
  'legal.cookies':
    'The portal uses only two cookies, both necessary for it to work and exempt from consent: the session cookie, which keeps you logged in for at most {sessionMinutes} minutes and disappears when you log out or voting closes, and the language cookie, which remembers your choice between French and English for one year. No audience measurement or advertising cookie.',
  'legal.recipientsTitle': 'Recipients',
  'legal.recipients':
    'Only the staff of the election organiser and of the assistance team can access your data, within the limits of their tasks. The providers that send e-mails and text messages only receive what is needed to send them.',
  'legal.rightsTitle': 'Your rights',
  'legal.rights':
    'You have the right to access, correct, restrict and object to the processing of your data. To exercise these rights, write to the assistance team. Your e-mail address or phone number is corrected through your consulate or the online register.',
  'legal.cnil':
    'If, after contacting us, you consider that your rights are not respected, you can lodge a complaint with the French data protection authority (CNIL).',
  'legal.cnilLink': 'Lodge a complaint with the CNIL (cnil.fr)',
} as const satisfies { readonly [K in keyof typeof helpFr]: string };
