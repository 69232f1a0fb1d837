import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const alice = { user: 'alice' };
const bob = { user: 'bob' };

/** Quick replies through the local host: managed by role, offered filled in a conversation. */
describe('quick replies, end to end', () => {
  let t: TestHost;
  let conversationId = '';
  let caseNumber = '';
  let personalId = '';

  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(async () => {
    await t.stop();
  });

  it("an admin adds the organization's (localized); an agent may not", async () => {
    const body = {
      scope: 'organization',
      name: 'Case number',
      texts: { en: 'Your case number is {caseNumber}.', es: 'Su número de caso es {caseNumber}.' },
    };
    const created = await t.api('POST', 'quick-replies', body);
    expect(created.status).toBe(201);
    expect(created.body.quickReply).toMatchObject({ scope: 'organization', variables: ['caseNumber'] });
    expect((await t.api('POST', 'quick-replies', body, alice)).status).toBe(403);
    const bad = await t.api('POST', 'quick-replies', { ...body, texts: 'Next opening {nextOpening}' });
    expect(bad.status).toBe(400);
  });

  it('an agent adds their own, changes it, and no other agent sees or reaches it', async () => {
    const created = await t.api(
      'POST',
      'quick-replies',
      { scope: 'personal', name: 'Hello', texts: 'Hi, {agentName} from {channelName} here.' },
      alice,
    );
    expect(created.status).toBe(201);
    personalId = created.body.quickReply.id;
    const changed = await t.api(
      'PUT',
      `quick-replies/personal/${personalId}`,
      { name: 'Hello', texts: 'Hi, this is {agentName} from {channelName}.' },
      alice,
    );
    expect(changed.status).toBe(200);
    expect((await t.api('GET', 'quick-replies', undefined, bob)).body.personal).toEqual([]);
    expect((await t.api('DELETE', `quick-replies/personal/${personalId}`, undefined, bob)).status).toBe(404);
    const listed = (await t.api('GET', 'quick-replies', undefined, alice)).body;
    expect(listed.personal.map((r: { id: string }) => r.id)).toEqual([personalId]);
    expect(listed.organization).toHaveLength(1);
  });

  it('offers them filled for a conversation, in the order the composer shows them', async () => {
    const started = await t.api(
      'POST',
      'conversations',
      { channelId: 'support', to: '+14255550170', text: 'Hello from Contoso' },
      alice,
    );
    conversationId = started.body.conversation.id;
    caseNumber = started.body.conversation.caseNumber;
    const offered = await t.api('GET', `conversations/${conversationId}/quick-replies`, undefined, alice);
    expect(offered.status).toBe(200);
    expect(offered.body.quickReplies.map((r: { text: string }) => r.text)).toEqual([
      'Hi, this is Alice from Customer support.',
      `Your case number is ${caseNumber}.`,
    ]);
  });

  it('an agent deletes their own; a picked text is sent as any reply', async () => {
    expect((await t.api('DELETE', `quick-replies/personal/${personalId}`, undefined, alice)).status).toBe(
      204,
    );
    const offered = await t.api('GET', `conversations/${conversationId}/quick-replies`, undefined, alice);
    expect(offered.body.quickReplies).toHaveLength(1);
    const reply = await t.api(
      'POST',
      `conversations/${conversationId}/messages`,
      { text: offered.body.quickReplies[0].text },
      alice,
    );
    expect(reply.status).toBe(202);
  });
});
