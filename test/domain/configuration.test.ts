import { describe, expect, it } from 'vitest';
import {
  type AutoCloseBounds,
  type Configuration,
  configurationIssues,
  currentShape,
  duplicates,
  parseConfiguration,
  resolveChannel,
  WRAP_UP_DEFAULT_MINUTES,
} from '../../shared/domain/configuration.js';
import { thrownValidation as thrown } from '../support/thrown.js';

const bounds: AutoCloseBounds = { defaultMinutes: 30, minMinutes: 5, maxMinutes: 10_080 };

const queue = (id: string) => ({ id, name: id.toUpperCase() });
const channel = (id: string, numbers: string[], extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  numbers,
  provider: 'local',
  defaultQueueId: 'general',
  ...extra,
});

/** A valid input: two channels on their own numbers, two queues. */
const valid = {
  channels: [
    channel('support', ['+14255550100', '+14255550101'], {
      routing: [{ when: { numbers: ['+14255550101'] }, queueId: 'billing' }],
    }),
    channel('alerts', ['+14255550199']),
  ],
  queues: [queue('general'), queue('billing')],
};

const parsedValid = (): Configuration => parseConfiguration(valid, bounds);

describe('duplicates', () => {
  it('lists each value given more than once, once, in order of repetition', () => {
    expect(duplicates(['a', 'b', 'a', 'c', 'b', 'a'])).toEqual(['a', 'b']);
    expect(duplicates(['a', 'b'])).toEqual([]);
    expect(duplicates([])).toEqual([]);
  });
});

describe('a configuration', () => {
  it('is empty when nothing is given', () => {
    expect(parseConfiguration({}, bounds)).toEqual({ channels: [], queues: [] });
  });

  it('takes channels on their own numbers routing into known queues', () => {
    const configuration = parsedValid();
    expect(configuration.channels.map((c) => c.id)).toEqual(['support', 'alerts']);
    expect(configurationIssues(configuration, bounds)).toEqual([]);
  });

  it('refuses a part zod refuses, with every issue', () => {
    const error = thrown(() => parseConfiguration({ channels: [{ id: 'Bad Id' }] }, bounds));
    expect(error.message).toBe('configuration is invalid');
    expect(error.issues.length).toBeGreaterThan(1);
    expect(error.issues).toContainEqual({
      path: 'channels.0.id',
      message: 'use lowercase letters, digits and dashes (at most 63)',
    });
  });

  it('refuses what spans parts, saying the first problem and listing them all', () => {
    const error = thrown(() =>
      parseConfiguration({ ...valid, queues: [queue('general'), queue('general')] }, bounds),
    );
    expect(error.message).toBe('configuration is invalid: queues: duplicate id general');
    expect(error.issues).toEqual([
      { path: 'queues', message: 'duplicate id general' },
      { path: 'channels.0.routing.0.queueId', message: 'unknown queue billing' },
    ]);
  });
});

