import type { Agent } from '../domain/agent.js';
import { agentSeedSchema } from '../domain/agent.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { parsePart, withId } from './admin-configuration.js';
import { requestAssignment } from './assignment-request.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

/** An agent's settings (not their live state: presence and assignments stay as they are). */
const agentInput = agentSeedSchema.omit({ presence: true });

export async function listAgents(deps: CoreDeps): Promise<Agent[]> {
  return (await deps.store.listAgents()).map((stored) => stored.value);
}

export async function getAgent(deps: CoreDeps, agentId: string): Promise<Agent> {
  const stored = await deps.store.getAgent(agentId);
  if (!stored) throw new NotFoundError(`agent ${agentId} does not exist`);
  return stored.value;
}

/**
 * Creates or updates an agent: name, capacity, queues, skills and who signs in as them. Their
 * presence and the conversations they hold are kept; their queues are asked to assign again, since
 * room or skills may have changed.
 */
export async function putAgent(deps: CoreDeps, agentId: string, input: unknown): Promise<Agent> {
  const settings = parsePart(agentInput, withId(input, agentId, 'agent'), 'the agent');
  const unknown = settings.queueIds.filter((queueId) => !deps.directory.findQueue(queueId));
  if (unknown.length > 0) {
    throw new ValidationError(`the agent's queues ${unknown.join(', ')} do not exist`, [
      { path: 'queueIds', message: `unknown queue ${unknown.join(', ')}` },
    ]);
  }
  const agent = await retryOnConflict(async () => {
    const stored = await deps.store.getAgent(agentId);
    if (!stored)
      return (await deps.store.createAgent({ ...settings, presence: 'offline', assignments: [] })).value;
    return (await deps.store.replaceAgent({ ...stored.value, ...settings }, stored.etag)).value;
  });
  for (const queueId of agent.queueIds) await requestAssignment(deps, queueId, 'agent changed');
  deps.logger.info('agent.configured', { agentId });
  return agent;
}

/** An agent holding conversations is not removed: they would be orphaned. */
export async function deleteAgent(deps: CoreDeps, agentId: string): Promise<void> {
  await retryOnConflict(async () => {
    const stored = await deps.store.getAgent(agentId);
    if (!stored) throw new NotFoundError(`agent ${agentId} does not exist`);
    const held = stored.value.assignments.length;
    if (held > 0)
      throw new ConflictError(`agent ${agentId} holds ${held} conversation(s); transfer or close them first`);
    await deps.store.deleteAgent(agentId, stored.etag);
  });
}
