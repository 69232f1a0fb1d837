import { describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/domain/access.js';
import { makeQuickReply, resolveQuickReply } from '../../shared/domain/quick-reply.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import {
  createQuickReply,
  deleteQuickReply,
  listQuickReplies,
  quickRepliesForConversation,
  updateQuickReply,
} from '../../shared/use-cases/quick-replies.js';
import { aConversation } from '../support/builders.js';
import { coreHarness } from '../support/core.js';

const person = (name: string, roles: Principal['roles'], agentId: string | null): Principal => ({
  kind: 'user',
  userId: name,
  name,
  roles,
  agentId,
});
const admin = person('admin', ['admin'], null);
const alice = person('alice', ['agent'], 'alice');
const bob = person('bob', ['agent'], 'bob');
const dana = person('dana', ['supervisor'], null);

const thanks = {
  name: 'Thanks',
  texts: {
    en: 'Thanks {customerName}, this is {agentName} from {channelName}. Your case is {caseNumber}.',
    fr: 'Merci {customerName}, ici {agentName} de {channelName}. Votre dossier : {caseNumber}.',
  },
};

describe('quick replies: who manages which', () => {
  it("admins create, change and delete the organization's; agents may not", async () => {
    const h = coreHarness();
    const created = await createQuickReply(h.deps, admin, { scope: 'organization', ...thanks });
    expect(created).toMatchObject({
      scope: 'organization',
      name: 'Thanks',
      defaultLanguage: 'en',
      variables: ['customerName', 'agentName', 'channelName', 'caseNumber'],
      updatedBy: 'admin',
    });
    expect(created).not.toHaveProperty('agentId');
    await expect(
      createQuickReply(h.deps, alice, { scope: 'organization', ...thanks }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updateQuickReply(h.deps, alice, 'organization', created.id, thanks)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(deleteQuickReply(h.deps, dana, 'organization', created.id)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const renamed = await updateQuickReply(h.deps, admin, 'organization', created.id, {
      ...thanks,
      name: 'Thank you',
    });
    expect(renamed.name).toBe('Thank you');
    await deleteQuickReply(h.deps, admin, 'organization', created.id);
    expect((await listQuickReplies(h.deps, alice)).organization).toEqual([]);
  });

  it('an agent manages only their own: another agent neither sees nor reaches them', async () => {
    const h = coreHarness();
    const mine = await createQuickReply(h.deps, alice, {
      scope: 'personal',
      name: 'Sign-off',
      texts: 'Have a good day!',
    });
    expect(mine).toMatchObject({ scope: 'personal', agentId: 'alice', texts: { en: 'Have a good day!' } });
    expect((await listQuickReplies(h.deps, alice)).personal.map((r) => r.id)).toEqual([mine.id]);
    expect((await listQuickReplies(h.deps, bob)).personal).toEqual([]);
    await expect(updateQuickReply(h.deps, bob, 'personal', mine.id, thanks)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(deleteQuickReply(h.deps, bob, 'personal', mine.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await listQuickReplies(h.deps, alice)).personal).toHaveLength(1);
    await expect(createQuickReply(h.deps, admin, { scope: 'personal', ...thanks })).rejects.toThrow(
      'signs in as no agent',
    );
  });

  it('refuses a variable automated messages do not offer a reply, an unknown scope, and a bad language', async () => {
    const h = coreHarness();
    await expect(
      createQuickReply(h.deps, admin, {
        scope: 'organization',
        name: 'Where',
        texts: 'You are number {position}',
      }),
    ).rejects.toThrow(
      'uses {position}; a quick reply may use {customerName}, {agentName}, {channelName}, {caseNumber}, {queueName}',
    );
    await expect(createQuickReply(h.deps, admin, { scope: 'team', ...thanks })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      createQuickReply(h.deps, admin, { scope: 'organization', name: 'x', texts: { english: 'Hi' } }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect((await listQuickReplies(h.deps, admin)).organization).toEqual([]);
  });

  it('keeps an agent to 50 of their own', async () => {
    const h = coreHarness();
    for (let n = 0; n < 50; n += 1)
      await createQuickReply(h.deps, alice, { scope: 'personal', name: `Reply ${n}`, texts: 'Hello' });
    await expect(
      createQuickReply(h.deps, alice, { scope: 'personal', name: 'One more', texts: 'Hello' }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('quick replies: what a refusal says', () => {
  it('names the scope it does not know, and the field, however the scope was given', async () => {
    const h = coreHarness();
    await expect(createQuickReply(h.deps, admin, { scope: 'team', ...thanks })).rejects.toMatchObject({
      message: 'scope must be organization or personal, not team',
      issues: [{ path: 'scope', message: 'organization or personal' }],
    });
    await expect(createQuickReply(h.deps, admin, { ...thanks })).rejects.toThrow(
      'scope must be organization or personal, not undefined',
    );
    await expect(createQuickReply(h.deps, admin, { scope: 7, ...thanks })).rejects.toThrow(
      'scope must be organization or personal, not 7',
    );
    await expect(createQuickReply(h.deps, admin, null)).rejects.toThrow(
      'scope must be organization or personal, not undefined',
    );
    await expect(updateQuickReply(h.deps, admin, 'everyone', 'q-1', thanks)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("tells an agent the organization's quick replies are for admins", async () => {
    const h = coreHarness();
    await expect(createQuickReply(h.deps, alice, { scope: 'organization', ...thanks })).rejects.toThrow(
      "the organization's quick replies are managed by admins",
    );
  });

  it('names the first problem of an invalid quick reply', async () => {
    const h = coreHarness();
    await expect(
      createQuickReply(h.deps, alice, { scope: 'personal', name: '', texts: 'Hello' }),
    ).rejects.toThrow(/^the quick reply is invalid: name: \S/);
  });

  it('names the scope and the id of a quick reply that is not there', async () => {
    const h = coreHarness();
    await expect(updateQuickReply(h.deps, alice, 'personal', 'q-9', thanks)).rejects.toThrow(
      'there is no personal quick reply q-9',
    );
    await expect(deleteQuickReply(h.deps, admin, 'organization', 'q-9')).rejects.toThrow(
      'there is no organization quick reply q-9',
    );
  });

  it('keeps the organization to 200, counting only its own, and says so', async () => {
    const h = coreHarness();
    // Written straight to the store: the limit is what is under test, not 200 creations.
    for (let n = 0; n < 199; n += 1) {
      const reply = makeQuickReply(
        { id: `org-${n}`, scope: 'organization' },
        { name: `Reply ${n}`, texts: 'Hello', defaultLanguage: 'en' },
        '2026-11-23T09:00:00.000Z',
        'admin',
      );
      await h.store.putQuickReply(reply, null);
    }
    for (let n = 0; n < 50; n += 1)
      await createQuickReply(h.deps, alice, { scope: 'personal', name: `Mine ${n}`, texts: 'Hello' });
    const last = await createQuickReply(h.deps, admin, { scope: 'organization', name: 'Last', texts: 'Hi' });
    expect(last.name).toBe('Last');
    await expect(
      createQuickReply(h.deps, admin, { scope: 'organization', name: 'One more', texts: 'Hello' }),
    ).rejects.toThrow('there are 200 organization quick replies already; the limit is 200');
    await expect(
      createQuickReply(h.deps, alice, { scope: 'personal', name: 'One more', texts: 'Hello' }),
    ).rejects.toThrow('there are 50 personal quick replies already; the limit is 50');
  });
});

describe('quick replies offered in a conversation', () => {
  async function aliceServing(customerName?: string, language?: string) {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', name: 'Alice Martin' });
    await h.addAgent({ id: 'bob', name: 'Bob', queueIds: ['billing'] });
    const outcome = await receiveInbound(h.deps, h.sms({ text: 'Hello?' }));
    if (outcome.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');
    const stored = await h.store.getConversation(outcome.conversationId);
    if (!stored) throw new Error('no conversation');
    const changed = {
      ...stored.value,
      ...(customerName ? { customerName } : {}),
      ...(language ? { language } : {}),
    };
    await h.store.replaceConversation(changed, stored.etag);
    return { h, conversation: changed };
  }

  it("fills the variables for this conversation, in the customer's language, the agent's own first", async () => {
    const { h, conversation } = await aliceServing('Jeanne', 'fr-CA');
    await createQuickReply(h.deps, admin, { scope: 'organization', ...thanks });
    await createQuickReply(h.deps, alice, {
      scope: 'personal',
      name: 'Queue',
      texts: 'You are with {queueName}.',
    });
    const offered = await quickRepliesForConversation(h.deps, alice, conversation.id);
    expect(offered.map((r) => [r.scope, r.name, r.language, r.text])).toEqual([
      ['personal', 'Queue', 'en', 'You are with General.'],
      [
        'organization',
        'Thanks',
        'fr',
        `Merci Jeanne, ici Alice Martin de Support. Votre dossier : ${conversation.caseNumber}.`,
      ],
    ]);
  });

  it('leaves out a customer name we do not have, tidying the text as automated messages do', async () => {
    const { h, conversation } = await aliceServing();
    await createQuickReply(h.deps, admin, { scope: 'organization', ...thanks });
    const [offered] = await quickRepliesForConversation(h.deps, alice, conversation.id);
    expect(offered?.text).toBe(
      `Thanks, this is Alice Martin from Support. Your case is ${conversation.caseNumber}.`,
    );
  });

  it('is refused to an agent of another queue', async () => {
    const { h, conversation } = await aliceServing();
    await expect(quickRepliesForConversation(h.deps, bob, conversation.id)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('a supervisor gets them filled with the name of the agent who has the conversation', async () => {
    const { h, conversation } = await aliceServing('Jeanne');
    await createQuickReply(h.deps, admin, {
      scope: 'organization',
      name: 'Me',
      texts: 'This is {agentName}.',
    });
    expect((await quickRepliesForConversation(h.deps, dana, conversation.id))[0]?.text).toBe(
      'This is Alice Martin.',
    );
  });
});

describe('quick replies offered in a conversation whose channel or queue is gone', () => {
  /** A conversation on a channel and in a queue removed from the configuration since. */
  async function retiredConversation(agentId: string | null) {
    const h = coreHarness();
    const conversation = aConversation({
      id: 'conv-old',
      channelId: 'legacy',
      queueId: 'retired',
      caseNumber: 'CAS-1001',
      agentId,
    });
    await h.store.createConversation(conversation);
    return { h, conversation };
  }

  it('names the channel by its id, and leaves out (and logs) one that needs the queue name', async () => {
    const { h } = await retiredConversation(null);
    const where = await createQuickReply(h.deps, admin, {
      scope: 'organization',
      name: 'Where',
      texts: 'You are with {queueName}.',
    });
    await createQuickReply(h.deps, admin, {
      scope: 'organization',
      name: 'Hello',
      texts: { fr: 'Bonjour de {channelName}', en: 'Hello from {channelName}, case {caseNumber}' },
    });
    const offered = await quickRepliesForConversation(h.deps, dana, 'conv-old');
    expect(offered.map((r) => [r.name, r.language, r.text])).toEqual([
      ['Hello', 'en', 'Hello from legacy, case CAS-1001'],
    ]);
    const unfilled = h.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.event === 'quick-reply.unfilled');
    expect(unfilled).toMatchObject([
      {
        level: 'warn',
        quickReplyId: where.id,
        conversationId: 'conv-old',
        error: expect.stringContaining('queueName'),
      },
    ]);
  });

  it('says "one of our agents" when the agent who has it is no longer on record', async () => {
    const { h } = await retiredConversation('gone');
    await createQuickReply(h.deps, admin, {
      scope: 'organization',
      name: 'Me',
      texts: 'This is {agentName}.',
    });
    const [offered] = await quickRepliesForConversation(h.deps, dana, 'conv-old');
    expect(offered?.text).toBe('This is one of our agents.');
  });

  it('is not found for a conversation that does not exist', async () => {
    const h = coreHarness();
    await expect(quickRepliesForConversation(h.deps, dana, 'conv-none')).rejects.toThrow(
      new NotFoundError('conversation conv-none does not exist'),
    );
  });
});

describe('filling a quick reply', () => {
  it('falls back to the default language, then any, and says one without agent reads naturally', () => {
    const reply = {
      id: 'q',
      texts: { de: 'Hallo von {agentName}', en: 'Hello from {agentName}' },
      defaultLanguage: 'en',
    };
    expect(resolveQuickReply(reply, 'it', { channelName: 'Support' })).toEqual({
      language: 'en',
      text: 'Hello from one of our agents',
    });
    expect(resolveQuickReply(reply, 'de-AT', { channelName: 'Support', agentName: 'Alice' }).text).toBe(
      'Hallo von Alice',
    );
  });
});
