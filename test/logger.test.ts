import { describe, expect, it } from 'vitest';
import { maskPhone, maskPhonesIn } from '../shared/domain/mask.js';
import { bufferedSink, createLogger } from '../shared/logger.js';

describe('log masking', () => {
  it('keeps the country prefix and the last two digits of a number', () => {
    expect(maskPhone('+14255550123')).toBe('+1********23');
  });

  it('masks numbers written inside free text, but leaves ids alone', () => {
    expect(maskPhonesIn('no channel has the number +1 425 555 0100')).toBe(
      'no channel has the number +1********00',
    );
    expect(maskPhonesIn('message local:80590109-fc80-4ba2-ad9a-3634ec9ebe39')).toBe(
      'message local:80590109-fc80-4ba2-ad9a-3634ec9ebe39',
    );
  });
});

describe('structured logger', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, logger: createLogger((line) => lines.push(line), 'info') };
  };

  it('writes one JSON object per line with the event and its fields', () => {
    const { lines, logger } = capture();
    logger.info('conversation.assigned', { conversationId: 'c1', agentId: 'alice' });
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'info',
      event: 'conversation.assigned',
      agentId: 'alice',
    });
  });

  it('drops message content and masks numbers even when a caller passes them', () => {
    const { lines, logger } = capture();
    logger.warn('careless', { text: 'my card is 4111', customer: '+14255550123' });
    logger.error(
      'failed',
      {},
      new Error('send to +14255550123 failed', { cause: new Error('+14255550124 busy') }),
    );
    const all = lines.join('\n');
    expect(all).not.toContain('4111');
    expect(all).not.toContain('4255550123');
    expect(all).not.toContain('4255550124');
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ cause: { errorMessage: '+1********24 busy' } });
  });

  it('leaves out levels below the minimum', () => {
    const { lines, logger } = capture();
    logger.debug('noise');
    expect(lines).toEqual([]);
  });
});

describe('the buffered sink', () => {
  it('writes nothing while the caller runs, then the turn’s lines in one write, in order', async () => {
    const writes: string[] = [];
    const sink = bufferedSink((text) => writes.push(text));
    const logger = createLogger(sink, 'info');
    logger.info('first', { n: 1 });
    logger.warn('second', { n: 2 });
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    const lines = (writes[0] ?? '').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((line) => JSON.parse(line).event)).toEqual(['first', 'second']);
  });

  it('costs no write for a level that is off', async () => {
    const writes: string[] = [];
    const logger = createLogger(
      bufferedSink((text) => writes.push(text)),
      'error',
    );
    logger.info('ignored', { conversationId: 'c1' });
    logger.warn('ignored too');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([]);
  });
});
