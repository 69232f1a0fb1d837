import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import {
  deleteContact,
  getContact,
  listContacts,
  putContact,
} from '../../shared/use-cases/admin-contacts.js';
import { aConversation, aCustomerState, CUSTOMER, OTHER_CUSTOMER } from '../support/builders.js';
import { coreHarness } from '../support/core.js';
import { refusal } from '../support/thrown.js';

describe('an admin keeping contacts', () => {
  it('creates a contact by its mobile number, dated now', async () => {
    const h = coreHarness();
    const contact = await putContact(h.deps, '+1 425 555 0123', { name: 'Ada Lovelace', language: 'en' });
    expect(contact).toEqual({
      number: CUSTOMER,
      name: 'Ada Lovelace',
      language: 'en',
      attributes: {},
      createdAt: '2026-11-23T09:00:00.000Z',
      updatedAt: '2026-11-23T09:00:00.000Z',
    });
    expect(await getContact(h.deps, CUSTOMER)).toEqual(contact);
  });

  it('replaces a contact, keeping when it was created', async () => {
    const h = coreHarness();
    await putContact(h.deps, CUSTOMER, { name: 'Ada Lovelace' });
    h.clock.advance(60_000);
    const replaced = await putContact(h.deps, CUSTOMER, { number: CUSTOMER, name: 'Ada King' });
    expect(replaced).toMatchObject({
      name: 'Ada King',
      createdAt: '2026-11-23T09:00:00.000Z',
      updatedAt: '2026-11-23T09:01:00.000Z',
    });
    expect((await h.store.getContact(CUSTOMER))?.value).toEqual(replaced);
  });

  it('refuses a body naming another number than the address', async () => {
    const h = coreHarness();
    const error = (await refusal(() =>
      putContact(h.deps, CUSTOMER, { number: OTHER_CUSTOMER, name: 'Ada' }),
    )) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe(`the body's number is not ${CUSTOMER}, the number in the address`);
    expect(error.issues).toEqual([{ path: 'number', message: `must be ${CUSTOMER} or absent` }]);
    expect(await h.store.getContact(CUSTOMER)).toBeUndefined();
  });

  it('refuses a body that is not a contact', async () => {
    const h = coreHarness();
    for (const body of ['Ada', null, { name: '' }]) {
      const error = await refusal(() => putContact(h.deps, CUSTOMER, body));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/^the contact is invalid/);
    }
  });

  it('refuses a body that is no object as a whole, not for a name it lacks', async () => {
    const h = coreHarness();
    for (const body of ['Ada Lovelace', null, 42]) {
      const error = (await refusal(() => putContact(h.deps, CUSTOMER, body))) as ValidationError;
      expect(error.issues).toEqual([
        { path: '(root)', message: expect.stringMatching(/^Invalid input: expected object/) },
      ]);
    }
    expect(await h.store.getContact(CUSTOMER)).toBeUndefined();
  });

  it('refuses an address that is no mobile number, calling it the number', async () => {
    const h = coreHarness();
    for (const action of [
      () => getContact(h.deps, 'call me'),
      () => putContact(h.deps, 'call me', { name: 'Ada' }),
      () => deleteContact(h.deps, 'call me'),
    ]) {
      const error = await refusal(action);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/^number /);
    }
  });

  it('says when no contact has the number', async () => {
    const h = coreHarness();
    for (const action of [() => getContact(h.deps, CUSTOMER), () => deleteContact(h.deps, CUSTOMER)]) {
      const error = await refusal(action);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe(`no contact has the number ${CUSTOMER}`);
    }
  });

  it('lists contacts in number order, a page at a time', async () => {
    const h = coreHarness();
    for (const last of ['5', '3', '1', '4', '2']) {
      await putContact(h.deps, `+1425555010${last}`, { name: `Customer ${last}` });
    }
    const first = await listContacts(h.deps, { limit: 2 });
    expect(first.contacts.map((c) => c.number)).toEqual(['+14255550101', '+14255550102']);
    expect(first.next).toBe('+14255550102');
    const second = await listContacts(h.deps, { after: first.next, limit: 2 });
    expect(second.contacts.map((c) => c.number)).toEqual(['+14255550103', '+14255550104']);
    const last = await listContacts(h.deps, { after: second.next, limit: 2 });
    expect(last).toEqual({
      contacts: [expect.objectContaining({ number: '+14255550105' })],
      next: undefined,
    });
    const all = await listContacts(h.deps, {});
    expect(all.contacts).toHaveLength(5);
    expect(all.next).toBeUndefined();
  });

  it.each([0, 1001, 1.5])('refuses a page of %d contacts', async (limit) => {
    const h = coreHarness();
    const error = (await refusal(() => listContacts(h.deps, { limit }))) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('limit is a whole number from 1 to 1000');
    expect(error.issues).toEqual([{ path: 'limit', message: 'out of range' }]);
  });

  it('takes pages of 1 and of 1000', async () => {
    const h = coreHarness();
    await putContact(h.deps, CUSTOMER, { name: 'Ada' });
    expect((await listContacts(h.deps, { limit: 1 })).next).toBe(CUSTOMER);
    expect((await listContacts(h.deps, { limit: 1000 })).next).toBeUndefined();
  });

  it('deletes a contact and the name it gave the conversations, on every channel; the rest stays', async () => {
    const h = coreHarness();
    await putContact(h.deps, CUSTOMER, { name: 'Ada Lovelace' });
    await h.store.putCustomer(aCustomerState({ channelId: 'support' }), null);
    await h.store.putCustomer(aCustomerState({ channelId: 'alerts' }), null);
    await h.store.createConversation(aConversation({ id: 'c1', customerName: 'Ada Lovelace' }));
    await h.store.createConversation(
      aConversation({ id: 'c2', channelId: 'alerts', state: 'closed', customerName: 'Ada Lovelace' }),
    );
    await h.store.createConversation(aConversation({ id: 'c3', state: 'closed' }));
    await h.store.createConversation(
      aConversation({ id: 'c4', customer: OTHER_CUSTOMER, customerName: 'Grace Hopper' }),
    );
    await deleteContact(h.deps, CUSTOMER);
    expect(await h.store.getContact(CUSTOMER)).toBeUndefined();
    const c1 = (await h.store.getConversation('c1'))?.value;
    expect(c1).toEqual(aConversation({ id: 'c1' }));
    expect(c1).not.toHaveProperty('customerName');
    expect((await h.store.getConversation('c2'))?.value).not.toHaveProperty('customerName');
    expect((await h.store.getConversation('c2'))?.value.state).toBe('closed');
    expect((await h.store.getConversation('c4'))?.value.customerName).toBe('Grace Hopper');
  });

  it('writes no conversation that has no name to take out', async () => {
    const h = coreHarness();
    await putContact(h.deps, CUSTOMER, { name: 'Ada Lovelace' });
    await h.store.putCustomer(aCustomerState(), null);
    await h.store.createConversation(aConversation({ id: 'c3', state: 'closed' }));
    const before = await h.store.getConversation('c3');
    let writes = 0;
    const replace = h.store.replaceConversation.bind(h.store);
    h.store.replaceConversation = async (conversation, etag) => {
      writes += 1;
      return replace(conversation, etag);
    };
    await deleteContact(h.deps, CUSTOMER);
    expect(writes).toBe(0);
    expect(await h.store.getConversation('c3')).toEqual(before);
  });

  it('leaves alone a conversation whose name went, or that went, since it was found', async () => {
    const h = coreHarness();
    await putContact(h.deps, CUSTOMER, { name: 'Ada Lovelace' });
    await h.store.putCustomer(aCustomerState(), null);
    await h.store.createConversation(aConversation({ id: 'c1', state: 'closed' }));
    // The search still shows the name, and a conversation erased meanwhile.
    h.store.findCustomerConversations = async () => [
      { value: aConversation({ id: 'c1', state: 'closed', customerName: 'Ada Lovelace' }), etag: 'old' },
      { value: aConversation({ id: 'c9', state: 'closed', customerName: 'Ada Lovelace' }), etag: 'old' },
    ];
    let writes = 0;
    const replace = h.store.replaceConversation.bind(h.store);
    h.store.replaceConversation = async (conversation, etag) => {
      writes += 1;
      return replace(conversation, etag);
    };
    await deleteContact(h.deps, CUSTOMER);
    expect(writes).toBe(0);
    expect(await h.store.getContact(CUSTOMER)).toBeUndefined();
  });
});
