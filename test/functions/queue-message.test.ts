import { describe, expect, it } from 'vitest';
import { queueBody } from '../../functions/queue-message.js';
import { ValidationError } from '../../shared/errors.js';

describe('a queue message body as the host hands it over', () => {
  const sent = { queueId: 'general', reason: 'agent available' };

  it.each([
    ['parsed', sent],
    ['as a string', JSON.stringify(sent)],
    ['as bytes', Buffer.from(JSON.stringify(sent))],
  ])('is the JSON we sent when it comes %s', (_how, body) => {
    expect(queueBody(body)).toEqual(sent);
  });

  it('refuses a body that is not JSON, so the message is retried and then dead-lettered', () => {
    expect(() => queueBody('not json')).toThrow(ValidationError);
  });
});
