import { describe, expect, it } from 'vitest';
import { pickSenders, stickySender } from '../../shared/domain/sticky-sender.js';

const pool = ['+14255550100', '+14255550101', '+14255550102', '+14255550103'];
const customers = Array.from({ length: 400 }, (_, n) => `+1425555${String(1000 + n).padStart(4, '0')}`);

describe('the number of a pool a recipient hears from', () => {
  it('is the same every time', () => {
    expect(stickySender(pool, '+14255550123')).toBe(stickySender(pool, '+14255550123'));
    expect(stickySender([...pool].reverse(), '+14255550123')).toBe(stickySender(pool, '+14255550123'));
  });

  it('stays the same across releases: the number whose SHA-256 of "<number>\\n<recipient>" is highest', () => {
    // Changing the choice would move every recipient to another number on the next deployment.
    expect(stickySender(pool, '+14255550123')).toBe('+14255550100');
    expect(stickySender(pool, '+14255550125')).toBe('+14255550103');
    expect(stickySender(pool, '+14255550126')).toBe('+14255550101');
  });

  it('is the only number of a pool of one', () => {
    expect(stickySender(['+14255550100'], '+14255550123')).toBe('+14255550100');
  });

  it('spreads recipients evenly over the pool', () => {
    const counts = new Map<string, number>();
    for (const customer of customers) {
      const sender = stickySender(pool, customer);
      counts.set(sender, (counts.get(sender) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(pool);
    for (const count of counts.values()) expect(count).toBeGreaterThan(60);
  });

  it('moves only the recipients a new number takes over, about one in the new size', () => {
    const before = customers.map((customer) => stickySender(pool, customer));
    const grown = [...pool, '+14255550104'];
    const after = customers.map((customer) => stickySender(grown, customer));
    const moved = after.filter((sender, n) => sender !== before[n]);
    expect(moved.every((sender) => sender === '+14255550104')).toBe(true);
    expect(moved.length).toBeGreaterThan(40);
    expect(moved.length).toBeLessThan(130);
  });

  it('cannot be chosen from an empty pool', () => {
    expect(() => stickySender([], '+14255550123')).toThrow('a pool of numbers cannot be empty');
  });
});

/** The senders `pickSenders` answers, in the recipients' order. */
const sendersOf = (numbers: readonly string[], needs: Parameters<typeof pickSenders>[1]) => [
  ...pickSenders(numbers, needs).values(),
];

describe("the senders of one notification's recipients", () => {
  const countBy = (senders: string[]) => {
    const counts = new Map<string, number>();
    for (const sender of senders) counts.set(sender, (counts.get(sender) ?? 0) + 1);
    return counts;
  };

  it('give no number more than its share of the recipients heard from for the first time', () => {
    // 102 over 4: a share is 26, so the pool is done when its busiest number has sent 26.
    const counts = countBy(
      sendersOf(
        pool,
        customers.slice(0, 102).map((to) => ({ to })),
      ),
    );
    expect([...counts.keys()].sort()).toEqual(pool);
    for (const count of counts.values()) expect(count).toBeLessThanOrEqual(26);
  });

  it('give most recipients the number the hash scores highest for them, the others its next', () => {
    const senders = sendersOf(
      pool,
      customers.map((to) => ({ to })),
    );
    const first = customers.filter((to, n) => senders[n] === stickySender(pool, to));
    expect(first.length).toBeGreaterThan(customers.length * 0.8);
    expect([...countBy(senders).values()]).toEqual([100, 100, 100, 100]);
  });

  it('give a recipient alone the number the hash scores highest for them', () => {
    for (const to of customers.slice(0, 20))
      expect(sendersOf(pool, [{ to }])).toEqual([stickySender(pool, to)]);
  });

  it('keep the number a recipient heard from before, even past its share', () => {
    const needs = customers.slice(0, 8).map((to) => ({ to, remembered: '+14255550102' }));
    expect(sendersOf(pool, needs)).toEqual(needs.map(() => '+14255550102'));
  });

  it('fill the other numbers first when the remembered ones hold more than their share', () => {
    const remembered = customers.slice(0, 4).map((to) => ({ to, remembered: '+14255550100' }));
    const fresh = customers.slice(4, 8).map((to) => ({ to }));
    const senders = sendersOf(pool, [...remembered, ...fresh]);
    expect(senders.slice(0, 4)).toEqual(['+14255550100', '+14255550100', '+14255550100', '+14255550100']);
    expect(countBy(senders.slice(4)).get('+14255550100')).toBeUndefined();
  });

  it('choose anew for a recipient whose number left the pool', () => {
    const [to = ''] = customers;
    expect(sendersOf(pool, [{ to, remembered: '+14255550199' }])).toEqual([stickySender(pool, to)]);
  });

  it('cannot be chosen from an empty pool', () => {
    expect(() => pickSenders([], [{ to: '+14255550123' }])).toThrow('a pool of numbers cannot be empty');
  });

  it('cannot be shared over a pool that lists a number twice (configuration refuses one)', () => {
    const twice = ['+14255550100', '+14255550100'];
    expect(() =>
      pickSenders(
        twice,
        customers.slice(0, 3).map((to) => ({ to })),
      ),
    ).toThrow('a pool of numbers cannot list a number twice');
  });

  it('are answered by recipient', () => {
    const [first = '', second = ''] = customers;
    const picks = pickSenders(pool, [{ to: first }, { to: second, remembered: '+14255550103' }]);
    expect(picks.get(first)).toBe(stickySender(pool, first));
    expect(picks.get(second)).toBe('+14255550103');
  });
});
