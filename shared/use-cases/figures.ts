import type { Conversation } from '../domain/conversation.js';
import { computeFigures, DEFAULT_SERVICE_LEVEL_SECONDS, type Figures } from '../domain/figures.js';
import { ValidationError } from '../errors.js';
import type { CoreDeps } from './deps.js';

export interface DayFigures {
  date: string;
  queues: (Figures & { queueId: string })[];
  channels: (Figures & { channelId: string })[];
}

const DAY_MS = 86_400_000;
/** Conversations read per page while counting a day. */
const FIGURES_PAGE = 500;

/** A calendar day, YYYY-MM-DD (UTC); today (by the app's clock) when not given. */
export function parseDay(value: string | null, now: Date): { date: string; from: string; before: string } {
  const date = value === null || value === '' ? now.toISOString().slice(0, 10) : value;
  const start = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00.000Z`) : Number.NaN;
  if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== date) {
    throw new ValidationError(`date ${date} is not a day written YYYY-MM-DD`, [
      { path: 'date', message: 'YYYY-MM-DD' },
    ]);
  }
  return { date, from: new Date(start).toISOString(), before: new Date(start + DAY_MS).toISOString() };
}

/**
 * A day's figures per queue and per channel, over the conversations customers opened that day
 * (UTC), from what each recorded. Every configured queue and channel is listed, quiet ones too.
 */
export async function dayFigures(deps: CoreDeps, day: string | null): Promise<DayFigures> {
  const { date, from, before } = parseDay(day, deps.clock.now());
  const conversations: Conversation[] = [];
  let continuation: string | undefined;
  do {
    const page = await deps.store.searchConversations(
      { createdFrom: from, createdBefore: before },
      { limit: FIGURES_PAGE, ...(continuation ? { continuation } : {}) },
    );
    conversations.push(...page.conversations.map((s) => s.value));
    continuation = page.continuation;
  } while (continuation);
  const targetOfQueue = (queueId: string) =>
    deps.directory.findQueue(queueId)?.serviceLevelSeconds ?? DEFAULT_SERVICE_LEVEL_SECONDS;
  const targetOf = (c: Conversation) => targetOfQueue(c.queueId);
  const ids = (configured: string[], key: (c: Conversation) => string) => [
    ...new Set([...configured, ...conversations.map(key)]),
  ];
  return {
    date,
    queues: ids(
      deps.directory.queues().map((q) => q.id),
      (c) => c.queueId,
    ).map((queueId) => {
      const figures = computeFigures(
        conversations.filter((c) => c.queueId === queueId),
        targetOf,
      );
      const serviceLevel = { ...figures.serviceLevel, targetSeconds: targetOfQueue(queueId) };
      return { queueId, ...figures, serviceLevel };
    }),
    channels: ids(
      deps.directory.channels().map((c) => c.id),
      (c) => c.channelId,
    ).map((channelId) => ({
      channelId,
      ...computeFigures(
        conversations.filter((c) => c.channelId === channelId),
        targetOf,
      ),
    })),
  };
}
