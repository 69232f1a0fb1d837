import { describe, expect, it } from 'vitest';
import {
  explainedPlaces,
  latestPerFile,
  type MutantResult,
  mutationSummary,
} from '../../tools/mutation-summary.js';

const at = (line: number) => ({ start: { line, column: 3 } });
const mutant = (status: string, line: number, replacement?: string): MutantResult => ({
  mutatorName: 'ConditionalExpression',
  status,
  location: at(line),
  ...(replacement ? { replacement } : {}),
});

describe('the mutation summary', () => {
  it('counts killed and timed-out mutants as detected, survivors and uncovered ones as not, leaves errors out and names the static ones ignored', () => {
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
      'domain: 2 of 3 killed (66.7%); 1 ignored (static: run once at module load)',
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

  it('takes each file from the newest report that holds it and groups files by folder', () => {
    const older = {
      name: 'domain.json',
      writtenAt: 1,
      report: {
        files: {
          'shared/domain/a.ts': { mutants: [mutant('Survived', 1)] },
          'shared/domain/b.ts': { mutants: [mutant('Killed', 2)] },
        },
      },
    };
    const newer = {
      name: 'a-again.json',
      writtenAt: 2,
      report: {
        files: {
          'shared/domain/a.ts': { mutants: [mutant('Killed', 1)] },
          'shared/use-cases/c.ts': { mutants: [mutant('NoCoverage', 3)] },
        },
      },
    };
    expect(latestPerFile([older, newer])).toEqual({
      domain: {
        files: {
          'shared/domain/a.ts': { mutants: [mutant('Killed', 1)] },
          'shared/domain/b.ts': { mutants: [mutant('Killed', 2)] },
        },
      },
      'use-cases': { files: { 'shared/use-cases/c.ts': { mutants: [mutant('NoCoverage', 3)] } } },
    });
  });

  it('says of each mutant not killed whether docs/decisions.md explains its line, the unexplained first', () => {
    const lines = mutationSummary(
      {
        domain: {
          files: {
            'shared/domain/a.ts': {
              mutants: [mutant('Survived', 3, 'true'), mutant('Survived', 9, 'false')],
            },
          },
        },
      },
      new Set(['a.ts:3']),
    );
    expect(lines).toEqual([
      'domain: 0 of 2 killed (0.0%)',
      'all: 0 of 2 killed (0.0%), goal 90%',
      'not killed: 2, explained in docs/decisions.md: 1, unexplained: 1 (goal 0)',
      '',
      'not killed (2):',
      'shared/domain/a.ts:9:3 Survived ConditionalExpression → false (UNEXPLAINED)',
      'shared/domain/a.ts:3:3 Survived ConditionalExpression → true (explained)',
    ]);
  });
});

describe('the places docs/decisions.md explains', () => {
  it('are each `file.ts:LINE` of a bullet, and each bare `:LINE` after it in the same bullet', () => {
    const decisions = [
      '- `hours.ts:35` StringLiteral and `hours.ts:40` (no coverage): for the type checker.',
      '- `quiet-hours.ts:33` and `:34` ArrayDeclaration: no day matches',
      '  `:36` goes on in the same bullet.',
      '- `shared/use-cases/keywords.ts:25` ConditionalExpression: a path is read as its file.',
      '- `:50` alone names no file, and `notes.ts` no line.',
    ].join('\n');
    expect([...explainedPlaces(decisions)].sort()).toEqual([
      'hours.ts:35',
      'hours.ts:40',
      'keywords.ts:25',
      'quiet-hours.ts:33',
      'quiet-hours.ts:34',
      'quiet-hours.ts:36',
    ]);
  });
});
