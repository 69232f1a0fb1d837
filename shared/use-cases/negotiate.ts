import type { Principal } from '../domain/access.js';
import { principalGroups } from '../domain/live.js';
import type { LiveAccess } from '../ports.js';
import type { CoreDeps } from './deps.js';

/**
 * A signed-in person's live stream: a URL whose token joins their groups only (an agent's own and
 * their queues'; the supervisors' for supervisors and admins; the phone simulator's on the
 * embedded default).
 */
export async function negotiateLive(
  deps: CoreDeps,
  access: LiveAccess,
  principal: Principal,
  options: { origin: string; phone: boolean },
): Promise<{ url: string; groups: string[] }> {
  const agent = principal.agentId ? (await deps.store.getAgent(principal.agentId))?.value : undefined;
  const groups = principalGroups(principal, agent?.queueIds ?? [], { phone: options.phone });
  const url = await access.clientUrl({ userId: principal.userId, groups, origin: options.origin });
  return { url, groups };
}
