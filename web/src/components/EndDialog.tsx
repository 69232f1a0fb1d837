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
  MessageBar,
  MessageBarBody,
  Select,
  Text,
  Textarea,
} from '@fluentui/react-components';
import { useRef, useState } from 'react';
import { errorText } from '../api.js';
import { type EndProblem, endBody, endProblem, WRAP_UP_NOTE_MAX } from '../logic/wrap-up.js';
import type { QueueView } from '../types.js';

/**
 * Ending a conversation: the agent chooses a wrap-up code from its queue's list (required when the
 * queue says so) and may write a note. A missing code is said on the field before anything is
 * sent; a refusal from the API is shown in the dialog, which stays open.
 */
export function EndDialog(props: {
  /** The conversation's queue, with its wrap-up list; unknown when the agent cannot see it. */
  queue: QueueView | undefined;
  queueId: string;
  onEnd: (body: { wrapUpCode?: string; note?: string }) => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<EndProblem | null>(null);
  const [error, setError] = useState<string | null>(null);
  const codeBox = useRef<HTMLSelectElement>(null);
  const noteBox = useRef<HTMLTextAreaElement>(null);
  const queue = { name: props.queue?.name ?? props.queueId, wrapUp: props.queue?.wrapUp };
  const codes = queue.wrapUp?.codes ?? [];
  const required = queue.wrapUp?.required ?? false;

  const reset = () => {
    setCode('');
    setNote('');
    setProblem(null);
    setError(null);
  };

  const submit = async () => {
    const found = endProblem(queue, { code, note });
    setProblem(found ?? null);
    if (found) {
      (found.field === 'code' ? codeBox : noteBox).current?.focus();
      return;
    }
    setBusy(true);
    try {
      await props.onEnd(endBody({ code, note }));
      setOpen(false);
      reset();
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
        if (!data.open) reset();
      }}
    >
      <DialogTrigger disableButtonEnhancement>
        <Button>End (wrap-up)…</Button>
      </DialogTrigger>
      <DialogSurface aria-describedby={undefined}>
        <form
          // The field says why in the page's words (the browser's own bubble would say it in its own).
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <DialogBody>
            <DialogTitle>End the conversation</DialogTitle>
            <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: '12px' }}>
              <Text>
                It moves to wrap-up. The code and note stay with the conversation in the customer's history,
                and the code counts in the supervisor's figures.
              </Text>
              {codes.length > 0 ? (
                <Field
                  label="Wrap-up code"
                  required={required}
                  {...(problem?.field === 'code'
                    ? {}
                    : { hint: required ? `Queue ${queue.name} requires a code.` : 'Optional.' })}
                  {...(problem?.field === 'code'
                    ? { validationState: 'error' as const, validationMessage: problem.message }
                    : {})}
                >
                  <Select
                    ref={codeBox}
                    value={code}
                    data-testid="wrap-up-code"
                    onChange={(_, data) => {
                      setCode(data.value);
                      if (problem?.field === 'code') setProblem(null);
                    }}
                  >
                    <option value="">{required ? 'Choose a code…' : 'No code'}</option>
                    {codes.map((entry) => (
                      <option key={entry.code} value={entry.code}>
                        {entry.label}
                      </option>
                    ))}
                  </Select>
                </Field>
              ) : (
                <Text>Queue {queue.name} has no wrap-up codes.</Text>
              )}
              <Field
                label="Note (optional)"
                hint={`${note.trim().length}/${WRAP_UP_NOTE_MAX} characters; your own words about the case.`}
                {...(problem?.field === 'note'
                  ? { validationState: 'error' as const, validationMessage: problem.message }
                  : {})}
              >
                <Textarea
                  ref={noteBox}
                  value={note}
                  rows={3}
                  resize="vertical"
                  onChange={(_, data) => {
                    setNote(data.value);
                    if (problem?.field === 'note') setProblem(null);
                  }}
                />
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
              <Button appearance="primary" type="submit" disabled={busy}>
                End conversation
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
