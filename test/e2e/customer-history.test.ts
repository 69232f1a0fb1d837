import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';
const alice = { user: 'alice' };

/**
 * A returning customer, over HTTP: known by their mobile number, linked to their CRM record, with
 * every earlier conversation and its transcript a page at a time.
 */
describe("a customer's history and CRM link, over HTTP", () => {
  let t: TestHost;
  const ids: string[] = [];

  const aliceGets = async (text: string) => {
    await t.api('POST', 'local/inbound', { from: CUSTOMER, to: SUPPORT, text });
    const id = await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations', undefined, alice);
      return body.conversations.find((c: { id: string }) => !ids.includes(c.id))?.id as string | undefined;
    }, 'alice to be given the conversation');
    ids.push(id);
    return id;
  };

  beforeAll(async () => {
    t = await startTestHost();
    await t.api('PUT', 'agents/alice/presence', { presence: 'available' }, alice);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('an admin links a contact to its CRM record, and refuses a link that is no web address', async () => {
    const refused = await t.api('PUT', `manage/contacts/${encodeURIComponent(CUSTOMER)}`, {
      name: 'Dana Smith',
      crm: { id: 'CRM-00042', url: 'javascript:alert(1)' },
    });
    expect(refused.status).toBe(400);
    expect((await t.api('GET', `manage/contacts/${encodeURIComponent(CUSTOMER)}`)).status).toBe(404);
    const linked = await t.api('PUT', `manage/contacts/${encodeURIComponent(CUSTOMER)}`, {
      name: 'Dana Smith',
      crm: { id: 'CRM-00042', url: 'https://crm.contoso.example/contacts/00042' },
    });
    expect(linked.status).toBe(200);
    expect(linked.body.contact.crm).toEqual({
      id: 'CRM-00042',
      url: 'https://crm.contoso.example/contacts/00042',
    });
  });

  it('a returning customer is known by their number: the agent sees the name, the CRM link and the earlier conversation', async () => {
    const first = await aliceGets('My parcel is late');
    await t.api('POST', `conversations/${first}/messages`, { text: 'Let me check' }, alice);
    await t.api('POST', `conversations/${first}/end`, undefined, alice);
    await t.api('POST', `conversations/${first}/close`, undefined, alice);
    // The host's clock is manual: the customer comes back a day later.
    await t.api('POST', 'local/clock', { advanceMinutes: 24 * 60 });
    const second = await aliceGets('Me again');

    const { status, body } = await t.api('GET', `conversations/${second}`, undefined, alice);
    expect(status).toBe(200);
    expect(body.customer).toMatchObject({
      number: CUSTOMER,
      name: 'Dana Smith',
      crm: { id: 'CRM-00042', url: 'https://crm.contoso.example/contacts/00042' },
    });
    expect(body.history.map((h: { id: string }) => h.id)).toEqual([first]);
  });

  it("lists the customer's conversations newest first with their transcripts, a page at a time", async () => {
    const [first, second] = ids;
    const path = `customers/${encodeURIComponent(CUSTOMER)}/conversations`;
    const page1 = await t.api('GET', `${path}?limit=1`, undefined, alice);
    expect(page1.status).toBe(200);
    expect(page1.body.conversations.map((c: { conversation: { id: string } }) => c.conversation.id)).toEqual([
      second,
    ]);
    expect(page1.body.conversations[0].messages.map((m: { text: string }) => m.text)).toEqual(['Me again']);
    const page2 = await t.api('GET', `${path}?limit=1&before=${page1.body.next}`, undefined, alice);
    expect(page2.body.conversations[0].conversation.id).toBe(first);
    expect(page2.body.conversations[0].messages.map((m: { text: string }) => m.text)).toEqual([
      'My parcel is late',
      'Let me check',
    ]);
    const onSupport = await t.api('GET', `${path}?channelId=support`, undefined, alice);
    expect(onSupport.body.conversations).toHaveLength(2);
    expect(onSupport.body.next).toBeUndefined();
  });

  it('answers a bad request with a clear error', async () => {
    const path = `customers/${encodeURIComponent(CUSTOMER)}/conversations`;
    expect((await t.api('GET', `${path}?limit=0`, undefined, alice)).status).toBe(400);
    expect((await t.api('GET', `${path}?before=nonsense`, undefined, alice)).status).toBe(400);
    expect((await t.api('GET', `${path}?channelId=nowhere`, undefined, alice)).status).toBe(404);
    expect((await t.api('GET', 'customers/not-a-number/conversations', undefined, alice)).status).toBe(400);
    expect((await t.api('GET', path, undefined, null)).status).toBe(401);
  });
});
