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
  Textarea,
} from '@fluentui/react-components';
import { useState } from 'react';
import { type Api, errorText } from '../api.js';
import { counterText, countMessage } from '../logic/counter.js';

/** An agent texts a customer first, on a channel whose rules allow it (the server says if not). */
export function NewConversationDialog(props: {
  api: Api;
  channelIds: string[];
  onStarted: (conversationId: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [channelId, setChannelId] = useState(props.channelIds[0] ?? '');
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const counter = countMessage(text);

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
              <Field label="Channel" hint="The channel's id, for example support" required>
                <Input
                  value={channelId}
                  list="known-channels"
                  onChange={(_, data) => setChannelId(data.value)}
                />
              </Field>
              <datalist id="known-channels">
                {props.channelIds.map((id) => (
                  <option key={id} value={id} />
                ))}
              </datalist>
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
