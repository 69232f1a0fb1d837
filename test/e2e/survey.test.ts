import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';

/** The survey over HTTP: the customer's reply is its answer, seen on the conversation. */
describe('a survey answered by text, over HTTP', () => {
  let t: TestHost;

  beforeAll(async () => {
    t = await startTestHost(
      {},
      {
        channels: [
          {
            id: 'support',
            name: 'Support',
            numbers: [SUPPORT],
            provider: 'local',
            defaultQueueId: 'general',
            automatedMessages: { greeting: { enabled: true }, survey: { enabled: true } },
          },
        ],
        queues: [{ id: 'general', name: 'General' }],
        agents: [{ id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'], presence: 'available' }],
      },
    );
  });
  afterAll(async () => {
    await t.stop();
  });

  const outbox = async () =>
    (await t.api('GET', `local/outbox?to=${encodeURIComponent(CUSTOMER)}`)).body.messages.map(
      (m: { text: string }) => m.text,
    );

  it('records "5 - merci" on the closed conversation and opens no new one', async () => {
    await t.api('POST', 'local/inbound', { from: CUSTOMER, to: SUPPORT, text: 'Où est mon colis ?' });
    const [mine] = await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations');
      return body.conversations.length === 1 && body.conversations;
    }, 'the conversation at alice');
    const closed = await t.api('POST', `conversations/${mine.id}/close`, { agentId: 'alice' });
    expect(closed.status).toBe(200);
    await t.eventually(
      async () => (await outbox()).some((m: string) => m.startsWith('How did we do?')),
      'survey',
    );
    const said = (await outbox()).length;

    await t.api('POST', 'local/inbound', { from: CUSTOMER, to: SUPPORT, text: '5 - merci' });
    const answered = await t.eventually(async () => {
      const { body } = await t.api('GET', `conversations/${mine.id}`);
      return body.conversation.survey?.answeredAt && body;
    }, 'the answer on the conversation');

    expect(answered.conversation.state).toBe('closed');
    expect(answered.messages.at(-1)).toMatchObject({ direction: 'inbound', text: '5 - merci' });
    expect(answered.conversation.survey).toEqual({
      sentAt: expect.any(String),
      answeredAt: expect.any(String),
      score: 5,
      messageId: answered.messages.at(-1).id,
    });
    await t.settle();
    expect((await t.api('GET', 'agents/alice/conversations')).body.conversations).toEqual([]);
    expect((await t.api('GET', 'queues/general/conversations')).body.conversations).toEqual([]);
    expect(await outbox()).toHaveLength(said);
  });
});
