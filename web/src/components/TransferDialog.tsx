import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  Text,
} from '@fluentui/react-components';
import { useState } from 'react';
import { errorText } from '../api.js';
import { transferTargets } from '../logic/floor.js';
import type { AgentView, QueueView } from '../types.js';

export type TransferTarget = { toQueueId: string } | { toAgentId: string };

/**
 * Transfer (an agent) or reassign (a supervisor) to a queue, or to an agent who is available with
 * room (the others shown, not offered).
 */
export function TransferDialog(props: {
  agents: AgentView[];
  queues: QueueView[];
  holder: string | null;
  /** The queue it waits in, when it waits in one: moving it there again is no move. */
  waitingIn?: string;
  /** What the action is called: an agent transfers, a supervisor reassigns. */
  verb?: 'Transfer' | 'Reassign';
  disabledReason?: string;
  /** Whom the trigger names (the floor has one per conversation), for a screen reader. */
  triggerLabel?: string;
  /** Rejects with the API's words when the move is refused; the dialog shows them and stays open. */
  onTransfer: (target: TransferTarget) => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const targets = transferTargets(props.agents, props.holder);
  const verb = props.verb ?? 'Transfer';

  const submit = async () => {
    const [kind, id] = choice.split(':');
    if (!kind || !id) return;
    setBusy(true);
    try {
      await props.onTransfer(kind === 'queue' ? { toQueueId: id } : { toAgentId: id });
      setOpen(false);
      setChoice('');
      setError(null);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(_, data) => {
        setOpen(data.open);
        setError(null);
      }}
    >
      <DialogTrigger disableButtonEnhancement>
        <Button
          size={props.triggerLabel ? 'small' : 'medium'}
          // Focusable while disabled, so a keyboard user can reach it and hear why.
          disabledFocusable={props.disabledReason !== undefined}
          title={props.disabledReason}
          {...(props.triggerLabel ? { 'aria-label': props.triggerLabel } : {})}
        >
          {verb}…
        </Button>
      </DialogTrigger>
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>{verb} the conversation</DialogTitle>
          <DialogContent>
            <RadioGroup
              aria-label={`${verb} to`}
              value={choice}
              onChange={(_, data) => setChoice(data.value)}
            >
              <Text weight="semibold">To a queue (the next able agent takes it)</Text>
              {props.queues.map((queue) => (
                <Radio
                  key={queue.id}
                  value={`queue:${queue.id}`}
                  disabled={queue.id === props.waitingIn}
                  label={`${queue.name} (${queue.waiting} waiting)${queue.id === props.waitingIn ? ', where it waits now' : ''}`}
                />
              ))}
              <Text weight="semibold">To an agent (available with room)</Text>
              {targets.length === 0 && (
                <Text>{verb === 'Transfer' ? 'No other agent in your queues.' : 'No other agent.'}</Text>
              )}
              {targets.map(({ agent, canTake, why }) => (
                <Radio
                  key={agent.id}
                  value={`agent:${agent.id}`}
                  disabled={!canTake}
                  label={`${agent.name}: ${why}${canTake ? ', can take it' : ', cannot take it now'}`}
                />
              ))}
            </RadioGroup>
            {error && (
              <MessageBar intent="error">
                <MessageBarBody>{error}</MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <DialogTrigger disableButtonEnhancement>
              <Button appearance="secondary">Cancel</Button>
            </DialogTrigger>
            <Button appearance="primary" disabled={!choice || busy} onClick={() => void submit()}>
              {verb}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
