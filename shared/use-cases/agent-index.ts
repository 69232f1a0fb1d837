import type { Store } from '../ports.js';

/** How long a sign-in's agent is remembered before the agents are read again. */
const KEPT_MS = 30_000;

/**
 * Which agent a signed-in person is (by the agent's userId or id), held in memory: agents are few
 * and change rarely, and reading them on every call would cost a query each time.
 */
export class AgentIndex {
  private byUser = new Map<string, string>();
  private readAt = 0;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  private async load(): Promise<void> {
    const next = new Map<string, string>();
    for (const { value: agent } of await this.store.listAgents()) {
      next.set(agent.id.toLowerCase(), agent.id);
      if (agent.userId) next.set(agent.userId.toLowerCase(), agent.id);
    }
    this.byUser = next;
    this.readAt = this.now();
  }

  /** The agent id for any of a person's names (object id, user name, agent id), or null. */
  async agentFor(...names: (string | undefined)[]): Promise<string | null> {
    const find = () =>
      names.flatMap((n) => (n ? [this.byUser.get(n.toLowerCase())] : [])).find(Boolean) ?? null;
    if (this.now() - this.readAt > KEPT_MS) await this.load();
    const found = find();
    if (found || this.now() - this.readAt < 1000) return found;
    // Not found in an older read: an admin may have just linked this person; read once more.
    await this.load();
    return find();
  }

  /** Forget what was read (an admin changed an agent on this instance). */
  invalidate(): void {
    this.readAt = 0;
  }
}
