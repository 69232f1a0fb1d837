import { describe, expect, it } from 'vitest';
import { keyHolder, type Principal } from '../../shared/domain/access.js';
import { conversationGroups, liveGroups, principalGroups } from '../../shared/domain/live.js';

const alice: Principal = {
  kind: 'user',
  userId: 'u-alice',
  name: 'Alice',
  roles: ['agent'],
  agentId: 'alice',
};
const sam: Principal = { kind: 'user', userId: 'u-sam', name: 'Sam', roles: ['supervisor'], agentId: null };

describe('the live groups', () => {
  it("are an agent's own, a queue's, the supervisors' and the phone simulator's", () => {
    expect(liveGroups.agent('alice')).toBe('agent.alice');
    expect(liveGroups.queue('general')).toBe('queue.general');
    expect(liveGroups.supervisors).toBe('supervisors');
    expect(liveGroups.phone).toBe('phone');
  });
});

describe("who is told of a conversation's changes", () => {
  it('its agent, its queue and the supervisors', () => {
    expect(conversationGroups({ agentId: 'alice', queueId: 'general' })).toEqual([
      'agent.alice',
      'queue.general',
      'supervisors',
    ]);
  });

  it('its queue and the supervisors while no agent has it', () => {
    expect(conversationGroups({ agentId: null, queueId: 'general' })).toEqual([
      'queue.general',
      'supervisors',
    ]);
  });
});

describe('the groups a signed-in person joins', () => {
  it("an agent joins their own and their queues'", () => {
    expect(principalGroups(alice, ['general', 'billing'], { phone: false })).toEqual([
      'agent.alice',
      'queue.general',
      'queue.billing',
    ]);
  });

  it("a supervisor joins the supervisors'; one who is also an agent joins both", () => {
    expect(principalGroups(sam, [], { phone: false })).toEqual(['supervisors']);
    expect(principalGroups({ ...alice, roles: ['agent', 'admin'] }, ['general'], { phone: false })).toEqual([
      'agent.alice',
      'queue.general',
      'supervisors',
    ]);
  });

  it("on the embedded default everyone joins the phone simulator's", () => {
    expect(principalGroups(alice, ['general'], { phone: true })).toEqual([
      'agent.alice',
      'queue.general',
      'phone',
    ]);
    expect(principalGroups(keyHolder(['notifier']), [], { phone: true })).toEqual(['phone']);
  });

  it('someone who is no agent joins no queue, whatever queues are passed', () => {
    expect(principalGroups(keyHolder(['notifier']), ['general'], { phone: false })).toEqual([]);
  });
});
