/**
 * What every console route shares: the operator on the context, the role check that answers a
 * page, and the submitted form's strings.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../../env';
import type { Operator } from '../../../platform/operators/auth';
import { may, type Action } from '../../../platform/operators/roles';
import { readForm } from '../../../platform/validation';

export type ConsoleEnv = AppEnv & { Variables: { operator: Operator } };
export type ConsoleContext = Context<ConsoleEnv>;

/** The refusal's text when the operator's role lacks `action`, else null. */
export function denied(c: ConsoleContext, action: Action): string | null {
  const { role } = c.var.operator;
  return may(role, action) ? null : c.var.t('console.error.forbidden', { role: c.var.t(`console.role.${role}`) });
}

/**
 * The form's string fields (a file field or a repeated one is ignored), bounded; none when the
 * body cannot be read as a form (each action then refuses for the field it misses).
 */
export async function formOf(c: ConsoleContext): Promise<Record<string, string>> {
  const body = (await readForm(c)) ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) out[k] = v.slice(0, 5000);
  return out;
}

/** `YYYY-MM-DD` as the start of that day in UTC (epoch ms), or undefined. */
export function dayStart(value: string | undefined): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

export const DAY_MS = 86_400_000;
