import {
  Badge,
  Button,
  Link,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  Text,
  Toolbar,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type Api, errorText } from '../api.js';
import { useLastAsked } from '../hooks.js';
import { reassignBlocked } from '../logic/floor.js';
import { customerLabel, dateTime } from '../logic/format.js';
import { replyBody } from '../logic/media.js';
import type { OfferedQuickReply } from '../logic/quick-replies.js';
import { authorName, authorOf, inOrder, statusText } from '../logic/thread.js';
import type { AgentView, ConversationDetail, Me, Message, QueueView } from '../types.js';
import { Composer } from './Composer.js';
import { CustomerHistory } from './CustomerHistory.js';
import { EndDialog } from './EndDialog.js';
import { TransferDialog, type TransferTarget } from './TransferDialog.js';

const useStyles = makeStyles({
  view: { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) 280px', height: '100%', minHeight: 0 },
  main: {
    display: 'flex',
    flexDirection: 'column',
    minHeight: 0,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  head: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  headTitle: { margin: 0, fontSize: tokens.fontSizeBase400, flexGrow: 1 },
  thread: {
    flexGrow: 1,
    overflowY: 'auto',
    padding: tokens.spacingHorizontalM,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    listStyleType: 'none',
    margin: 0,
    backgroundColor: tokens.colorNeutralBackground3,
  },
  bubble: {
    maxWidth: '70%',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusXLarge,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
  customer: {
    alignSelf: 'flex-start',
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  agent: {
    alignSelf: 'flex-end',
    backgroundColor: tokens.colorBrandBackground2,
    border: `1px solid ${tokens.colorBrandStroke2}`,
  },
  automated: {
    alignSelf: 'center',
    backgroundColor: tokens.colorNeutralBackground4,
    fontStyle: 'italic',
    border: `1px dashed ${tokens.colorNeutralStroke1}`,
  },
  meta: {
    display: 'block',
    fontSize: tokens.fontSizeBase200,
    color: tokens.colorNeutralForeground2,
    marginTop: '2px',
  },
  failed: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  media: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    flexWrap: 'wrap',
    marginTop: tokens.spacingVerticalXS,
  },
  thumb: { maxWidth: '160px', maxHeight: '120px', borderRadius: tokens.borderRadiusMedium },
  panel: {
    borderLeft: `1px solid ${tokens.colorNeutralStroke2}`,
    padding: tokens.spacingHorizontalM,
    overflowY: 'auto',
    backgroundColor: tokens.colorNeutralBackground1,
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'auto 1fr',
    gap: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground2 },
  dd: { margin: 0, overflowWrap: 'anywhere' },
});

const stateLabel: Record<string, string> = {
  open: 'In queue',
  active: 'Active',
  waiting: 'Set aside',
  'wrap-up': 'Wrap-up',
  closed: 'Closed',
};

export const stateBadgeColor = (state: string) =>
  state === 'active'
    ? 'success'
    : state === 'open'
      ? 'warning'
      : state === 'wrap-up'
        ? 'informative'
        : 'subtle';

export function ConversationView(props: {
  api: Api;
  conversationId: string;
  reloadKey: number;
  me: Me;
  agents: AgentView[];
  queues: QueueView[];
  /** The supervisor's view: read only, except reassigning it (to a queue or an agent). */
  supervising?: boolean;
  onChanged: () => void;
}) {
  const { api, conversationId } = props;
  const [fetched, setDetail] = useState<ConversationDetail | null>(null);
  // Right after another conversation is chosen, the last one's detail is still in state for a
  // render: never show it (or mark its messages read) under the new conversation's id.
  const detail = fetched?.conversation.id === conversationId ? fetched : null;
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const lastRead = useRef<number>(-1);
  const threadEnd = useRef<HTMLLIElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const refocus = useRef(false);
  const styles = useStyles();

  const ask = useLastAsked();
  const read = useCallback(async () => {
    const stillLast = ask();
    try {
      const answer = await api.get<ConversationDetail>(`conversations/${encodeURIComponent(conversationId)}`);
      if (!stillLast()) return;
      setDetail(answer);
      setError(null);
    } catch (failure) {
      if (stillLast()) setError(errorText(failure));
    }
  }, [api, conversationId, ask]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey is the parent's "read again".
  useEffect(() => {
    void read();
  }, [read, props.reloadKey]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: another conversation starts from nothing.
  useEffect(() => {
    setDetail(null);
    setNotice(null);
    lastRead.current = -1;
  }, [conversationId]);

  const conversation = detail?.conversation;
  const mine = !props.supervising && !!conversation && conversation.agentId === props.me.agent?.id;
  const messages = detail ? inOrder(detail.messages) : [];
  const lastSeq = messages.at(-1)?.seq ?? 0;

  // The composer's quick replies, filled for this conversation (its customer, case, queue, agent).
  const [quickReplies, setQuickReplies] = useState<OfferedQuickReply[]>([]);
  useEffect(() => {
    setQuickReplies([]);
    if (!mine) return;
    let current = true;
    api
      .get<{ quickReplies: OfferedQuickReply[] }>(
        `conversations/${encodeURIComponent(conversationId)}/quick-replies`,
      )
      .then((answer) => {
        if (current) setQuickReplies(answer.quickReplies);
      })
      // Without them the agent still writes; the picker is simply not offered.
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [mine, api, conversationId]);

  // The holder has read what they see: unread counts go to zero.
  useEffect(() => {
    if (!mine || lastSeq <= lastRead.current) return;
    lastRead.current = lastSeq;
    api
      .post(`conversations/${encodeURIComponent(conversationId)}/read`, { seq: lastSeq })
      .then(props.onChanged)
      .catch(() => undefined);
  }, [mine, lastSeq, api, conversationId, props.onChanged]);

  useEffect(() => {
    if (lastSeq > 0) threadEnd.current?.scrollIntoView({ block: 'end' });
  }, [lastSeq]);

  // An action often removes its own button (Set aside, the Transfer dialog): the keyboard would
  // fall to the top of the page, so once the view shows the outcome it goes to the heading.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the re-read view is shown.
  useEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    const active = document.activeElement;
    if (!active || active === document.body) heading.current?.focus();
  }, [detail]);

  /** Does it and says so; a refusal rejects, in the API's words. */
  const perform = async (what: string, path: string, body?: unknown): Promise<void> => {
    await api.post(`conversations/${encodeURIComponent(conversationId)}/${path}`, body);
    setNotice(what);
    setError(null);
    refocus.current = true;
    props.onChanged();
    await read();
  };

  const act = async (what: string, path: string, body?: unknown): Promise<boolean> => {
    try {
      await perform(what, path, body);
      return true;
    } catch (failure) {
      setError(errorText(failure));
      return false;
    }
  };

  if (!detail || !conversation) {
    return error ? (
      <MessageBar intent="error">
        <MessageBarBody>{error}</MessageBarBody>
      </MessageBar>
    ) : (
      <Spinner label="Opening the conversation…" />
    );
  }

  const customer = detail.customer;
  const optedOut = customer?.optedOut ?? false;
  const state = conversation.state;
  const holder = conversation.agentId;
  const inMyQueue = props.me.agent?.queueIds.includes(conversation.queueId) ?? false;
  // An agent transfers what they hold; a supervisor reassigns anything in a queue, active or set aside.
  const transferBlocked = props.supervising
    ? reassignBlocked(state)
    : !mine
      ? 'Only the agent who has this conversation can transfer it.'
      : !['active', 'waiting'].includes(state)
        ? 'Only a conversation an agent has (active or set aside) can be transferred.'
        : undefined;

  return (
    <section className={styles.view} aria-label={`Conversation with ${customerLabel(conversation)}`}>
      <div className={styles.main}>
        <div className={styles.head}>
          <h2 className={styles.headTitle} ref={heading} tabIndex={-1}>
            {customerLabel(conversation)}
          </h2>
          <Badge appearance="tint" color={stateBadgeColor(state)} data-testid="conversation-state">
            {stateLabel[state] ?? state}
          </Badge>
          {conversation.caseNumber && <Text data-testid="case-number">Case {conversation.caseNumber}</Text>}
          <Text>
            Queue{' '}
            {props.queues.find((queue) => queue.id === conversation.queueId)?.name ?? conversation.queueId}
          </Text>
          {holder && props.supervising && (
            <Text>Agent {props.agents.find((agent) => agent.id === holder)?.name ?? holder}</Text>
          )}
        </div>
        <Toolbar aria-label="Conversation actions" style={{ flexWrap: 'wrap', padding: '4px 12px' }}>
          {mine && (state === 'active' || state === 'waiting') && (
            <EndDialog
              queue={props.queues.find((queue) => queue.id === conversation.queueId)}
              queueId={conversation.queueId}
              onEnd={(body) => perform('Ended: the conversation is in wrap-up.', 'end', body)}
            />
          )}
          {mine && state === 'active' && (
            <Button
              onClick={() => void act('Set aside: the next customer message brings it back.', 'set-aside')}
            >
              Set aside
            </Button>
          )}
          {mine && state !== 'closed' && <Button onClick={() => void act('Closed.', 'close')}>Close</Button>}
          {!props.supervising && state === 'open' && inMyQueue && (
            <Button appearance="primary" onClick={() => void act('Picked: it is yours.', 'pick')}>
              Pick
            </Button>
          )}
          {/* Always there, disabled with the reason when it cannot move: once a transfer is done the
              dialog hands the keyboard back to this button instead of losing it. */}
          <TransferDialog
            agents={props.agents}
            queues={props.queues}
            holder={state === 'open' ? null : holder}
            verb={props.supervising ? 'Reassign' : 'Transfer'}
            {...(state === 'open' ? { waitingIn: conversation.queueId } : {})}
            {...(transferBlocked ? { disabledReason: transferBlocked } : {})}
            onTransfer={(target: TransferTarget) =>
              props.supervising
                ? perform('Reassigned.', 'reassign', target)
                : perform('Transferred.', 'transfer', target)
            }
          />
        </Toolbar>
        {error && (
          <MessageBar intent="error">
            <MessageBarBody>{error}</MessageBarBody>
          </MessageBar>
        )}
        {notice && !error && (
          <div role="status">
            <MessageBar intent="success">
              <MessageBarBody>{notice}</MessageBarBody>
            </MessageBar>
          </div>
        )}
        <ol className={styles.thread} aria-label="Messages" data-testid="thread">
          {messages.map((message) => (
            <MessageItem key={message.id} message={message} styles={styles} agents={props.agents} />
          ))}
          <li ref={threadEnd} aria-hidden="true" />
        </ol>
        {props.supervising ? (
          <Text style={{ padding: '8px 12px' }}>
            Read only: replies come from the agent who has the conversation; reassign it to move it.
          </Text>
        ) : (
          <Composer
            key={conversationId}
            state={state}
            optedOut={optedOut}
            readOnly={!mine}
            quickReplies={quickReplies}
            {...(detail.channel ? { sendsMedia: detail.channel.sendsMedia } : {})}
            onSend={(text, media) => perform('Reply queued.', 'messages', replyBody(text, media))}
          />
        )}
      </div>
      <aside className={styles.panel} aria-label="Customer">
        <h3 style={{ marginTop: 0 }}>Customer</h3>
        <dl className={styles.facts}>
          <dt className={styles.term}>Name</dt>
          <dd className={styles.dd}>{customer?.name ?? conversation.customerName ?? 'Unknown'}</dd>
          <dt className={styles.term}>Number</dt>
          <dd className={styles.dd}>{customer?.number ?? conversation.customer}</dd>
          <dt className={styles.term}>Language</dt>
          <dd className={styles.dd}>{customer?.language ?? 'Channel default'}</dd>
          {customer?.crm && (
            <>
              <dt className={styles.term}>CRM record</dt>
              <dd className={styles.dd} data-testid="crm">
                {customer.crm.url ? (
                  <Link href={customer.crm.url} target="_blank" rel="noopener noreferrer">
                    {customer.crm.id}
                  </Link>
                ) : (
                  customer.crm.id
                )}
              </dd>
            </>
          )}
          <dt className={styles.term}>Texts</dt>
          <dd className={styles.dd} data-testid="consent">
            {optedOut ? (
              <Badge color="danger" appearance="filled">
                Opted out on this channel
              </Badge>
            ) : (
              'Subscribed'
            )}
            {customer?.consentChangedAt && (
              <Text block size={200}>
                since {dateTime(customer.consentChangedAt)}
                {customer.consentChangedVia ? ` (${customer.consentChangedVia})` : ''}
              </Text>
            )}
          </dd>
        </dl>
        <CustomerHistory
          api={api}
          customer={conversation.customer}
          currentId={conversation.id}
          queues={props.queues}
          agents={props.agents}
        />
      </aside>
    </section>
  );
}

function MessageItem(props: { message: Message; styles: ReturnType<typeof useStyles>; agents: AgentView[] }) {
  const { message, styles } = props;
  const author = authorOf(message);
  const who = authorName(message, props.agents);
  const status = statusText(message);
  return (
    <li className={`${styles.bubble} ${styles[author]}`} data-author={author} data-testid="message">
      <span className={styles.meta}>
        {who} · {dateTime(message.createdAt)}
      </span>
      {message.text}
      {message.media && message.media.length > 0 && (
        <span className={styles.media}>
          {message.media.map((media, index) =>
            media.contentType.startsWith('image/') ? (
              <a key={media.url} href={media.url} target="_blank" rel="noreferrer">
                <img
                  className={styles.thumb}
                  src={media.url}
                  alt={`Attachment ${index + 1} ${message.direction === 'inbound' ? 'from the customer' : 'sent'} (${media.contentType})`}
                />
              </a>
            ) : (
              <Link key={media.url} href={media.url} target="_blank" rel="noreferrer">
                Attachment {index + 1} ({media.contentType})
              </Link>
            ),
          )}
        </span>
      )}
      {status && (
        <span
          className={`${styles.meta} ${message.status === 'failed' ? styles.failed : ''}`}
          data-testid="delivery-status"
        >
          {status}
        </span>
      )}
    </li>
  );
}
