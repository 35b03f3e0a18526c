/** English catalogue: the same keys and placeholders as the French one (a missing key fails the build). */
import type { Messages } from './fr';
import { helpEn } from './help.en';
import { consoleEn } from './console.en';

export const en = {
  'meta.lang': 'en',
  'meta.portal': 'Internet voting portal',
  'meta.skip': 'Skip to content',
  'meta.switchTo': 'Français',
  'meta.switchLabel': 'Lire cette page en français',
  'meta.required': '* Required fields',
  'meta.requiredMark': '(required)',
  'meta.help': 'HELP?',
  'meta.accessibility': 'Accessibility statement',
  'meta.legal': 'Legal notice and personal data',
  'meta.back': 'Back to the voting portal',
  'meta.errorSummary': 'The form has {count} error(s):',
  'meta.parisZone': 'Paris time',
  'meta.yourZone': 'in your time zone ({zone}):',

  'login.title': 'Log in',
  'login.welcome': 'Welcome',
  'login.identifier': 'Identifier*',
  'login.identifierLost': 'Identifier lost or not received?',
  'login.password': 'Password*',
  'login.passwordLost': 'Password lost or not received?',
  'login.submit': 'Log in',
  'login.opening': 'Opening {date}',
  'login.closing': 'Closing {date}',
  'login.countdown': 'Voting closes in {remaining}',
  'login.days': '{n} day(s)',
  'login.hours': '{n} hour(s)',
  'login.minutes': '{n} minute(s)',
  'login.seconds': '{n} second(s)',
  'login.notOpen': 'Voting is not open yet. It opens on {date}.',
  'login.closed': 'Voting closed on {date}.',
  'login.failed': 'Wrong identifier or password.',
  'login.throttled': 'Too many failed attempts for this account. You can try again in {wait}.',
  'login.tooManyFromNetwork': 'Too many attempts from your network. You can try again in {wait}.',

  'captcha.image': 'Security code (image)',
  'captcha.prompt': 'Type the 4 digits:',
  'captcha.promptAbove': 'Type the 4 digits above',
  'captcha.label': 'Security code',
  'captcha.refresh': 'New code',
  'captcha.hint':
    '4 digits, valid for {minutes} minutes. The "New code" button shows another one without erasing what you typed.',
  'captcha.wrong': 'The security code is wrong. A new code is shown.',
  'captcha.expired': 'The security code has expired. A new code is shown.',
  'captcha.used': 'This security code has already been used. A new code is shown.',
  'captcha.format': 'Type exactly 4 digits.',

  'field.required': 'This field is required.',
  'field.identifierFormat': 'The identifier has 12 characters (letters and digits), for example ABCD-EFGH-JKMN.',
  'field.tooLong': 'This field is too long.',

  'space.title': 'Your voter space',
  'space.welcome': 'You are logged in to the voting portal.',
  'space.election': 'Election: {title}',
  'space.window': 'Voting is open from {opening} to {closing}.',
  'space.logout': 'Log out',
  'space.loggedOut': 'You are logged out.',
  'space.expired': 'Your session has ended. Please log in again.',

  'error.title': 'Something went wrong',
  'error.notFound': 'This page does not exist.',
  'error.badRequest': 'The request is invalid.',
  'error.tooLarge': 'The request is too large.',
  'error.forbidden':
    'This request was refused: it does not come from the voting portal. Go back to the portal and try again.',
  'error.unavailable':
    'The service is temporarily unavailable. Your request was not taken into account: try again in a moment.',
  'error.internal': 'An internal error occurred. Try again in a moment or contact the assistance team.',
  'error.misconfigured': 'The portal is not configured correctly. The assistance team has been notified.',

  // identifier renewal
  'identifierRenewal.title': 'Renewing your identifier',
  'identifierRenewal.intro':
    'You can ask for a new identifier by entering your NUMIC (consular identification number), which was given again in the e-mail calling you to the election, and your e-mail address.',
  'identifierRenewal.linkByEmail': 'A link will be sent to you by e-mail.',
  'identifierRenewal.numic': 'NUMIC',
  'identifierRenewal.numicHint': 'Your consular identification number, 8 digits (for example 00123456).',
  'identifierRenewal.numicFormat': 'The NUMIC has 8 digits, for example 00123456.',
  'identifierRenewal.email': 'E-mail address',
  'identifierRenewal.emailHint': 'The address you gave your consulate or the online register.',
  'identifierRenewal.emailFormat': 'Enter an e-mail address, for example name@example.com.',
  'identifierRenewal.submit': 'Ask for a new identifier',
  // shared by both renewals (SPEC.md's one-at-a-time rule)
  'renewal.bothRule': 'For security reasons, the identifier and the password cannot both be renewed at the same time.',
  'identifierRenewal.throttled':
    'You have already made several renewal requests recently. No e-mail was sent for this request. The links already sent stay valid for an hour: look for the e-mail in your mailbox, including the spam folder. You can make a new request in {wait}.',
  'identifierRenewal.before': 'Identifier renewal is not open yet for this election.',
  'identifierRenewal.closed': 'Voting closed on {date}: the identifier can no longer be renewed.',
  'identifierRenewal.sentTitle': 'Your identifier renewal request',
  'identifierRenewal.sentReceived': 'Your request has been taken into account.',
  'identifierRenewal.sentEmail': 'An e-mail has just been sent to you.',
  'identifierRenewal.sentSpam':
    'If it does not reach you within a few minutes, please look in your "junk mail (spam)" folder.',
  'identifierRenewal.linkTitle': 'How do I renew my identifier?',
  'identifierRenewal.linkShown': 'Your new identifier will be shown on the screen of the renewal portal.',
  'identifierRenewal.linkNeeds':
    'To get your new identifier, you will need your consular identification number (NUMIC) and the e-mail address you gave your consulate or the online register.',
  'identifierRenewal.linkAsk':
    'Enter the password you received by text message and the security code, then click "Confirm".',
  'identifierRenewal.password': 'Password',
  'identifierRenewal.passwordHint': 'The password received by text message (it does not change).',
  'identifierRenewal.validate': 'Confirm',
  'identifierRenewal.wrongPassword': 'The password is wrong. After {max} mistakes, this link will no longer be valid.',
  'identifierRenewal.invalidTitle': 'This link is not valid',
  'identifierRenewal.invalid.unknown':
    'This renewal link is not recognised. Check that you opened the whole link of the most recent e-mail.',
  'identifierRenewal.invalid.expired': 'This link has expired: it was valid for one hour only.',
  'identifierRenewal.invalid.voided':
    'This link is no longer valid: another link sent to you has already been used to renew the identifier, or the password was typed wrongly too many times.',
  'identifierRenewal.invalid.used':
    'This link has already been used: it is valid for one renewal of the identifier only.',
  'identifierRenewal.askAgain': 'Ask for a new link',
  'identifierRenewal.refusedTitle': 'Renewal not possible for now',
  'identifierRenewal.coolingOff':
    'Your password was renewed less than {hours} hours ago: your identifier has not been renewed.',
  'identifierRenewal.contactHelp': 'Contact the assistance team',
  'identifierRenewal.failed':
    'Your identifier could not be renewed because of a technical incident: your current identifier remains valid. This link can no longer be used; ask for a new link in a few moments.',
  'identifierRenewal.doneTitle': 'Your new identifier',
  'identifierRenewal.doneIntro': 'Your identifier has been renewed. Here it is; it will never be shown again:',
  'identifierRenewal.doneKeep': 'I copy it and I keep it.',
  'identifierRenewal.copy': 'Copy the identifier',
  'identifierRenewal.copied': 'Identifier copied.',
  'identifierRenewal.doneOld': 'Your former identifier no longer works. Your password does not change.',
  'identifierRenewal.toLogin': 'Log in with the new identifier',
  'identifierRenewal.mail.subject': 'Renewing your identifier',
  'identifierRenewal.mail.greeting': 'Hello,',
  'identifierRenewal.mail.asked': 'You asked for a new identifier for internet voting ({election}).',
  'identifierRenewal.mail.open': 'To get your new identifier, open this link:',
  'identifierRenewal.mail.validity':
    'This link is valid for one hour, for one renewal only. You will enter the password you received by text message there; your new identifier will be shown on the screen of the renewal portal.',
  'identifierRenewal.mail.notYou':
    'If you did not make this request, do not open this link and ignore this e-mail: your current identifier remains valid. If you receive this e-mail several times without asking for it, contact the assistance team:',
  'identifierRenewal.mail.auto': 'This e-mail is sent automatically, please do not reply.',
  'identifierRenewal.notice.subject': 'Your identifier has been renewed',
  'identifierRenewal.notice.text':
    'Your internet voting identifier ({election}) was renewed on {date}. If you did not make this renewal, contact the assistance team straight away:',
  'identifierRenewal.notice.sms':
    'Internet voting: your identifier was renewed on {date}. If it was not you, contact the assistance team: {help}',

  // password renewal
  'passwordRenewal.title': 'Renewing your password',
  'passwordRenewal.intro':
    'You can ask for a new password by entering your identifier and your NUMIC (consular identification number), which was given again in the e-mail calling you to the election.',
  'passwordRenewal.bySms':
    'A new password will be sent to you by text message, to the phone number you gave your consulate or the online register.',
  'passwordRenewal.identifier': 'Identifier',
  'passwordRenewal.identifierHint': 'The 12 characters received by e-mail, for example ABCD-EFGH-JKMN.',
  'passwordRenewal.numic': 'NUMIC',
  'passwordRenewal.numicHint': 'Your consular identification number, 8 digits (for example 00123456).',
  'passwordRenewal.numicFormat': 'The NUMIC has 8 digits, for example 00123456.',
  'passwordRenewal.submit': 'Ask for a new password',
  'passwordRenewal.throttled':
    'You have already asked for a new password several times recently. No text message was sent for this request. You can make a new one in {wait}.',
  'passwordRenewal.before': 'Password renewal is not open yet for this election.',
  'passwordRenewal.closed': 'Voting closed on {date}: the password can no longer be renewed.',
  'passwordRenewal.sentTitle': 'Your password renewal request',
  'passwordRenewal.sentReceived': 'Your request has been taken into account.',
  'passwordRenewal.sentSms': 'A text message has just been sent to you.',
  'passwordRenewal.sentUse': 'Use the password it contains: it replaces the previous one.',
  'passwordRenewal.notArrived': 'If this text message does not reach you within a few minutes:',
  'passwordRenewal.notArrivedWait': 'wait a little longer: in some countries a text message can take time to arrive;',
  'passwordRenewal.notArrivedNumber':
    'check that the phone number registered by your consulate or on the online register is yours;',
  'passwordRenewal.notArrivedHelp': 'contact the assistance team.',
  'passwordRenewal.refusedTitle': 'Renewal not possible for now',
  'passwordRenewal.coolingOff':
    'Your identifier was renewed less than {hours} hours ago: your password has not been renewed and no text message was sent.',
  'passwordRenewal.contactHelp': 'Contact the assistance team',
  'passwordRenewal.failed':
    'Your password could not be renewed because of a technical incident: your current password remains valid. Try again in a few moments.',
  'passwordRenewal.sms.intro': 'Internet voting ({election}): your new password is',
  'passwordRenewal.sms.outro':
    'The former one no longer works. If you did not ask for it, contact the assistance team: {help}',
  'passwordRenewal.mail.greeting': 'Hello,',
  'passwordRenewal.mail.auto': 'This e-mail is sent automatically, please do not reply.',
  'passwordRenewal.notice.subject': 'Your password has been renewed',
  'passwordRenewal.notice.text':
    'Your internet voting password ({election}) was renewed on {date}; the new one was sent to you by text message. If you did not make this renewal, contact the assistance team straight away:',

  // ---------------------------------------------------------------- reach (issue 5)
  'captcha.audio': 'Listen to the code',
  'captcha.neither': 'Can you use neither the picture nor the sound?',
  'captcha.neitherLink': 'The assistance team can help you.',
  'copy.button': 'Copy',
  'copy.done': 'Copied',
  'copy.failed': 'Copying failed: select the text and copy it.',
  // ---------------------------------------------------------------- operators (issue 12)
  'roll.contactChanged.subject': 'Your contact details have been changed',
  'roll.contactChanged.email':
    'The e-mail address registered for your internet vote ({election}) was changed on {date} by your consulate. The portal’s next messages will go to the new address. If you did not ask for this change, contact the assistance team straight away:',
  'roll.contactChanged.phone':
    'The phone number registered for your internet vote ({election}) was changed on {date} by your consulate. The portal’s next text messages will go to the new number. If you did not ask for this change, contact the assistance team straight away:',
  'roll.contactChanged.sms':
    'Internet voting: your contact details were changed on {date}. If it was not you, contact the assistance team: {help}',
  'convocation.subject': 'Your invitation to vote online',
  'convocation.greeting': 'Hello,',
  'convocation.intro':
    'You are registered on the consular electoral roll and may vote online in the election “{election}”. Voting is open from {opens} to {closes}.',
  'convocation.numic': 'Your NUMIC (consular identification number): {numic}',
  'convocation.identifier': 'Your voting identifier:',
  'convocation.password':
    'Your password is sent to you separately, by text message, to the number your consulate registered.',
  'convocation.portal': 'To vote, go to the portal:',
  'convocation.lost':
    'If you lose your identifier or your password, you can ask for a new one on the portal. Assistance team:',
  'convocation.sms.intro': 'Internet voting ({election}): your password is',
  'convocation.sms.outro': 'Your identifier was sent to you by e-mail. Help: {help}',
  'operator.error.not_configured':
    'Operator authentication is not configured (ACCESS_TEAM_DOMAIN, ACCESS_AUD and OPERATOR_ROLES, or OPERATOR_PASSWORD locally): every operator request is refused.',
  'operator.error.ambiguous':
    'An operator password and a Cloudflare Access configuration are both present: every operator request is refused. Remove one of them.',
  'operator.error.password_off_loopback':
    'The operator password is accepted only in local development (DEV_TOOLS=1, a loopback address).',
  'operator.error.missing_credentials': 'Operator authentication required.',
  'operator.error.bad_credentials': 'Wrong operator password.',
  'operator.error.throttled': 'Too many operator password attempts from this network. Try again in {wait}.',
  'operator.error.bad_token': 'The Cloudflare Access token is invalid, expired or not meant for this portal.',
  'operator.error.no_role': 'This identity has no operator role on this portal (OPERATOR_ROLES).',
  'operator.error.forbidden': 'Your role ({role}) does not allow this action.',
  'operator.error.bad_request': 'Invalid request: {detail}',
  'operator.error.close_before_open': 'Closing must come after opening.',
  'operator.error.closed_final':
    'The vote has closed: closing is final, neither the opening nor the closing can move any more.',
  'operator.error.opening_after_ballots': 'Ballots have already been cast: the opening can no longer move.',
  'operator.error.unknown_constituency': 'Unknown constituency: {constituency} (expected 1 to 11).',
  'operator.error.few_answers': 'Constituency {constituency}: at least two answers are needed.',
  'operator.error.duplicate_contest': 'Constituency {constituency}: two questions in the same file.',
  'operator.error.contest_locked':
    'Constituency {constituency}: its ballot box is already set up, the question can no longer change.',
  'operator.error.mass_deactivation':
    'This import would deactivate {count} voters out of {active} active ones (over 10 % in 24 hours, counting recent deactivations): refused. Run it again with --allow-mass-deactivation if this is intended.',
  'operator.error.election_missing':
    'No election is defined yet: create it first with `npm run election -- set --title … --opens … --closes …`.',
  'operator.error.unknown_voter': 'No active, convoked voter has the NUMIC {numic}.',
  'operator.error.renewal_closed':
    'Credential renewal is not open now (before the roll is loaded, or the vote has closed).',
  'operator.error.cooling_off':
    'This voter’s other credential was renewed less than 24 hours ago: one renewal at a time, nothing was sent.',
  'operator.error.unavailable': 'The service is unavailable for a moment: nothing was changed, try again.',
  'operator.error.not_found': 'Unknown address of the operator interface.',
  'operator.error.unsupported_type': 'The request body must be JSON (Content-Type: application/json).',
  'booth.title': 'Vote',
  'booth.question': 'Your choice',
  'booth.blank': 'Blank vote',
  'booth.submit': 'Confirm my choice',
  'booth.required': 'Choose an answer or “Blank vote”.',
  'booth.confirmTitle': 'Confirm your vote',
  'booth.confirmIntro': 'You chose:',
  'booth.confirmFinal': 'Once confirmed, your vote is final: it can no longer be changed.',
  'booth.cast': 'Confirm and vote',
  'booth.change': 'Change my choice',
  'booth.encrypting': 'Your ballot is being encrypted on your device…',
  'booth.progress': 'Encrypting the ballot',
  'booth.sending': 'Putting the ballot in the ballot box…',
  'booth.failed': 'The ballot could not be cast. Try again, or contact the assistance team.',
  'booth.noScript':
    'Your ballot is encrypted on your own device before it is cast: this needs JavaScript, which is off or unavailable in this browser. Turn it on or use another browser; if you have trouble, contact the assistance team.',
  'booth.notSetUp': 'The ballot box of your constituency is not open yet. Come back later.',
  'booth.unavailable': 'The polling station cannot be shown right now. Try again in a few moments.',
  'booth.receiptTitle': 'Your ballot is in the ballot box',
  'booth.receiptIntro': 'Your vote was recorded on {date}. Keep its verification code:',
  'booth.receiptVerify': 'Check that this ballot is in the ballot box',
  'booth.receiptFingerprint': 'Election fingerprint: {fingerprint}',
  'booth.receiptMail': 'This code was also sent to you by e-mail.',
  'booth.vote': 'Vote',
  'results.title': 'Results',
  'results.none': 'The results will be published here once the vote has closed and the ballots have been counted.',
  'results.intro':
    'Each ballot box was counted without decrypting any ballot: the encrypted ballots were added up, then the total decrypted by the trustees, each with their own key. Anyone can redo these checks.',
  'results.constituency': 'Constituency {constituency}',
  'results.caption': 'Results of constituency {constituency}',
  'results.answer': 'Candidate',
  'results.votes': 'Votes',
  'results.share': 'Share of the votes cast',
  'results.blank': 'Blank vote',
  'results.ballots': 'Ballots counted',
  'results.shareNote': 'Blank votes are counted apart: they are not votes cast for a candidate.',
  'results.published': 'Published on',
  'results.uuid': 'Election identifier (uuid)',
  'results.fingerprint': 'Election fingerprint',
  'results.resultHash': 'Result fingerprint (SHA-256)',
  'results.download': 'Download the ballot box’s archive ({file})',
  'results.howTitle': 'Verify these results',
  'results.how1':
    'Install belenios-tool, Belenios’s independent verification tool (on Debian: apt-get install belenios-tool).',
  'results.how2': 'Download the ballot box’s archive and put it alone in a folder, for instance circonscription-1.',
  'results.how3':
    'Run the verification: it re-checks every ballot, recomputes the encrypted tally, checks each trustee’s decryption and the result.',
  'results.how4':
    'The verification must end with “all checks passed”; then compare the election fingerprint with the one e-mailed to you when you voted.',
  'results.verifier': 'Check that a ballot is in the ballot box',
  'results.tooMany': 'Too many downloads from this network. Try again in {wait}.',
  'verifier.booth': 'Fingerprint of the polling station’s script (Subresource Integrity): {hash}',
  'verifier.title': 'Check that a ballot is in the ballot box',
  'verifier.intro':
    'After voting, you received your ballot’s verification code (43 characters), on screen and by e-mail. Type it to check that your ballot is in the ballot box. The box holds encrypted ballots only: nobody can read your choice in it.',
  'verifier.label': 'Ballot verification code',
  'verifier.hint': '43 characters: letters, digits, + and /, exactly as you received them.',
  'verifier.submit': 'Check',
  'verifier.found': 'This ballot is in the ballot box.',
  'verifier.notFound': 'No ballot in the ballot box matches this code.',
  'verifier.format': 'This is not the shape of a verification code (43 characters: letters, digits, + and /).',
  'verifier.tooMany': 'Too many checks from this network. Try again in {wait}.',
  'verifier.counts': 'Ballots and sign-offs per constituency',
  'verifier.countsIntro':
    'Each ballot in the box matches one voter signed off as having voted: the two numbers are equal, except while a ballot is being cast.',
  'verifier.constituency': 'Constituency',
  'verifier.ballots': 'Ballots in the box',
  'verifier.emargements': 'Voters signed off',
  'vote.receipt.subject': 'Your ballot is in the ballot box',
  'vote.receipt.intro': 'Your ballot ({election}) was put in the ballot box on {date}. Its verification code is:',
  'vote.receipt.verify':
    'You can check at any time that it is in the ballot box on the page {verify}. Election fingerprint: {fingerprint}.',
  'vote.receipt.notYou': 'If you did not vote, contact the assistance team at once:',
  'vote.notice.sms':
    'Internet voting: a ballot was cast in your name on {date}. If it was not you, contact the assistance team: {help}',
  'vote.error.session': 'Your session has expired: log in again to vote.',
  'vote.error.not_set_up': 'The ballot box of your constituency is not open yet.',
  'vote.error.invalid': 'This ballot could not be verified: it was not cast. Reload the page and vote again.',
  'vote.error.not_yours': 'This ballot is not signed with your credential: it was not cast.',
  'vote.error.closed': 'Voting is closed: the ballot was not cast.',
  'vote.error.before_opening': 'Voting is not open yet: the ballot was not cast.',
  'vote.error.pending': 'Another ballot is being cast for you: wait a minute, then reload the page.',
  'vote.error.throttled': 'Too many ballots sent from this network. Try again in {wait}.',
  'vote.error.unavailable':
    'The ballot box does not answer for now. Your ballot will be cast as soon as possible; reload the page in a minute to check.',
  'operator.error.trustees_invalid':
    'Invalid trustee public key (no. {index}): not a Belenios .pubkey file, or its proof does not verify.',
  'operator.error.vote_open': 'The vote has not closed: the count begins only after closing.',
  'operator.error.not_tallied':
    'Constituency {constituency}: its ballot box is not tallied (npm run ballot -- tally first).',
  'operator.error.partial_unreadable':
    'Constituency {constituency}: partial decryption no. {index} cannot be read (expected the two lines written by trustee decrypt or belenios-tool election decrypt).',
  'operator.error.partial_foreign':
    'Constituency {constituency}: a partial decryption by trustee {trustee}, who is not a trustee of this election.',
  'operator.error.partial_duplicate': 'Constituency {constituency}: two partial decryptions by trustee {trustee}.',
  'operator.error.partial_invalid':
    'Constituency {constituency}: the partial decryption by trustee {trustee} does not verify (a false proof, or the decryption of another tally).',
  'operator.error.partial_missing':
    'Constituency {constituency}: the partial decryption of trustee(s) {trustees} is missing.',
  'operator.error.trustees_few': 'At least two distinct trustees are needed (different public keys).',
  'operator.error.no_contests': 'No question is set: run npm run election -- contests first.',
  'operator.error.ballot_already': 'Every ballot box is already set up: setting up is never done again.',
  'operator.error.not_prepared': 'Constituency {constituency}: its ballot box is not being set up (ballot setup).',
  'operator.error.credentials_missing':
    'Constituency {constituency}: {pending} active voter(s) without a voting credential; run the generation again.',
  'operator.error.freeze_changed':
    'Constituency {constituency}: the credential list changed while the box was being set up (another setup running?); run ballot setup again.',
  ...helpEn,
  ...consoleEn,
} as const satisfies Messages;
