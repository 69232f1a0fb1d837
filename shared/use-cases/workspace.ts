/**
 * What the agent and supervisor workspace reads: who is signed in, agents, queues, ongoing
 * conversations, one conversation with its customer panel, and the read marker. The same roles as
 * the rest of the API: an agent sees their own queues; supervisors and admins see everything.
 */
import { oversees, type Principal, type Role } from '../domain/access.js';
import type { Agent } from '../domain/agent.js';
import type { ContactCrmLink } from '../domain/contact.js';
import {
  type Conversation,
  type ConversationState,
  type UnclosedState,
  unclosedStates,
} from '../domain/conversation.js';
import type { Message } from '../domain/message.js';
import { providerSendsMedia } from '../domain/outbound-media.js';
import {
  type AgentView,
  agentView,
  type ConversationSummary,
  summarize,
  waitingSinceOf,
} from '../domain/workspace-views.js';
import type { WrapUpCode } from '../domain/wrap-up.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { Stored } from '../ports.js';
import { actingAgent, requireConversationAccess, requireQueueAccess } from './access.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';
import { requireConversation } from './stored-conversation.js';

/** How many conversations' messages are read at once when summarizing a list. */
const SUMMARY_READS_AT_ONCE = 8;
/** The earlier conversations a customer panel shows, newest first. */
const HISTORY_SHOWN = 20;

async function mapAtMost<T, R>(items: T[], atOnce: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, items.length) }, worker));
  return results;
}

/** The signed-in agent's record, or undefined for a supervisor or admin who is no agent. */
async function ownAgent(deps: CoreDeps, principal: Principal): Promise<Agent | undefined> {
  if (principal.agentId === null) return undefined;
  return (await deps.store.getAgent(principal.agentId))?.value;
}

/** An agent's record; an agent who signs in as an unknown agent is refused. */
async function requireOwnAgent(deps: CoreDeps, principal: Principal): Promise<Agent> {
  const agentId = actingAgent(principal, undefined);
  const agent = (await deps.store.getAgent(agentId))?.value;
  if (!agent) throw new NotFoundError(`agent ${agentId} does not exist`);
  return agent;
}

export interface Me {
  user: string;
  name: string;
  roles: Role[];
  agent?: AgentView;
}

export async function whoAmI(deps: CoreDeps, principal: Principal): Promise<Me> {
  const agent = await ownAgent(deps, principal);
  return {
    user: principal.userId,
    name: agent?.name ?? principal.name,
    roles: principal.roles,
    ...(agent ? { agent: agentView(agent) } : {}),
  };
}