describe('the rules that span channels and queues', () => {
  const issuesOf = (change: (c: Configuration) => Configuration) =>
    configurationIssues(change(parsedValid()), bounds);

  it('refuses two channels with one id', () => {
    expect(
      issuesOf((c) => ({
        ...c,
        channels: [...c.channels, { ...(c.channels[1] as Configuration['channels'][number]), numbers: [] }],
      })),
    ).toEqual([{ path: 'channels', message: 'duplicate id alerts' }]);
  });

  it('refuses a number on two channels', () => {
    const [support, alerts] = parsedValid().channels as [
      Configuration['channels'][number],
      Configuration['channels'][number],
    ];
    const shared = { ...alerts, numbers: [...alerts.numbers, ...support.numbers.slice(0, 1)] };
    expect(issuesOf((c) => ({ ...c, channels: [support, shared] }))).toEqual([
      { path: 'channels', message: 'number +14255550100 is on more than one channel' },
    ]);
  });

  it('refuses a default queue that does not exist', () => {
    expect(issuesOf((c) => ({ ...c, queues: [queue('billing')] as Configuration['queues'] }))).toEqual([
      { path: 'channels.0.defaultQueueId', message: 'unknown queue general' },
      { path: 'channels.1.defaultQueueId', message: 'unknown queue general' },
    ]);
  });

  it('takes a rule that names no number', () => {
    const configuration = parseConfiguration(
      {
        ...valid,
        channels: [
          channel('support', ['+14255550100'], {
            routing: [{ when: { keywords: ['refund'] }, queueId: 'billing' }],
          }),
        ],
      },
      bounds,
    );
    expect(configuration.channels[0]?.routing).toHaveLength(1);
  });

  it('refuses a rule for a number the channel does not have', () => {
    const error = thrown(() =>
      parseConfiguration(
        {
          ...valid,
          channels: [
            channel('support', ['+14255550100'], {
              routing: [{ when: { numbers: ['+14255550100', '+14255550101'] }, queueId: 'general' }],
            }),
          ],
        },
        bounds,
      ),
    );
    expect(error.issues).toEqual([
      { path: 'channels.0.routing.0.when.numbers', message: '+14255550101 is not a number of this channel' },
    ]);
  });

  it('takes inactivity limits at the bounds and refuses them beyond', () => {
    const withLimits = (autoCloseMinutes: number, autoClose: Record<string, number | null>) =>
      parseConfiguration(
        { ...valid, channels: [channel('support', ['+14255550100'], { autoCloseMinutes, autoClose })] },
        bounds,
      );
    expect(() => withLimits(5, { active: 10_080, waiting: null })).not.toThrow();
    expect(thrown(() => withLimits(4, { active: 10_081, waiting: null, open: 5 })).issues).toEqual([
      { path: 'channels.0.autoCloseMinutes', message: 'must be between 5 and 10080 minutes' },
      {
        path: 'channels.0.autoClose.active',
        message: 'must be between 5 and 10080 minutes (or null: never)',
      },
    ]);
  });
});

describe('a configuration stored before numbers had details', () => {
  it('reads each bare number as a number without a type, leaving the rest as it was', () => {
    const stored = {
      channels: [{ id: 'support', numbers: ['+14255550100', { number: '+14255550101', type: 'toll-free' }] }],
      queues: [queue('general')],
    } as unknown as Configuration;
    expect(currentShape(stored)).toEqual({
      channels: [
        {
          id: 'support',
          numbers: [{ number: '+14255550100' }, { number: '+14255550101', type: 'toll-free' }],
        },
      ],
      queues: [queue('general')],
    });
  });
});

describe('a channel as the use cases see it', () => {
  const settings = () => parsedValid().channels[0] as Configuration['channels'][number];

  it('closes idle work after the default minutes, and wrap-up after a day, when the channel sets nothing', () => {
    expect(WRAP_UP_DEFAULT_MINUTES).toBe(1440);
    const resolved = resolveChannel(settings(), bounds);
    expect(resolved.autoCloseMinutes).toBe(30);
    expect(resolved.autoClose).toEqual({ open: null, active: 30, waiting: 30, 'wrap-up': 1440 });
  });

  it('keeps what the channel sets', () => {
    const resolved = resolveChannel(
      { ...settings(), autoCloseMinutes: 45, autoClose: { waiting: null } },
      bounds,
    );
    expect(resolved.autoCloseMinutes).toBe(45);
    expect(resolved.autoClose).toEqual({ open: null, active: 45, waiting: null, 'wrap-up': 1440 });
  });

  it('keeps the wrap-up default within the deployment’s bounds', () => {
    expect(resolveChannel(settings(), { ...bounds, maxMinutes: 600 }).autoClose['wrap-up']).toBe(600);
    expect(resolveChannel(settings(), { ...bounds, minMinutes: 2000 }).autoClose['wrap-up']).toBe(2000);
  });
});
