/**
 * One chunk of `roll import`: the rows the command found good, upserted by NUMIC in one D1
 * batch (platform/roll/store.ts) with the operator's audit event. A convoked voter whose e-mail
 * or phone changes is told at the old address and the old phone (a notice in the outbox of the
 * same batch, audited): a hijack of the roll's contacts does not go unseen by the voter.
 */
import { translator } from '../../i18n';
import { formatParisNamed } from '../../i18n/dates';
import { CHAINS } from '../../platform/audit-chain';
import type { OutboundMessage } from '../../platform/delivery';
import { composeEmail, helpUrl } from '../../platform/delivery/compose';
import type { Operator } from '../../platform/operators/auth';
import { operatorEvent } from '../../platform/operators/audit';
import type { ContactChange, RollRow } from '../../platform/roll/store';
import type { Services } from '../../platform/services';
import { MAX_ROWS_PER_CHUNK } from './schemas';

export interface ChunkInput {
  run: string;
  replace: boolean;
  rows: RollRow[];
}

export interface ChunkAnswer {
  imported: number;
  updated: number;
  unchanged: number;
  rejected: { line: number; reason: string }[];
}

/** The notices of a changed contact, to the OLD address and the OLD phone, in the voter's language. */
export function contactChangedNotices(
  change: ContactChange,
  numicHmac: string,
  opts: { election: string; at: number; origin: string },
): OutboundMessage[] {
  const { before, after } = change;
  const locale = before.language === 'en' ? 'en' : 'fr';
  const t = translator(locale);
  const date = formatParisNamed(opts.at, locale, t);
  const subject = `${t('roll.contactChanged.subject')} — ${opts.election}`;
  const paragraphs = [
    t('passwordRenewal.mail.greeting'),
    ...(before.email !== after.email ? [t('roll.contactChanged.email', { election: opts.election, date })] : []),
    ...(before.phone !== after.phone ? [t('roll.contactChanged.phone', { election: opts.election, date })] : []),
    helpUrl(opts.origin),
    t('passwordRenewal.mail.auto'),
  ];
  const { text, html } = composeEmail(locale, subject, paragraphs);
  return [
    { channel: 'email', to: before.email, subject, text, html, purpose: 'contact-changed', numicHmac },
    {
      channel: 'sms',
      to: before.phone,
      text: t('roll.contactChanged.sms', { date, help: helpUrl(opts.origin) }),
      purpose: 'contact-changed',
      numicHmac,
    },
  ];
}

export async function importChunk(
  s: Pick<Services, 'clock' | 'roll' | 'electionAdmin' | 'pseudonyms' | 'delivery' | 'origin' | 'background'>,
  operator: Operator,
  input: ChunkInput,
): Promise<ChunkAnswer | null> {
  const now = s.clock();
  // The command rejects a file's duplicate NUMICs; a chunk holding one anyway is refused
  // row by row, both rows, rather than written twice.
  const lines = new Map<string, number[]>();
  for (const row of input.rows) lines.set(row.numic, [...(lines.get(row.numic) ?? []), row.line]);
  const rejected: ChunkAnswer['rejected'] = [];
  const rows = input.rows.filter((row) => {
    const same = lines.get(row.numic)!;
    if (same.length === 1) return true;
    const others = same.filter((l) => l !== row.line).join(', ');
    rejected.push({ line: row.line, reason: `NUMIC en double (ligne ${others}) / duplicate NUMIC (line ${others})` });
    return false;
  });
  if (rows.length === 0) return { imported: 0, updated: 0, unchanged: 0, rejected };

  const { election, contests } = await s.electionAdmin.read();
  if (!election) return null;
  const frozen = new Set(contests.filter((k) => k.ballotSetUpAt !== null).map((k) => k.constituency));
  const hmacs = new Map<string, string>();
  let outboxIds: string[] = [];
  const first = rows[0]!.line;
  const result = await s.roll.upsert({
    rows,
    seenRun: input.replace ? input.run : null,
    electionId: election.id,
    now,
    chain: CHAINS.operator(Math.floor(first / MAX_ROWS_PER_CHUNK)),
    frozen,
    async notices(changes) {
      const out = [];
      for (const change of changes) {
        const numicHmac = await s.pseudonyms.numic(change.before.numic);
        hmacs.set(change.before.numic, numicHmac);
        for (const message of contactChangedNotices(change, numicHmac, {
          election: election.title,
          at: now,
          origin: s.origin,
        })) {
          out.push(await s.delivery.prepare(message, now));
        }
      }
      outboxIds = out.map((r) => r.id);
      return out;
    },
    audit: (counts, changes) => [
      operatorEvent('operator.roll.import', operator, now, {
        run: input.run,
        lines: [first, rows[rows.length - 1]!.line],
        ...counts,
      }),
      ...changes.map((change) => ({
        event: 'roll.contact_changed',
        numicHmac: hmacs.get(change.before.numic) ?? null,
        at: now,
        outcome: 'success',
        detail: JSON.stringify({
          operator: operator.id,
          email: change.before.email !== change.after.email,
          phone: change.before.phone !== change.after.phone,
        }),
      })),
    ],
  });
  if (outboxIds.length > 0) s.background(s.delivery.relay(outboxIds, now));
  for (const f of result.frozenOut) {
    rejected.push({
      line: f.line,
      reason: `circonscription ${f.constituency} : l’urne est constituée, la liste de ses électeurs est figée / constituency ${f.constituency}: its ballot box is set up, its voters are frozen`,
    });
  }
  return { imported: result.imported, updated: result.updated, unchanged: result.unchanged, rejected };
}
