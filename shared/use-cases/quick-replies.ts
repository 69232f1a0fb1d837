import { hasRole, oversees, type Principal } from '../domain/access.js';
import {
  makeQuickReply,
  ORGANIZATION_QUICK_REPLIES_MAX,
  PERSONAL_QUICK_REPLIES_MAX,
  type QuickReply,
  type QuickReplyScope,
  quickReplyInputSchema,
  quickReplyOwner,
  quickReplyScopes,
  resolveQuickReply,
} from '../domain/quick-reply.js';
import { ConflictError, ForbiddenError, issuesFrom, NotFoundError, ValidationError } from '../errors.js';
import { requireConversationAccess } from './access.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

/** Who may write a scope's quick replies: admins the organization's, an agent their own. */
function ownerFor(principal: Principal, scope: string): { scope: QuickReplyScope; agentId?: string } {
  if (!(quickReplyScopes as readonly string[]).includes(scope)) {
    throw new ValidationError(`scope must be organization or personal, not ${scope}`, [
      { path: 'scope', message: 'organization or personal' },
    ]);
  }
  if (scope === 'organization') {
    if (!hasRole(principal, 'admin'))
      throw new ForbiddenError("the organization's quick replies are managed by admins");
    return { scope: 'organization' };
  }
  if (!principal.agentId) {
    throw new ForbiddenError(`${principal.name} signs in as no agent, so has no quick replies of their own`);
  }
  return { scope: 'personal', agentId: principal.agentId };
}

function parseInput(input: unknown) {
  const parsed = quickReplyInputSchema.safeParse(input);
  if (!parsed.success) {
    const issues = issuesFrom(parsed.error.issues);
    throw new ValidationError(
      `the quick reply is invalid: ${issues[0]?.path}: ${issues[0]?.message}`,
      issues,
    );
  }
  return parsed.data;
}

/** The organization's quick replies and the signed-in agent's own, each by id. */
export async function listQuickReplies(
  deps: CoreDeps,
  principal: Principal,
): Promise<{ organization: QuickReply[]; personal: QuickReply[] }> {
  const organization = await deps.store.listQuickReplies('organization');
  const personal = principal.agentId
    ? await deps.store.listQuickReplies(quickReplyOwner({ scope: 'personal', agentId: principal.agentId }))
    : [];
  return { organization: organization.map((s) => s.value), personal: personal.map((s) => s.value) };
}

/** Creates a quick reply in a scope the caller may write, within the scope's limit. */
export async function createQuickReply(
  deps: CoreDeps,
  principal: Principal,
  body: unknown,
): Promise<QuickReply> {
  // String() leaves a string as it is and names anything else in the refusal.
  const owner = ownerFor(principal, String((body as { scope?: unknown } | null)?.scope));
  const input = parseInput(body);
  const max = owner.scope === 'organization' ? ORGANIZATION_QUICK_REPLIES_MAX : PERSONAL_QUICK_REPLIES_MAX;
  const existing = await deps.store.listQuickReplies(quickReplyOwner(owner));
  if (existing.length >= max) {
    throw new ConflictError(
      `there are ${existing.length} ${owner.scope} quick replies already; the limit is ${max}`,
    );
  }
  const reply = makeQuickReply(
    { id: deps.ids.next(), ...owner },
    input,
    deps.clock.now().toISOString(),
    principal.name,
  );
  return (await deps.store.putQuickReply(reply, null)).value;
}

/** Replaces a quick reply's name and texts; only in a scope the caller may write. */
export async function updateQuickReply(
  deps: CoreDeps,
  principal: Principal,
  scope: string,
  id: string,
  body: unknown,
): Promise<QuickReply> {
  const owner = ownerFor(principal, scope);
  const input = parseInput(body);
  return retryOnConflict(async () => {
    const stored = await deps.store.getQuickReply(quickReplyOwner(owner), id);
    if (!stored) throw new NotFoundError(`there is no ${owner.scope} quick reply ${id}`);
    const reply = makeQuickReply({ id, ...owner }, input, deps.clock.now().toISOString(), principal.name);
    return (await deps.store.putQuickReply(reply, stored.etag)).value;
  });
}

export async function deleteQuickReply(
  deps: CoreDeps,
  principal: Principal,
  scope: string,
  id: string,
): Promise<void> {
  const owner = ownerFor(principal, scope);
  await retryOnConflict(async () => {
    const stored = await deps.store.getQuickReply(quickReplyOwner(owner), id);
    if (!stored) throw new NotFoundError(`there is no ${owner.scope} quick reply ${id}`);
    await deps.store.deleteQuickReply(quickReplyOwner(owner), id, stored.etag);
  });
}

export interface ResolvedQuickReply {
  id: string;
  scope: QuickReplyScope;
  name: string;
  language: string;
  text: string;
}

/**
 * The quick replies the composer offers for one conversation, filled for it: in the customer's
 * language, with their name, the agent's (the one answering), the channel, case number and queue.
 * The agent's own come first. One that cannot be filled for this conversation is left out.
 */
export async function quickRepliesForConversation(
  deps: CoreDeps,
  principal: Principal,
  conversationId: string,
): Promise<ResolvedQuickReply[]> {
  const stored = await deps.store.getConversation(conversationId);
  if (!stored) throw new NotFoundError(`conversation ${conversationId} does not exist`);
  const conversation = stored.value;
  await requireConversationAccess(deps, principal, conversation);
  const agentId = principal.agentId ?? (oversees(principal) ? conversation.agentId : null);
  const agentName = agentId ? (await deps.store.getAgent(agentId))?.value.name : undefined;
  const channel = deps.directory.findChannel(conversation.channelId);
  const values = {
    customerName: conversation.customerName,
    agentName,
    channelName: channel?.name ?? conversation.channelId,
    caseNumber: conversation.caseNumber,
    queueName: deps.directory.findQueue(conversation.queueId)?.name,
  };
  const language = conversation.language ?? channel?.language;
  const { organization, personal } = await listQuickReplies(deps, principal);
  return [...personal, ...organization].flatMap((reply) => {
    try {
      const resolved = resolveQuickReply(reply, language, values);
      return [{ id: reply.id, scope: reply.scope, name: reply.name, ...resolved }];
    } catch (error) {
      deps.logger.warn('quick-reply.unfilled', {
        quickReplyId: reply.id,
        conversationId,
        error: String(error),
      });
      return [];
    }
  });
}
