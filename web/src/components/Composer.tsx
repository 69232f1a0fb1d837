import { Button, makeStyles, Text, Textarea, tokens } from '@fluentui/react-components';
import { useId, useState } from 'react';
import { composerState } from '../logic/composer.js';
import { counterText, countMessage, describeCharacter } from '../logic/counter.js';
import type { ConversationState } from '../types.js';

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
  counter: { color: tokens.colorNeutralForeground2, flexGrow: 1 },
  over: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  reason: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
});

export function Composer(props: {
  state: ConversationState;
  optedOut: boolean;
  readOnly: boolean;
  onSend: (text: string) => Promise<boolean>;
}) {
  const [text, setText] = useState('');
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
      if (await props.onSend(text)) setText('');
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
      <label htmlFor={`${counterId}-text`}>Reply to the customer</label>
      <Textarea
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
      <Text id={reasonId} className={styles.reason} data-testid="composer-reason">
        {composer.editable && !sending && text.length === 0 ? '' : (composer.reason ?? '')}
      </Text>
    </form>
  );
}
