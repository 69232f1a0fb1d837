import { unclosedStates } from '../domain/conversation.js';
import { type InactivityVerdict, inactivityExpired } from '../domain/inactivity.js';
import { closeConversation } from './conversations.js';
import type { CoreDeps } from './deps.js';

function reasonOf(verdict: InactivityVerdict): string {
  const counted = verdict.openingHoursOnly ? ' of opening hours' : '';
  return `auto-close: ${verdict.state} with no activity for more than ${verdict.limitMinutes} minutes${counted}`;
}

/**
 * Closes every conversation inactive past its state's limit on its channel (open never, by
 * default; opening hours only for the states waiting on the center). The store is asked for
 * conversations idle that long on the wall clock, which every one past its limit is; the rule
 * itself decides, and is checked again inside the close against the freshly read record, so a
 * customer who writes while the timer runs keeps their conversation.
 */
export async function autoCloseIdle(deps: CoreDeps): Promise<{ closed: string[] }> {
  const now = deps.clock.now();
  const closed: string[] = [];
  for (const channel of deps.directory.channels()) {
    for (const state of unclosedStates) {
      const limitMinutes = channel.autoClose[state];
      if (limitMinutes === null) continue;
      const idleBefore = new Date(now.getTime() - limitMinutes * 60_000).toISOString();
      const candidates = await deps.store.findConversations({
        channelId: channel.id,
        states: [state],
        idleBefore,
      });
      for (const { value } of candidates) {
        const verdict = inactivityExpired(value, channel, now);
        if (!verdict) continue;
        const result = await closeConversation(
          deps,
          value.id,
          { kind: 'system' },
          reasonOf(verdict),
          (fresh) => fresh.state === state && inactivityExpired(fresh, channel, now) !== undefined,
        );
        if (!result) continue;
        closed.push(value.id);
        // The reason counted is the state it sat idle in: a bounded word, unlike the reason text.
        deps.metrics.add('sms.auto_closes', { channel: channel.id, reason: `idle-${state}` });
      }
    }
  }
  return { closed };
}
