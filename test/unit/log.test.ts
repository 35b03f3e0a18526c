// The shape of every log line (src/platform/log.ts): a code, the error's name, facts of our
// own — never an error's message. test/integration/error-logs.test.ts checks the flows.
import { describe, expect, it } from 'vitest';
import { errorName, logLine } from '../../src/platform/log';
import { AppError } from '../../src/platform/errors';

describe('log lines', () => {
  it('carry the code and the error’s name, never its message or cause', () => {
    const err = new Error('Failed query: select … params: 00123456,electeur@example.org', {
      cause: new Error('D1_ERROR: Camille Martin'),
    });
    expect(logLine('storage_unavailable', err)).toBe('isoloir: storage_unavailable: Error');
    expect(logLine('misconfigured', new AppError('misconfigured', 'election_not_loaded'), { reason: 'x' })).toBe(
      'isoloir: misconfigured: AppError reason=x',
    );
    expect(logLine('delivery_sent', undefined, { id: 'a-1', skipped: undefined, attempts: 2 })).toBe(
      'isoloir: delivery_sent id=a-1 attempts=2',
    );
  });

  it('say "Error" for a name that is not a plain identifier, and the type of a thrown non-Error', () => {
    const named = new Error('x');
    named.name = 'Error: 00123456 electeur@example.org';
    expect(errorName(named)).toBe('Error');
    expect(errorName(new TypeError('x'))).toBe('TypeError');
    expect(errorName('00123456')).toBe('string');
    expect(errorName(null)).toBe('null');
    expect(errorName({ message: '00123456' })).toBe('object');
  });

  it('keep a fact to one token: no line break, no space, no forged line', () => {
    const line = logLine('delivery_retry', undefined, { id: 'x\nisoloir: forged line', delay: 5 });
    expect(line).toBe('isoloir: delivery_retry id=xisoloir:forgedline delay=5');
    expect(line.split('\n')).toHaveLength(1);
  });
});
