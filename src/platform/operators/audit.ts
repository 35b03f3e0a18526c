/**
 * An operator's action as an audit event: who did it (identity and role) first, then what.
 * Every operator route and service writes its events through this one shape.
 */
import type { AuditRecord } from '../audit';
import type { Operator } from './auth';

export function operatorDetail(operator: Operator, rest: Record<string, unknown>): string {
  return JSON.stringify({ operator: operator.id, role: operator.role, ...rest });
}

export function operatorEvent(
  event: string,
  operator: Operator,
  at: number,
  rest: Record<string, unknown>,
  numicHmac?: string,
): AuditRecord {
  return {
    event,
    ...(numicHmac === undefined ? {} : { numicHmac }),
    at,
    outcome: 'success',
    detail: operatorDetail(operator, rest),
  };
}
