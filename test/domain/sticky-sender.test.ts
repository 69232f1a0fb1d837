import { describe, expect, it } from 'vitest';
import { stickySender } from '../../shared/domain/sticky-sender.js';

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
