import { unclosedStates } from '../domain/conversation.js';
import { closeConversation } from './conversations.js';
import type { CoreDeps } from './deps.js';

/**
 * Closes every conversation idle longer than its channel's limit. The idle test is repeated
 * inside the close, against the freshly read record, so a customer who writes while the timer runs
 * keeps their conversation.
 */
export async function autoCloseIdle(deps: CoreDeps): Promise<{ closed: string[] }> {
  const now = deps.clock.now().getTime();
  const closed: string[] = [];
  for (const channel of deps.directory.channels()) {
    const limitMs = channel.autoCloseMinutes * 60_000;
    const idleBefore = new Date(now - limitMs).toISOString();
    const idle = await deps.store.findConversations({
      channelId: channel.id,
      states: unclosedStates,
      idleBefore,
    });
    for (const { value } of idle) {
      const result = await closeConversation(
        deps,
        value.id,
        { kind: 'system' },
        `auto-close: idle for more than ${channel.autoCloseMinutes} minutes`,
        (fresh) => fresh.lastActivityAt < idleBefore,
      );
      if (result) closed.push(value.id);
    }
  }
  return { closed };
}
