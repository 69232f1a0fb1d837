import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import type { LiveStatus } from '../live.js';

/** Says when live updates are off, so nobody trusts a stale list. */
export function ConnectionBanner({ status }: { status: LiveStatus }) {
  return (
    <div role="status" aria-live="polite" data-testid="connection" data-status={status}>
      {status === 'reconnecting' && (
        <MessageBar intent="warning">
          <MessageBarBody>
            <MessageBarTitle>Reconnecting…</MessageBarTitle>
            Live updates are interrupted; the page catches up as soon as the connection is back.
          </MessageBarBody>
        </MessageBar>
      )}
      {status === 'connecting' && (
        <MessageBar intent="info">
          <MessageBarBody>Connecting to live updates…</MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}
