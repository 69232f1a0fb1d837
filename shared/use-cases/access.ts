import { hasRole, oversees, type Principal, type Role } from '../domain/access.js';
import type { Conversation } from '../domain/conversation.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import type { CoreDeps } from './deps.js';

export function requireRole(principal: Principal, ...wanted: Role[]): void {
  if (!hasRole(principal, ...wanted)) {
    throw new ForbiddenError(
      `this needs the ${wanted.join(' or ')} role; ${principal.name} has ${principal.roles.join(', ') || 'none'}`,
    );
  }
}

/**
 * The agent an agent-API call acts as. A signed-in agent acts as themselves (naming someone else
 * is refused); a supervisor or admin, or a function-key holder, names the agent they act for.
 */
export function actingAgent(principal: Principal, requested: string | undefined): string {
  if (oversees(principal)) {
    if (!requested)
      throw new ValidationError('agentId is needed: a supervisor or admin acts for a named agent', [
        { path: 'agentId', message: 'required' },
      ]);
    return requested;
  }
  requireRole(principal, 'agent');
  if (!principal.agentId) {
    throw new ForbiddenError(`${principal.name} signs in as no agent (an admin sets the agent's userId)`);
  }
  if (requested && requested !== principal.agentId) {
    throw new ForbiddenError(`you are agent ${principal.agentId}; you cannot act as ${requested}`);
  }
  return principal.agentId;
}

/** An agent sees only their own queues; supervisors and admins see every queue. */
export async function requireQueueAccess(
  deps: CoreDeps,
  principal: Principal,
  queueId: string,
): Promise<void> {
  if (oversees(principal)) return;
  const agentId = actingAgent(principal, undefined);
  const agent = await deps.store.getAgent(agentId);
  if (!agent) throw new NotFoundError(`agent ${agentId} does not exist`);
  if (!agent.value.queueIds.includes(queueId)) {
    throw new ForbiddenError(`agent ${agentId} is not a member of queue ${queueId}`);
  }
}

/** An agent sees a conversation they hold, or one in their queues. */
export async function requireConversationAccess(
  deps: CoreDeps,
  principal: Principal,
  conversation: Conversation,
): Promise<void> {
  // Supervisors and admins pass in requireQueueAccess, without a read.
  if (conversation.agentId !== null && conversation.agentId === principal.agentId) return;
  await requireQueueAccess(deps, principal, conversation.queueId);
}
