import {
  Badge,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Link,
  makeStyles,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import { type Api, errorText } from '../api.js';
import { useLastAsked } from '../hooks.js';
import { dateTime } from '../logic/format.js';
import { addPage, type HistoryRow, historyPath, historyRow } from '../logic/history.js';
import { authorName, authorOf, inOrder, statusText } from '../logic/thread.js';
import type { AgentView, HistoryEntry, HistoryPage, QueueView } from '../types.js';

const useStyles = makeStyles({
  list: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  item: {
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
    padding: tokens.spacingHorizontalS,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  line: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  small: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  transcript: {
    listStyleType: 'none',
    margin: 0,
    padding: tokens.spacingHorizontalS,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    maxHeight: '55vh',
    overflowY: 'auto',
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
  },
  bubble: {
    maxWidth: '80%',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusLarge,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  customer: { alignSelf: 'flex-start', backgroundColor: tokens.colorNeutralBackground1 },
  agent: { alignSelf: 'flex-end', backgroundColor: tokens.colorBrandBackground2 },
  automated: { alignSelf: 'center', backgroundColor: tokens.colorNeutralBackground4, fontStyle: 'italic' },
  meta: { display: 'block', fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
});

/**
 * The customer's conversations on every channel, newest first, a page at a time, each with its
 * date, queue, agent, state and wrap-up; any one's transcript opens in a dialog. The one on screen
 * is left out (its thread is there already).
 */
export function CustomerHistory(props: {
  api: Api;
  customer: string;
  currentId: string;
  queues: QueueView[];
  agents: AgentView[];
}) {
  const { api, customer } = props;
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [next, setNext] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const styles = useStyles();
  const ask = useLastAsked();

  const readPage = useCallback(
    async (before?: string) => {
      const stillLast = ask();
      setBusy(true);
      try {
        const page = await api.get<HistoryPage>(historyPath(customer, before));
        if (!stillLast()) return;
        setEntries((shown) => addPage(before ? (shown ?? []) : [], page.conversations));
        setNext(page.next);
        setError(null);
      } catch (failure) {
        if (stillLast()) setError(errorText(failure));
      } finally {
        if (stillLast()) setBusy(false);
      }
    },
    [api, customer, ask],
  );

  useEffect(() => {
    setEntries(null);
    setNext(undefined);
    void readPage();
  }, [readPage]);

  const shown = (entries ?? []).filter((entry) => entry.conversation.id !== props.currentId);

  return (
    <section aria-labelledby="history-heading" data-testid="customer-history">
      <h3 id="history-heading">Earlier conversations</h3>
      {error && (
        <Text role="alert" className={styles.small}>
          Could not read the history: {error}
        </Text>
      )}
      {entries === null && !error && <Spinner size="tiny" label="Reading the history…" />}
      {entries !== null && shown.length === 0 && !next && <Text>None.</Text>}
      <ol className={styles.list} aria-label="Earlier conversations, newest first">
        {shown.map((entry) => (
          <HistoryItem
            key={entry.conversation.id}
            entry={entry}
            row={historyRow(entry.conversation, { queues: props.queues, agents: props.agents })}
            agents={props.agents}
          />
        ))}
      </ol>
      {next && (
        <Button
          size="small"
          style={{ marginTop: tokens.spacingVerticalS }}
          disabled={busy}
          onClick={() => void readPage(next)}
        >
          {busy ? 'Reading…' : 'Show older'}
        </Button>
      )}
    </section>
  );
}

function HistoryItem(props: { entry: HistoryEntry; row: HistoryRow; agents: AgentView[] }) {
  const { row, entry } = props;
  const styles = useStyles();
  const title = `${row.caseNumber ? `Case ${row.caseNumber}` : 'Conversation'}, ${row.date}`;
  return (
    <li className={styles.item} data-testid="history-item" data-conversation-id={row.id}>
      <span className={styles.line}>
        <Text weight="semibold">{row.date}</Text>
        <Badge appearance="tint" size="small" color="subtle">
          {row.state}
        </Badge>
      </span>
      <Text className={styles.small}>
        {row.caseNumber ? `Case ${row.caseNumber} · ` : ''}
        {row.queue} · {row.agent}
      </Text>
      <Text className={styles.small} data-testid="history-wrap-up">
        Wrap-up: {row.wrapUp || 'none'}
      </Text>
      <Dialog>
        <DialogTrigger disableButtonEnhancement>
          <Link as="button" aria-label={`Open transcript: ${title}`}>
            Open transcript
          </Link>
        </DialogTrigger>
        <DialogSurface aria-describedby={undefined}>
          <DialogBody>
            <DialogTitle>Transcript: {title}</DialogTitle>
            <DialogContent>
              <Text block className={styles.small}>
                {row.queue} · {row.agent} · {row.state}
                {row.wrapUp ? ` · Wrap-up: ${row.wrapUp}` : ''}
              </Text>
              {row.note && (
                <Text block className={styles.small}>
                  Note: {row.note}
                </Text>
              )}
              <ol className={styles.transcript} aria-label="Messages" data-testid="history-transcript">
                {entry.messages.length === 0 && <li>No messages kept.</li>}
                {inOrder(entry.messages).map((message) => {
                  const author = authorOf(message);
                  const who = authorName(message, props.agents);
                  const status = statusText(message);
                  return (
                    <li
                      key={message.id}
                      className={`${styles.bubble} ${styles[author]}`}
                      data-author={author}
                    >
                      <span className={styles.meta}>
                        {who} · {dateTime(message.createdAt)}
                      </span>
                      {message.text}
                      {message.media?.map((media, index) => (
                        <Link key={media.url} href={media.url} target="_blank" rel="noreferrer">
                          {' '}
                          Attachment {index + 1} ({media.contentType})
                        </Link>
                      ))}
                      {status && <span className={styles.meta}>{status}</span>}
                    </li>
                  );
                })}
              </ol>
            </DialogContent>
            <DialogActions>
              <DialogTrigger disableButtonEnhancement>
                <Button appearance="primary">Close</Button>
              </DialogTrigger>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </li>
  );
}
