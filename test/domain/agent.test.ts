import { describe, expect, it } from 'vitest';
import { canTakeWork, freeCapacity, hasSkills } from '../../shared/domain/agent.js';
import { anAgent } from '../support/builders.js';

const holding = (count: number) =>
  Array.from({ length: count }, (_, n) => ({
    conversationId: `conv-${n}`,
    since: '2026-11-23T09:00:00.000Z',
  }));

describe("an agent's free capacity", () => {
  it('is their capacity less the conversations they hold', () => {
    expect(freeCapacity(anAgent({ capacity: 3, assignments: holding(1) }))).toBe(2);
    expect(freeCapacity(anAgent({ capacity: 3, assignments: holding(3) }))).toBe(0);
  });
});

describe("an agent's skills", () => {
  it('cover what a conversation requires when they have every skill asked for', () => {
    const agent = anAgent({ skills: ['french', 'billing'] });
    expect(hasSkills(agent, ['billing'])).toBe(true);
    expect(hasSkills(agent, ['billing', 'french'])).toBe(true);
    expect(hasSkills(agent, ['billing', 'spanish'])).toBe(false);
  });

  it('cover a conversation that requires none, even when they have none', () => {
    expect(hasSkills(anAgent())).toBe(true);
    expect(hasSkills(anAgent(), [])).toBe(true);
    expect(hasSkills(anAgent(), ['billing'])).toBe(false);
  });
});

describe('whether an agent can take a conversation', () => {
  const ready = anAgent({ capacity: 2, queueIds: ['general'], presence: 'available', skills: ['billing'] });

  it('they can when available, in its queue, with room and the skills it requires', () => {
    expect(canTakeWork(ready, 'general')).toBe(true);
    expect(canTakeWork(ready, 'general', ['billing'])).toBe(true);
    expect(canTakeWork({ ...ready, assignments: holding(1) }, 'general')).toBe(true);
  });

  it.each(['busy', 'away', 'offline'] as const)('they cannot when %s', (presence) => {
    expect(canTakeWork({ ...ready, presence }, 'general')).toBe(false);
  });

  it('they cannot take work from a queue they are not in', () => {
    expect(canTakeWork(ready, 'vip')).toBe(false);
  });

  it('they cannot at full capacity', () => {
    expect(canTakeWork({ ...ready, assignments: holding(2) }, 'general')).toBe(false);
  });

  it('they cannot without a skill it requires', () => {
    expect(canTakeWork(ready, 'general', ['french'])).toBe(false);
  });
});
