import { describe, expect, it } from 'vitest';
import { type MutantResult, mutationSummary } from '../../tools/mutation-summary.js';

const at = (line: number) => ({ start: { line, column: 3 } });
const mutant = (status: string, line: number, replacement?: string): MutantResult => ({
  mutatorName: 'ConditionalExpression',
  status,
  location: at(line),
  ...(replacement ? { replacement } : {}),
});

describe('the mutation summary', () => {
  it('counts killed and timed-out mutants as detected, survivors and uncovered ones as not, and leaves errors out', () => {
    const lines = mutationSummary({
      domain: {
        files: {
          'shared/domain/a.ts': {
            mutants: [
              mutant('Killed', 1),
              mutant('Timeout', 2),
              mutant('Survived', 3, 'true'),
              mutant('CompileError', 4),
              mutant('Ignored', 5),
            ],
          },
        },
      },
      'use-cases': {
        files: {
          'shared/use-cases/b.ts': { mutants: [mutant('Killed', 7), mutant('NoCoverage', 8, '{\n  }')] },
        },
      },
    });
    expect(lines).toEqual([
      'domain: 2 of 3 killed (66.7%)',
      'use-cases: 1 of 2 killed (50.0%)',
      'all: 3 of 5 killed (60.0%), goal 90%',
      '',
      'not killed (2):',
      'shared/domain/a.ts:3:3 Survived ConditionalExpression → true',
      'shared/use-cases/b.ts:8:3 NoCoverage ConditionalExpression → { }',
    ]);
  });

  it('says when no mutant was counted instead of dividing by zero', () => {
    expect(mutationSummary({ domain: { files: {} } })).toEqual([
      'domain: 0 of 0 killed (-%)',
      'all: 0 of 0 killed (-%), goal 90%',
    ]);
  });
});
