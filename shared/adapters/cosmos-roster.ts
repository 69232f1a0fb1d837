import { randomUUID } from 'node:crypto';
import type { Container, SqlParameter } from '@azure/cosmos';
import type { Agent, Presence } from '../domain/agent.js';
import { ConcurrencyError } from '../errors.js';
import type { AgentQuery } from '../ports.js';

/**
 * The rosters of the Cosmos DB store. Each agent is alone in its partition (`agent|<id>`), so the
 * capacity written at every assignment is spread over as many partitions as there are agents. To
 * find agents without reading every partition, each agent has an entry in the roster of each of
 * their queues (`roster|<queue>`) and in the directory of every agent (`agents`): a queue's
 * assigner reads its own roster only, whatever the number of agents in other queues.
 *
 * An entry holds only what a read filters by (the agent's presence) and a version; the agent is
 * the truth, read with a point read behind every entry found. Capacity is not in the entries, so an
 * assignment never writes a roster: only a change of presence or queues does (docs/cosmos.md).
 */

/** The directory: an entry for every agent. */
export const AGENT_DIRECTORY = 'agents';

/** The roster a read of agents queries: its queue's, or the directory. */
export const rosterPartition = (queueId: string | undefined) =>
  queueId === undefined ? AGENT_DIRECTORY : `roster|${queueId}`;

/** The id of an agent's settled entry in a roster (an intent adds `~nonce`). */
const entryId = (agentId: string) => `roster:${agentId}`;

interface RosterEntry {
  agentId: string;
  presence: Presence;
  /** The agent's roster version when this was written: a later truth is a larger one. */
  version: number;
}

type StoredRosterEntry = RosterEntry & { id: string; _etag: string; _ts: number };

/** An agent as the roster reads it: the truth, with the version its roster was written at. */
export interface AgentTruth {
  agent: Agent;
  etag: string;
  version: number;
}

/** Where an agent belongs, with the presence each entry says: the directory and each queue's roster. */
export function rosterOf(agent: Agent | undefined): Map<string, Presence> {
  if (!agent) return new Map();
  return new Map(
    [AGENT_DIRECTORY, ...agent.queueIds.map((queueId) => rosterPartition(queueId))].map((pk) => [
      pk,
      agent.presence,
    ]),
  );
}

/** The rosters whose entry for the agent changes between two of its versions. */
export function changedRosters(before: Agent | undefined, after: Agent | undefined): string[] {
  const was = rosterOf(before);
  const now = rosterOf(after);
  return [...new Set([...was.keys(), ...now.keys()])].filter((pk) => was.get(pk) !== now.get(pk));
}

/** A roster version later than `previous`, and later than any an agent of that id had before (ms). */
export const nextVersion = (previous: number) => Math.max(previous + 1, Date.now());

