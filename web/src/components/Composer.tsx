import {
  Button,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Text,
  Textarea,
  ToggleButton,
  tokens,
} from '@fluentui/react-components';
import { useId, useRef, useState } from 'react';
import { errorText } from '../api.js';
import { composerState } from '../logic/composer.js';
import { counterText, countMessage, describeCharacter } from '../logic/counter.js';
import { applyQuickReply, type OfferedQuickReply } from '../logic/quick-replies.js';
import type { ConversationState, Media } from '../types.js';
import { AttachMedia } from './AttachMedia.js';
import { QuickReplyPicker } from './QuickReplyPicker.js';

const useStyles = makeStyles({
  composer: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalM,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  row: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', flexWrap: 'wrap' },
  label: { flexGrow: 1 },
  counter: { color: tokens.colorNeutralForeground2, flexGrow: 1 },
  over: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  reason: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
});

export function Composer(props: {
  state: ConversationState;
  optedOut: boolean;
  readOnly: boolean;
  /** Filled for this conversation by the API; the picker shows when there are any to offer. */
  quickReplies?: OfferedQuickReply[];
  /**
   * Whether the channel's provider sends media, as the API says; attachments are offered unless it
   * says no (the API refuses them then, and the composer shows why).
   */
  sendsMedia?: boolean;
  /** Rejects with the API's words when the reply is refused; the composer shows them, keeping the draft. */
  onSend: (text: string, media: Media[]) => Promise<void>;
}) {
  const [media, setMedia] = useState<Media[]>([]);
  const [attaching, setAttaching] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [text, setText] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  const [sending, setSending] = useState(false);
  const counter = countMessage(text);
  const composer = composerState({
    text,
    sending,
    state: props.state,
    optedOut: props.optedOut,
    readOnly: props.readOnly,
  });
  const counterId = useId();
  const reasonId = useId();
  const styles = useStyles();

  const send = async () => {
    if (!composer.canSend) return;
    setSending(true);
    try {
      await props.onSend(text, media);
      setText('');
      setMedia([]);
      setAttaching(false);
      setRefusal(null);
    } catch (failure) {
      setRefusal(errorText(failure));
    } finally {
      setSending(false);
    }
  };

  return (
    <form
      className={styles.composer}
      aria-label="Reply"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <div className={styles.row}>
        <label htmlFor={`${counterId}-text`} className={styles.label}>
          Reply to the customer
        </label>
        {props.sendsMedia !== false && (
          <ToggleButton
            checked={attaching || media.length > 0}
            disabled={!composer.editable}
            onClick={() => setAttaching(!attaching)}
          >
            {media.length > 0 ? `Attach media (${media.length})` : 'Attach media'}
          </ToggleButton>
        )}
        {props.quickReplies && props.quickReplies.length > 0 && (
          <QuickReplyPicker
            replies={props.quickReplies}
            draft={text}
            disabled={!composer.editable}
            onPick={(reply) => {
              setText((draft) => applyQuickReply(draft, reply));
              // The agent reads and edits it before sending: the keyboard goes to the text.
              requestAnimationFrame(() => box.current?.focus());
            }}
          />
        )}
      </div>
      <Textarea
        ref={box}
        id={`${counterId}-text`}
        value={text}
        disabled={!composer.editable}
        resize="vertical"
        rows={3}
        aria-describedby={`${counterId} ${reasonId}`}
        placeholder={composer.editable ? 'Write a reply (Ctrl+Enter sends)' : undefined}
        onChange={(_, data) => setText(data.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void send();
          }
        }}
      />
      {(attaching || media.length > 0) && props.sendsMedia !== false && (
        <AttachMedia media={media} disabled={!composer.editable || sending} onChange={setMedia} />
      )}
      <div className={styles.row}>
        <Text
          id={counterId}
          className={`${styles.counter} ${counter.over ? styles.over : ''}`}
          data-testid="counter"
        >
          {counterText(counter)}
          {counter.ucs2Because &&
            `: character ${counter.ucs2Because.position}, ${describeCharacter(counter.ucs2Because.character)}, is not in GSM-7`}
        </Text>
        <Button appearance="primary" type="submit" disabled={!composer.canSend}>
          Send
        </Button>
      </div>
      {refusal && (
        <div role="alert" data-testid="send-refused">
          <MessageBar intent="error">
            <MessageBarBody>Not sent: {refusal}</MessageBarBody>
          </MessageBar>
        </div>
      )}
      <Text id={reasonId} className={styles.reason} data-testid="composer-reason">
        {composer.editable && !sending && text.length === 0 ? '' : (composer.reason ?? '')}
      </Text>
    </form>
  );
}