/** Who the development sign-in's picker offers: every agent, signing in by their user id. */
export async function signInPeople(deps: CoreDeps) {
  const agents = await deps.store.listAgents();
  return agents
    .map(({ value: agent }) => ({
      user: agent.userId ?? agent.id,
      name: agent.name,
      roles: ['agent'] as Role[],
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Agents: an agent sees the members of their own queues (for a transfer); overseers see all. */
export async function listAgentViews(deps: CoreDeps, principal: Principal): Promise<AgentView[]> {
  if (oversees(principal)) return (await deps.store.listAgents()).map((s) => agentView(s.value));
  // An agent's team: their own queues' rosters, not every agent.
  const own = await requireOwnAgent(deps, principal);
  const team = new Map<string, Agent>();
  for (const queueId of own.queueIds) {
    for (const { value } of await deps.store.listAgents({ queueId })) team.set(value.id, value);
  }
  return [...team.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(agentView);
}

export interface QueueView {
  id: string;
  name: string;
  distribution: 'push' | 'pick';
  waiting: number;
  longestWaitSeconds: number;
  serviceLevelSeconds?: number;
  /** The codes an agent chooses from on ending one of its conversations, and whether one is needed. */
  wrapUp: { codes: WrapUpCode[]; required: boolean };
}

/** Queues with their lines: waiting count and longest wait. An agent sees their own queues. */
export async function listQueueViews(deps: CoreDeps, principal: Principal): Promise<QueueView[]> {
  const visible = oversees(principal)
    ? undefined
    : new Set((await requireOwnAgent(deps, principal)).queueIds);
  const now = deps.clock.now().getTime();
  const queues = deps.directory.queues().filter((q) => visible === undefined || visible.has(q.id));
  return Promise.all(
    queues.map(async (queue) => {
      const line = await deps.store.findConversations({ queueId: queue.id, states: ['open'] });
      const oldest = line.reduce<number | undefined>((min, { value }) => {
        const since = Date.parse(waitingSinceOf(value));
        return min === undefined || since < min ? since : min;
      }, undefined);
      return {
        id: queue.id,
        name: queue.name,
        distribution: queue.distribution,
        waiting: line.length,
        longestWaitSeconds: oldest === undefined ? 0 : Math.max(0, Math.floor((now - oldest) / 1000)),
        ...(queue.serviceLevelSeconds !== undefined
          ? { serviceLevelSeconds: queue.serviceLevelSeconds }
          : {}),
        // The workspace's End dialog offers these: it reads the public API only.
        wrapUp: {
          codes: (queue.wrapUp?.codes ?? []).map(({ code, label }) => ({ code, label })),
          required: queue.wrapUp?.required ?? false,
        },
      };
    }),
  );
}

/** Lists a page reads: the conversations' summaries, each with its last message and unread count. */
async function summaries(
  deps: CoreDeps,
  conversations: Conversation[],
  reader: string | null,
): Promise<ConversationSummary[]> {
  return mapAtMost(conversations, SUMMARY_READS_AT_ONCE, async (conversation) =>
    summarize(conversation, await deps.store.listMessages(conversation.id), reader ?? conversation.agentId),
  );
}

export interface OngoingFilter {
  states?: UnclosedState[] | undefined;
  queueId?: string | undefined;
  agentId?: string | undefined;
}

/** Reads `state=open,active` from a query string: only the states of ongoing conversations. */
export function parseStates(value: string | null): UnclosedState[] | undefined {
  if (value === null || value.trim() === '') return undefined;
  const states = value.split(',').map((s) => s.trim());
  const unknown = states.filter((s) => !(unclosedStates as string[]).includes(s));
  if (unknown.length > 0) {
    throw new ValidationError(`state takes ${unclosedStates.join(', ')}; not ${unknown.join(', ')}`, [
      { path: 'state', message: `unknown or closed state ${unknown.join(', ')}` },
    ]);
  }
  return states as UnclosedState[];
}

/**
 * Ongoing (unclosed) conversations, oldest first. An agent sees those in their queues and those
 * they hold; supervisors and admins see all.
 */
export async function listOngoing(
  deps: CoreDeps,
  principal: Principal,
  filter: OngoingFilter,
): Promise<ConversationSummary[]> {
  const states = filter.states ?? unclosedStates;
  const query = {
    states,
    ...(filter.queueId ? { queueId: filter.queueId } : {}),
    ...(filter.agentId ? { agentId: filter.agentId } : {}),
  };
  let found: Stored<Conversation>[];
  if (oversees(principal)) {
    found = await deps.store.findConversations(query);
  } else {
    const agent = await requireOwnAgent(deps, principal);
    if (filter.queueId) await requireQueueAccess(deps, principal, filter.queueId);
    const queueIds = filter.queueId ? [filter.queueId] : agent.queueIds;
    const reads = [
      ...queueIds.map((queueId) => deps.store.findConversations({ ...query, queueId })),
      // Their own, wherever they are (a transfer straight to them from another queue).
      ...(filter.agentId === undefined || filter.agentId === agent.id
        ? [deps.store.findConversations({ ...query, agentId: agent.id })]
        : []),
    ];
    const byId = new Map((await Promise.all(reads)).flat().map((s) => [s.value.id, s]));
    found = [...byId.values()].sort((a, b) =>
      a.value.createdAt === b.value.createdAt
        ? a.value.id.localeCompare(b.value.id)
        : a.value.createdAt.localeCompare(b.value.createdAt),
    );
  }
  return summaries(
    deps,
    found.map((s) => s.value),
    principal.agentId,
  );
}

/** An agent's own work (active, set aside, wrap-up), summarized. */
export async function listAgentWork(deps: CoreDeps, principal: Principal, agentId: string) {
  if (!(await deps.store.getAgent(agentId))) throw new NotFoundError(`agent ${agentId} does not exist`);
  const found = await deps.store.findConversations({ agentId, states: ['active', 'waiting', 'wrap-up'] });
  return summaries(
    deps,
    found.map((s) => s.value),
    principal.agentId ?? agentId,
  );
}

export interface CustomerPanel {
  number: string;
  name?: string;
  language?: string;
  optedOut: boolean;
  consentChangedAt?: string;
  consentChangedVia?: string;
  /** The contact's record in the CRM, when an admin or a CRM sync linked one. */
  crm?: ContactCrmLink;
}

export interface EarlierConversation {
  id: string;
  caseNumber?: string;
  state: ConversationState;
  createdAt: string;
  closedAt?: string;
}

/** The conversation's channel as the composer needs it. */
export interface ConversationChannel {
  id: string;
  name: string;
  /** Whether its provider sends media (MMS): the composer offers attachments only then. */
  sendsMedia: boolean;
}

/**
 * A conversation as an agent opens it: its messages, the customer panel (contact, language, consent
 * on this channel and what changed it) and the customer's earlier conversations on this channel.
 */
export async function openConversationView(deps: CoreDeps, principal: Principal, id: string) {
  const conversation = (await requireConversation(deps, id)).value;
  await requireConversationAccess(deps, principal, conversation);
  const [messages, contact, consent, earlier] = await Promise.all([
    deps.store.listMessages(id),
    deps.store.getContact(conversation.customer),
    deps.store.getCustomer(conversation.channelId, conversation.customer),
    // One more than shown: the conversation itself is among them.
    deps.store.findCustomerConversations({
      channelId: conversation.channelId,
      customer: conversation.customer,
      limit: HISTORY_SHOWN + 1,
    }),
  ]);
  const name = contact?.value.name ?? conversation.customerName;
  const language = contact?.value.language ?? conversation.language;
  const customer: CustomerPanel = {
    number: conversation.customer,
    ...(name ? { name } : {}),
    ...(language ? { language } : {}),
    optedOut: consent?.value.optedOut ?? false,
    ...(consent?.value.consentChangedAt ? { consentChangedAt: consent.value.consentChangedAt } : {}),
    ...(consent?.value.consentChangedVia ? { consentChangedVia: consent.value.consentChangedVia } : {}),
    ...(contact?.value.crm ? { crm: contact.value.crm } : {}),
  };
  const history: EarlierConversation[] = earlier
    .map((s) => s.value)
    .filter((c) => c.id !== conversation.id)
    .slice(0, HISTORY_SHOWN)
    .map((c) => ({
      id: c.id,
      ...(c.caseNumber ? { caseNumber: c.caseNumber } : {}),
      state: c.state,
      createdAt: c.createdAt,
      ...(c.closedAt ? { closedAt: c.closedAt } : {}),
    }));
  const found = deps.directory.findChannel(conversation.channelId);
  // What the composer may offer: media only where the channel's provider sends MMS.
  const channel: ConversationChannel = {
    id: conversation.channelId,
    name: found?.name ?? conversation.channelId,
    sendsMedia: found ? providerSendsMedia(found.provider) : false,
  };
  return { conversation, messages: messages satisfies Message[], customer, history, channel };
}

/**
 * The signed-in agent has read the conversation up to a message (the last one when not given):
 * their unread count starts after it. A supervisor or admin reading is no agent's reading.
 */
export async function markRead(
  deps: CoreDeps,
  principal: Principal,
  id: string,
  seq: number | undefined,
): Promise<void> {
  const stored = await requireConversation(deps, id);
  await requireConversationAccess(deps, principal, stored.value);
  const reader = principal.agentId;
  if (reader === null) return;
  if (seq !== undefined && seq > stored.value.lastSeq) {
    throw new ValidationError(
      `seq ${seq} is past the conversation's last message (${stored.value.lastSeq})`,
      [{ path: 'seq', message: `at most ${stored.value.lastSeq}` }],
    );
  }
  await retryOnConflict(async () => {
    // Read again under the retry (another reader may have moved their marker); never deleted since.
    const current = await requireConversation(deps, id);
    const upTo = seq ?? current.value.lastSeq;
    if ((current.value.readUpTo?.[reader] ?? 0) >= upTo) return;
    const readUpTo = { ...current.value.readUpTo, [reader]: upTo };
    await deps.store.replaceConversation({ ...current.value, readUpTo }, current.etag);
  });
}

/** Consent on every channel for one number, for the contact's page. */
export async function consentByChannel(deps: CoreDeps, number: Conversation['customer']) {
  const states = await Promise.all(
    deps.directory.channels().map(async (channel) => ({
      channelId: channel.id,
      state: (await deps.store.getCustomer(channel.id, number))?.value,
    })),
  );
  return states.flatMap(({ channelId, state }) =>
    state
      ? [
          {
            channelId,
            optedOut: state.optedOut,
            ...(state.consentChangedAt ? { changedAt: state.consentChangedAt } : {}),
            ...(state.consentChangedVia ? { changedVia: state.consentChangedVia } : {}),
          },
        ]
      : [],
  );
}
