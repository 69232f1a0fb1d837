import { describe, expect, it } from 'vitest';
import { unwrapAnswer } from '../../functions/manage.js';

describe('a PUT body in the shape GET answered', () => {
  it('unwraps an object whose one key is the part name', () => {
    expect(unwrapAnswer({ routing: [{ queueId: 'general' }] }, 'routing')).toEqual([{ queueId: 'general' }]);
    expect(unwrapAnswer({ hours: null }, 'hours')).toBeNull();
  });

  it('takes the bare part as before', () => {
    expect(unwrapAnswer([{ queueId: 'general' }], 'routing')).toEqual([{ queueId: 'general' }]);
    expect(unwrapAnswer({ optOut: ['STOP'] }, 'keywords')).toEqual({ optOut: ['STOP'] });
  });

  it('leaves an object with other keys as it is, for the part schema to judge', () => {
    const body = { configuration: { channels: [] }, queues: [] };
    expect(unwrapAnswer(body, 'configuration')).toBe(body);
    expect(unwrapAnswer('text', 'configuration')).toBe('text');
  });
});
