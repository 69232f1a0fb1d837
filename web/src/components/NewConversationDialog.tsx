import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Textarea,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { type Api, errorText } from '../api.js';
import { counterText, countMessage } from '../logic/counter.js';
import type { StartChannel } from '../types.js';

/** How a channel reads in the list: its name, its numbers, and whether it takes starts now. */
export function channelOption(channel: StartChannel): string {
  const closed = channel.onlyWhenOpen && !channel.openNow ? ' (closed now)' : '';
  return `${channel.name}: ${channel.numbers.join(', ')}${closed}`;
}

/**
 * An agent texts a customer first, on one of the channels whose rules allow it (`GET channels`,
 * read each time the dialog opens; the server still checks the rules when it starts).
 */
export function NewConversationDialog(props: { api: Api; onStarted: (conversationId: string) => void }) {
  const [open, setOpen] = useState(false);
  const [channels, setChannels] = useState<StartChannel[] | null>(null);
  const [channelId, setChannelId] = useState('');
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const counter = countMessage(text);

  useEffect(() => {
    if (!open) return;
    let current = true;
    props.api
      .get<{ channels: StartChannel[] }>('channels')
      .then(({ channels: offered }) => {
        if (!current) return;
        setChannels(offered);
        setChannelId((chosen) =>
          offered.some((channel) => channel.id === chosen) ? chosen : (offered[0]?.id ?? ''),
        );
      })
      .catch((failure) => current && setError(errorText(failure)));
    return () => {
      current = false;
    };
  }, [open, props.api]);

  const start = async () => {
    setBusy(true);
    try {
      const { conversation } = await props.api.post<{ conversation: { id: string } }>('conversations', {
        channelId,
        to,
        text,
      });
      setOpen(false);
      setTo('');
      setText('');
      setError(null);
      props.onStarted(conversation.id);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onOpenChange={(_, data) => setOpen(data.open)}>
      <DialogTrigger disableButtonEnhancement>
        <Button>New conversation…</Button>
      </DialogTrigger>
      <DialogSurface aria-describedby={undefined}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void start();
          }}
        >
          <DialogBody>
            <DialogTitle>Text a customer</DialogTitle>
            <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
              <Field
                label="Channel"
                hint="The channels that let agents text a customer first; the first number sends"
                required
                {...(channels?.length === 0
                  ? {
                      validationState: 'error' as const,
                      validationMessage: 'No channel lets you start a conversation.',
                    }
                  : {})}
              >
                <Select value={channelId} onChange={(_, data) => setChannelId(data.value)}>
                  {channels === null && <option value="">Loading…</option>}
                  {(channels ?? []).map((channel) => (
                    <option key={channel.id} value={channel.id}>
                      {channelOption(channel)}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label="Customer's mobile number" hint="E.164, for example +14255550123" required>
                <Input type="tel" value={to} onChange={(_, data) => setTo(data.value)} />
              </Field>
              <Field label="Message" hint={counterText(counter)} required>
                <Textarea value={text} rows={3} onChange={(_, data) => setText(data.value)} />
              </Field>
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
              <Button
                appearance="primary"
                type="submit"
                disabled={busy || !channelId || !to || text.trim() === '' || counter.over}
              >
                Send and start
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
