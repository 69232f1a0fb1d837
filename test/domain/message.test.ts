import { describe, expect, it } from 'vitest';
import {
  advanceStatus,
  messageSegments,
  validateMessageText,
  validateReceivedText,
} from '../../shared/domain/message.js';
import { countSegments, MAX_MESSAGE_LENGTH } from '../../shared/domain/segments.js';
import { ValidationError } from '../../shared/errors.js';
import { aMessage } from '../support/builders.js';
import { thrownValidation as thrown } from '../support/thrown.js';

describe('message text', () => {
  it('allows up to 1600 characters', () => {
    expect(MAX_MESSAGE_LENGTH).toBe(1600);
    expect(validateMessageText('a'.repeat(1600))).toHaveLength(1600);
  });

  it('refuses 1601 characters, saying how many there were', () => {
    expect(() => validateMessageText('a'.repeat(1601))).toThrow(
      'text has 1601 characters; the limit is 1600',
    );
  });

  it('counts characters, not UTF-16 units: 1600 emoji are allowed', () => {
    expect(() => validateMessageText('😀'.repeat(1600))).not.toThrow();
    expect(() => validateMessageText('😀'.repeat(1601))).toThrow(ValidationError);
  });

  it('refuses empty and blank text', () => {
    expect(() => validateMessageText('')).toThrow('text must not be empty');
    expect(() => validateMessageText('  \n ')).toThrow(ValidationError);
  });
});

describe('a text we send', () => {
  it('names the field and the problem in its issue', () => {
    const error = thrown(() => validateMessageText('bad\u0007bell', 'reply'));
    expect(error.message).toBe('reply must not contain control characters (line breaks and tabs are fine)');
    expect(error.issues).toEqual([
      { path: 'reply', message: 'must not contain control characters (line breaks and tabs are fine)' },
    ]);
  });

  it('refuses a text of zero-width characters only', () => {
    expect(() => validateMessageText('\u200B\u200B')).toThrow('text must contain something visible');
  });
});

describe('a text a customer sent', () => {
  it('is taken as it is, whatever it holds, up to 1600 characters', () => {
    expect(validateReceivedText('bad\u0007bell')).toBe('bad\u0007bell');
    expect(validateReceivedText('\u200B')).toBe('\u200B');
    expect(validateReceivedText('a'.repeat(1600))).toHaveLength(1600);
  });

  it('must not be empty or blank', () => {
    for (const text of ['', ' \n\t ']) {
      const error = thrown(() => validateReceivedText(text));
      expect(error.message).toBe('text must not be empty');
      expect(error.issues).toEqual([{ path: 'text', message: 'empty' }]);
    }
    expect(() => validateReceivedText(' ', 'body')).toThrow('body must not be empty');
  });

  it('must stay within 1600 characters', () => {
    const error = thrown(() => validateReceivedText('😀'.repeat(1601), 'body'));
    expect(error.message).toBe('body has 1601 characters; the limit is 1600');
    expect(error.issues).toEqual([{ path: 'body', message: 'longer than 1600 characters' }]);
  });
});

describe('a message’s segments', () => {
  it('are counted as the segment rules count them', () => {
    expect(messageSegments('ж'.repeat(71))).toEqual(countSegments('ж'.repeat(71)));
    expect(messageSegments('ж'.repeat(71)).segments).toBe(2);
  });
});

describe('outbound status', () => {
  const queued = aMessage({ direction: 'outbound', status: 'queued' });

  it('moves forward: queued, sent, delivered', () => {
    const sent = advanceStatus(queued, 'sent');
    expect(sent.status).toBe('sent');
    expect(advanceStatus(sent, 'delivered').status).toBe('delivered');
  });

  it('never moves back when reports arrive out of order', () => {
    const delivered = advanceStatus(queued, 'delivered');
    expect(advanceStatus(delivered, 'sent').status).toBe('delivered');
    expect(advanceStatus(delivered, 'queued').status).toBe('delivered');
  });

  it('keeps the reason of a failure, and a failure is final', () => {
    const failed = advanceStatus(queued, 'failed', 'number unreachable');
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'number unreachable' });
    expect(advanceStatus(failed, 'delivered').status).toBe('failed');
  });

  it('keeps the reason a message already held when it moves on without failing', () => {
    const retried = aMessage({
      direction: 'outbound',
      status: 'queued',
      failureReason: 'first attempt timed out',
    });
    expect(advanceStatus(retried, 'sent').failureReason).toBe('first attempt timed out');
  });
});