function statusOf(error: unknown): number | undefined {
  const code =
    (error as { code?: unknown; statusCode?: unknown }).code ??
    (error as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * The entries and intents of the rosters, written in an order that lets a crash leave a roster
 * saying too much, never too little (as the work partition does): intents with the new values
 * first, then the agent under its ETag, then the settled entries (never set back to an earlier
 * version) and the intents removed. Readers repair what a crash leaves.
 */
export class CosmosRoster {
  constructor(
    private readonly container: Container,
    private readonly staleAfterMs: number,
  ) {}

  private document(entry: RosterEntry, id: string, pk: string) {
    return { ...entry, id, pk, kind: 'roster' };
  }

  /** Intents in every roster where the agent's next version must be found; their places, to remove after. */
  async writeIntents(before: Agent | undefined, after: Agent, version: number) {
    const now = rosterOf(after);
    const places: { id: string; pk: string }[] = [];
    for (const pk of changedRosters(before, after)) {
      const presence = now.get(pk);
      if (presence === undefined) continue;
      const place = { id: `${entryId(after.id)}~${randomUUID()}`, pk };
      await this.container.items.create(
        this.document({ agentId: after.id, presence, version }, place.id, pk),
      );
      places.push(place);
    }
    return places;
  }

  /** Removes intents; gone already is fine. */
  async removeIntents(places: { id: string; pk: string }[]) {
    for (const { id, pk } of places) await this.remove(id, pk);
  }

  private async remove(id: string, pk: string, etag?: string) {
    try {
      await this.container
        .item(id, pk)
        .delete(etag === undefined ? {} : { accessCondition: { type: 'IfMatch', condition: etag } });
    } catch (error) {
      const status = statusOf(error);
      if (status !== 404 && status !== 412) throw error;
    }
  }

  /**
   * Writes the agent's settled entries in the given rosters at this truth (agent undefined: gone),
   * unless a later version is settled already: an entry is set where the agent belongs and removed
   * where they no longer do.
   */
  async settle(agentId: string, agent: Agent | undefined, version: number, rosters: string[]) {
    const wanted = rosterOf(agent);
    for (const pk of rosters) {
      const presence = wanted.get(pk);
      if (presence === undefined) await this.removeUpTo(agentId, pk, version);
      else await this.set(pk, { agentId, presence, version });
    }
  }

  private async set(pk: string, entry: RosterEntry) {
    const id = entryId(entry.agentId);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await this.container.item(id, pk).patch({
          condition: `FROM c WHERE c.version <= ${entry.version}`,
          operations: [
            { op: 'set', path: '/presence', value: entry.presence },
            { op: 'set', path: '/version', value: entry.version },
          ],
        });
        return;
      } catch (error) {
        const status = statusOf(error);
        if (status === 412) return;
        if (status !== 404) throw error;
      }
      try {
        await this.container.items.create(this.document(entry, id, pk));
        return;
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
      }
    }
    throw new ConcurrencyError(`the roster entry of agent ${entry.agentId} kept changing`);
  }

  /** Removes the settled entry unless it was written at a later version than this one. */
  private async removeUpTo(agentId: string, pk: string, version: number) {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const { resource } = await this.container.item(entryId(agentId), pk).read<StoredRosterEntry>();
      if (!resource || resource.version > version) return;
      try {
        await this.container
          .item(resource.id, pk)
          .delete({ accessCondition: { type: 'IfMatch', condition: resource._etag } });
        return;
      } catch (error) {
        const status = statusOf(error);
        if (status === 404) return;
        if (status !== 412) throw error;
      }
    }
    throw new ConcurrencyError(`the roster entry of agent ${agentId} kept changing`);
  }

  /**
   * One query of one roster, then a point read of each agent found (`read`): the agent is the
   * truth, so an entry a crash left behind is re-checked, repaired, and its agent returned only
   * when the agent matches too. The caller filters by the query.
   */
  async find(query: AgentQuery, read: (agentId: string) => Promise<AgentTruth | undefined>) {
    const pk = rosterPartition(query.queueId);
    const where = ['c.pk = @pk', "c.kind = 'roster'"];
    const parameters: SqlParameter[] = [{ name: '@pk', value: pk }];
    if (query.presence !== undefined) {
      where.push('c.presence = @presence');
      parameters.push({ name: '@presence', value: query.presence });
    }
    const { resources } = await this.container.items
      .query<StoredRosterEntry>(
        { query: `SELECT * FROM c WHERE ${where.join(' AND ')}`, parameters },
        { partitionKey: pk },
      )
      .fetchAll();
    const groups = new Map<string, StoredRosterEntry[]>();
    for (const entry of resources) groups.set(entry.agentId, [...(groups.get(entry.agentId) ?? []), entry]);
    const ids = [...groups.keys()];
    const truths = await Promise.all(ids.map(read));
    const found: AgentTruth[] = [];
    for (const [index, id] of ids.entries()) {
      const truth = truths[index];
      await this.repair(pk, groups.get(id) ?? [], truth);
      if (truth) found.push(truth);
    }
    return found;
  }

  /**
   * What a reader does with one agent's entries in a roster, the agent being the truth: a stale
   * intent is settled at the truth and removed; a settled entry that disagrees with a later version
   * is rewritten (or removed, where the agent no longer belongs); the entry of an agent that is
   * gone is removed once it is stale (a read of the agent may lag a moment behind its creation).
   */
  private async repair(pk: string, entries: StoredRosterEntry[], truth: AgentTruth | undefined) {
    const stale = (entry: StoredRosterEntry) => Date.now() - entry._ts * 1000 > this.staleAfterMs;
    const wanted = rosterOf(truth?.agent).get(pk);
    for (const entry of entries) {
      if (entry.id !== entryId(entry.agentId)) {
        if (!stale(entry)) continue;
        if (truth) await this.settle(entry.agentId, truth.agent, truth.version, [pk]);
        await this.remove(entry.id, pk, entry._etag);
      } else if (truth === undefined) {
        if (stale(entry)) await this.remove(entry.id, pk, entry._etag);
      } else if (entry.presence !== wanted && entry.version < truth.version) {
        await this.settle(entry.agentId, truth.agent, truth.version, [pk]);
      }
    }
  }
}
