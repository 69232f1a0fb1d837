import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const alice = { user: 'alice' };

/** An agent texting a customer first, and the rules that refuse it. */
describe('conversations an agent starts', () => {
  let t: TestHost;
  const start = (body: Record<string, unknown>, as: { user: string; roles?: string } = alice) =>
    t.api('POST', 'conversations', { channelId: 'support', text: 'Hello from Contoso', ...body }, as);
  const outbox = async (to: string) =>
    (
      (await t.api('GET', `local/outbox?to=${encodeURIComponent(to)}`)).body.messages as { text: string }[]
    ).map((m) => m.text);
  const assignments = async () => (await t.api('GET', 'manage/agents/alice')).body.agent.assignments.length;

  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('opens a conversation active with the agent, sends the text, and takes the customer answer into it', async () => {
    const started = await start({ to: '+14255550140' });
    expect(started.status).toBe(201);
    expect(started.body.conversation).toMatchObject({
      state: 'active',
      agentId: 'alice',
      customer: '+14255550140',
    });
    expect(started.body.conversation.history[0]).toMatchObject({
      to: 'active',
      by: 'agent:alice',
      reason: 'started by agent',
    });
    await t.eventually(
      async () => (await outbox('+14255550140')).includes('Hello from Contoso'),
      'the text sent',
    );
    await t.api('POST', 'local/inbound', {
      from: '+14255550140',
      to: SUPPORT,
      text: 'Hi, what is it about?',
    });
    await t.eventually(async () => {
      const { body } = await t.api('GET', `conversations/${started.body.conversation.id}`, undefined, alice);
      return body.messages.length === 2;
    }, 'the answer in the same conversation');
    expect(await assignments()).toBe(1);
  });

  it.each([
    [
      'an outbound-only channel',
      { channelId: 'alerts', to: '+14255550141' },
      409,
      'channel alerts is outbound-only',
    ],
    ['a number that is not E.164', { to: '4255550141' }, 400, 'to must be in international form'],
    ['a text over 1600 characters', { to: '+14255550141', text: 'x'.repeat(1601) }, 400, 'the limit is 1600'],
    [
      'a customer with a conversation under way',
      { to: '+14255550140' },
      409,
      'the customer has a conversation under way',
    ],
    ['a queue that does not exist', { to: '+14255550141', queueId: 'nowhere' }, 404, 'unknown queue nowhere'],
  ])('refuses %s and changes nothing', async (_name, body, status, reason) => {
    const before = await assignments();
    const response = await start(body);
    expect(response.status).toBe(status);
    expect(response.body.error.message).toContain(reason);
    expect(await assignments()).toBe(before);
    expect(await outbox('+14255550141')).toEqual([]);
  });

  it('refuses a customer who opted out, saying so', async () => {
    await t.api('POST', 'local/inbound', { from: '+14255550142', to: SUPPORT, text: 'STOP' });
    await t.eventually(async () => (await outbox('+14255550142')).length === 1, 'the STOP confirmation');
    const response = await start({ to: '+14255550142' });
    expect(response.status).toBe(409);
    expect(response.body.error).toEqual({
      code: 'consent',
      message: 'the customer opted out of this channel; nothing can be sent to them',
    });
  });

  it('follows the rules the admin sets: off, only while open, not in quiet hours', async () => {
    const channel = (await t.api('GET', 'manage/channels/support')).body.channel;
    const put = (changes: Record<string, unknown>) =>
      t.api('PUT', 'manage/channels/support', { ...channel, ...changes });

    await put({ agentInitiated: { enabled: false } });
    expect((await start({ to: '+14255550143' })).body.error.message).toBe(
      'channel support does not let agents start conversations (an admin setting)',
    );

    const closed = {
      timeZone: 'UTC',
      weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    };
    await put({ agentInitiated: { enabled: true, onlyWhenOpen: true }, hours: closed });
    expect((await start({ to: '+14255550143' })).body.error.message).toBe(
      'channel support is closed now; agents start conversations on it only while it is open',
    );

    // A window that leaves out the present hour, wherever the clock is.
    const hour = new Date((await t.api('GET', 'local/clock')).body.now).getUTCHours();
    const window = hour < 12 ? { from: '12:00', to: '23:00' } : { from: '00:00', to: '11:00' };
    await put({ notificationWindow: { ...window, defaultTimeZone: 'UTC' } });
    const quiet = await start({ to: '+14255550143' });
    expect(quiet.status).toBe(409);
    expect(quiet.body.error.message).toMatch(
      new RegExp(
        `^it is \\d\\d:\\d\\d for the customer \\(UTC\\); channel support sends nothing outside ${window.from}-${window.to}`,
      ),
    );
    expect(await outbox('+14255550143')).toEqual([]);
    await put({});
  });

  it('lets a supervisor start one for a named agent, not an agent for another', async () => {
    expect((await start({ to: '+14255550144', agentId: 'bob' })).status).toBe(403);
    const forBob = await start({ to: '+14255550144', agentId: 'bob' }, { user: 'dana', roles: 'supervisor' });
    expect(forBob.status).toBe(201);
    expect(forBob.body.conversation.agentId).toBe('bob');
  });
});
