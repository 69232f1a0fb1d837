import { describe, expect, it } from 'vitest';
import { advanceStatus, validateMessageText } from '../../shared/domain/message.js';
import { MAX_MESSAGE_LENGTH } from '../../shared/domain/segments.js';
import { ValidationError } from '../../shared/errors.js';
import { aMessage } from '../support/builders.js';

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
});
