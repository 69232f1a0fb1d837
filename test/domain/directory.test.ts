import { describe, expect, it } from 'vitest';
import { queueSchema } from '../../shared/domain/channel.js';
import { Directory } from '../../shared/domain/directory.js';
import type { SenderNumber } from '../../shared/domain/phone.js';
import { NotFoundError } from '../../shared/errors.js';
import { aChannel } from '../support/builders.js';

const support = aChannel({
  id: 'support',
  numbers: [{ number: '+14255550100' as SenderNumber }, { number: '+14255550101' as SenderNumber }],
});
const alerts = aChannel({ id: 'alerts', numbers: [{ number: '55123' as SenderNumber }] });
const general = queueSchema.parse({ id: 'general', name: 'General' });
const vip = queueSchema.parse({ id: 'vip', name: 'VIP', distribution: 'pick' });
const directory = new Directory([support, alerts], [general, vip]);

describe('the configuration held in memory', () => {
  it('lists its channels and queues in the order given', () => {
    expect(directory.channels()).toEqual([support, alerts]);
    expect(directory.queues()).toEqual([general, vip]);
  });

  it('finds the channel of each of its numbers, short codes included', () => {
    expect(directory.channelForNumber('+14255550100')).toBe(support);
    expect(directory.channelForNumber('+14255550101')).toBe(support);
    expect(directory.channelForNumber('55123')).toBe(alerts);
    expect(directory.channelForNumber('+14255550199')).toBeUndefined();
  });

  it('finds a channel and a queue by id, or says there is none', () => {
    expect(directory.findChannel('alerts')).toBe(alerts);
    expect(directory.findChannel('sales')).toBeUndefined();
    expect(directory.findQueue('vip')).toBe(vip);
    expect(directory.findQueue('sales')).toBeUndefined();
  });

  it('gives a channel and a queue it must have, or a not-found error naming the id', () => {
    expect(directory.channel('support')).toBe(support);
    expect(directory.queue('general')).toBe(general);
    expect(() => directory.channel('sales')).toThrow(new NotFoundError('unknown channel sales'));
    expect(() => directory.channel('sales')).toThrow(NotFoundError);
    expect(() => directory.queue('sales')).toThrow('unknown queue sales');
    expect(() => directory.queue('sales')).toThrow(NotFoundError);
  });

  it('is empty when the configuration is', () => {
    const empty = new Directory([], []);
    expect(empty.channels()).toEqual([]);
    expect(empty.queues()).toEqual([]);
  });
});
