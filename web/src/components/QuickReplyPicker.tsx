import { Combobox, makeStyles, Option, Text, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import {
  filterQuickReplies,
  type OfferedQuickReply,
  overLimitWith,
  quickReplyLabel,
} from '../logic/quick-replies.js';

const useStyles = makeStyles({
  picker: { minWidth: '260px', flexGrow: 1, maxWidth: '420px' },
  option: { display: 'flex', flexDirection: 'column', minWidth: 0, maxWidth: '380px' },
  preview: {
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  over: { color: tokens.colorPaletteRedForeground1, fontSize: tokens.fontSizeBase200 },
});

/**
 * The composer's quick replies: type to find one by name or text, arrows and Enter (or a click)
 * to pick it. Picking only hands the filled text to the composer; nothing is sent.
 */
export function QuickReplyPicker(props: {
  replies: OfferedQuickReply[];
  draft: string;
  disabled: boolean;
  onPick: (reply: OfferedQuickReply) => void;
}) {
  const [query, setQuery] = useState('');
  const styles = useStyles();
  const shown = filterQuickReplies(props.replies, query);
  return (
    <Combobox
      className={styles.picker}
      aria-label="Insert a quick reply"
      placeholder={props.replies.length === 0 ? 'No quick replies' : 'Quick reply: type to search'}
      disabled={props.disabled || props.replies.length === 0}
      freeform
      value={query}
      selectedOptions={[]}
      data-testid="quick-reply-picker"
      onChange={(event) => setQuery(event.target.value)}
      onOptionSelect={(_, data) => {
        const reply = props.replies.find((candidate) => candidate.id === data.optionValue);
        setQuery('');
        if (reply) props.onPick(reply);
      }}
    >
      {shown.length === 0 ? (
        <Option key="none" value="" text="" disabled>
          No quick reply matches “{query.trim()}”
        </Option>
      ) : (
        shown.map((reply) => {
          const over = overLimitWith(props.draft, reply);
          return (
            <Option key={reply.id} value={reply.id} text={quickReplyLabel(reply)}>
              <span className={styles.option} data-testid="quick-reply-option">
                <Text weight="semibold">
                  {quickReplyLabel(reply)} <Text size={200}>({reply.language})</Text>
                </Text>
                <span className={styles.preview}>{reply.text}</span>
                {over && <span className={styles.over}>Would pass the message limit with your draft</span>}
              </span>
            </Option>
          );
        })
      )}
    </Combobox>
  );
}
