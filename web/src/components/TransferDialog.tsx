import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Radio,
  RadioGroup,
  Text,
} from '@fluentui/react-components';
import { useState } from 'react';
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
  onTransfer: (target: TransferTarget) => Promise<boolean>;
}) {
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState(false);
  const targets = transferTargets(props.agents, props.holder);
  const verb = props.verb ?? 'Transfer';

  const submit = async () => {
    const [kind, id] = choice.split(':');
    if (!kind || !id) return;
    setBusy(true);
    try {
      const done = await props.onTransfer(kind === 'queue' ? { toQueueId: id } : { toAgentId: id });
      if (done) setOpen(false);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onOpenChange={(_, data) => setOpen(data.open)}>
      <DialogTrigger disableButtonEnhancement>
        <Button disabled={props.disabledReason !== undefined} title={props.disabledReason}>
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
