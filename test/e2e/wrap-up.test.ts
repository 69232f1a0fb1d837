import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const alice = { user: 'alice' };
const dana = { user: 'dana', roles: 'supervisor' };

/** Wrap-up codes through the local host: the admin's list, the agent's end, history and figures. */
describe('wrap-up codes and notes, end to end', () => {
  let t: TestHost;
  const start = async (to: string) => {
    const started = await t.api(
      'POST',
      'conversations',
      { channelId: 'support', to, text: 'Hello from Contoso' },
      alice,
    );
    expect(started.status).toBe(201);
    return started.body.conversation.id as string;
  };
  const end = (id: string, body: Record<string, unknown>) =>
    t.api('POST', `conversations/${id}/end`, body, alice);

  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('an admin sets the queue list on manage/queues, required', async () => {
    const queue = (await t.api('GET', 'manage/queues/general')).body.queue;
    const put = await t.api('PUT', 'manage/queues/general', {
      ...queue,
      wrapUp: {
        codes: [
          { code: 'resolved', label: 'Resolved' },
          { code: 'callback', label: 'Call back' },
        ],
        required: true,
      },
    });
    expect(put.status).toBe(200);
    expect((await t.api('GET', 'manage/queues/general')).body.queue.wrapUp.required).toBe(true);
    const bad = await t.api('PUT', 'manage/queues/general', {
      ...queue,
      wrapUp: { codes: [], required: true },
    });
    expect(bad.status).toBe(400);
  });

  it("an agent's GET queues gives the list and that it is required, as the End dialog shows it", async () => {
    const queues = (await t.api('GET', 'queues', undefined, alice)).body.queues;
    expect(queues.find((q: { id: string }) => q.id === 'general').wrapUp).toEqual({
      codes: [
        { code: 'resolved', label: 'Resolved' },
        { code: 'callback', label: 'Call back' },
      ],
      required: true,
    });
  });

  it('refuses an end without a code or with one not in the list (400), and the conversation stays active', async () => {
    const id = await start('+14255550160');
    const missing = await end(id, { note: 'done' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('requires a wrap-up code');
    const unknown = await end(id, { wrapUpCode: 'lost' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain(
      "wrap-up code lost is not in queue general's list: resolved, callback",
    );
    expect((await t.api('GET', `conversations/${id}`, undefined, alice)).body.conversation.state).toBe(
      'active',
    );
  });

  it('ends with a code and a note, shown in the conversation read and counted in the figures', async () => {
    const id = await start('+14255550161');
    const ended = await end(id, { wrapUpCode: 'callback', note: 'Customer wants a call on Monday' });
    expect(ended.status).toBe(200);
    expect(ended.body.conversation).toMatchObject({
      state: 'wrap-up',
      wrapUp: {
        code: 'callback',
        label: 'Call back',
        note: 'Customer wants a call on Monday',
        by: 'agent:alice',
      },
    });
    const read = await t.api('GET', `conversations/${id}`, undefined, alice);
    expect(read.body.conversation.wrapUp).toMatchObject({
      code: 'callback',
      note: 'Customer wants a call on Monday',
    });
    const figures = await t.api('GET', 'figures', undefined, dana);
    expect(figures.body.queues.find((q: { queueId: string }) => q.queueId === 'general').wrapUpCodes).toEqual(
      {
        callback: 1,
      },
    );
  });
});
