import {
  Badge,
  Button,
  CounterBadge,
  Field,
  MessageBar,
  MessageBarBody,
  makeStyles,
  ProgressBar,
  Select,
  Text,
  ToggleButton,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type Api, errorText } from '../api.js';
import { beep, loadMuted, saveMuted } from '../beep.js';
import { ConnectionBanner } from '../components/ConnectionBanner.js';
import { ConversationView, stateBadgeColor } from '../components/ConversationView.js';
import { NewConversationDialog } from '../components/NewConversationDialog.js';
import { useLive, useNow, useRereader } from '../hooks.js';
import { customerLabel, formatDuration, timeAgo } from '../logic/format.js';
import { arrivals } from '../logic/thread.js';
import {
  type AgentView,
  type ConversationSummary,
  type LiveHint,
  type Me,
  type Presence,
  presences,
  type QueueView,
} from '../types.js';

export const usePageStyles = makeStyles({
  page: { display: 'grid', gridTemplateColumns: '340px minmax(0, 1fr)', height: '100%', minHeight: 0 },
  side: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    overflowY: 'auto',
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  work: { minHeight: 0, display: 'flex', flexDirection: 'column' },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400 },
  list: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: '4px',
  },
  item: {
    width: '100%',
    textAlign: 'left',
    display: 'grid',
    gridTemplateColumns: '1fr auto',
    gap: '2px 8px',
    padding: tokens.spacingHorizontalS,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
    cursor: 'pointer',
    font: 'inherit',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '1px' },
  },
  selected: {
    border: `2px solid ${tokens.colorBrandStroke1}`,
    backgroundColor: tokens.colorBrandBackground2,
  },
  fresh: { boxShadow: `0 0 0 3px ${tokens.colorPaletteYellowBorderActive}` },
  name: {
    fontWeight: tokens.fontWeightSemibold,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  excerpt: {
    gridColumn: '1 / span 2',
    color: tokens.colorNeutralForeground2,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  small: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  row: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  empty: { margin: 'auto', color: tokens.colorNeutralForeground2, padding: tokens.spacingHorizontalXXL },
  queue: {
    padding: tokens.spacingHorizontalS,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
});

const groups: { state: ConversationSummary['state']; label: string }[] = [
  { state: 'active', label: 'Active' },
  { state: 'waiting', label: 'Set aside' },
  { state: 'wrap-up', label: 'Wrap-up' },
];

const presenceLabel: Record<Presence, string> = {
  available: 'Available',
  busy: 'Busy',
  away: 'Away',
  offline: 'Offline',
};

export function AgentPage({ api, me }: { api: Api; me: Me }) {
  const agentId = me.agent?.id ?? '';
  const [agent, setAgent] = useState<AgentView | undefined>(me.agent);
  const [conversations, setConversations] = useState<ConversationSummary[] | null>(null);
  const [queues, setQueues] = useState<QueueView[]>([]);
  const [pickLines, setPickLines] = useState<Record<string, ConversationSummary[]>>({});
  const [agents, setAgents] = useState<AgentView[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [cue, setCue] = useState<string | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [muted, setMuted] = useState(loadMuted);
  const known = useRef<ConversationSummary[] | null>(null);
  const mutedRef = useRef(muted);
  mutedRef.current = muted;
  const now = useNow();
  const styles = usePageStyles();

  const readAll = useCallback(async () => {
    try {
      const [mine, lines, team, meNow] = await Promise.all([
        api.get<{ conversations: ConversationSummary[] }>(
          `agents/${encodeURIComponent(agentId)}/conversations`,
        ),
        api.get<{ queues: QueueView[] }>('queues'),
        api.get<{ agents: AgentView[] }>('agents'),
        api.get<Me>('me'),
      ]);
      const picks: Record<string, ConversationSummary[]> = {};
      await Promise.all(
        lines.queues
          .filter((queue) => queue.distribution === 'pick')
          .map(async (queue) => {
            const answer = await api.get<{ conversations: ConversationSummary[] }>(
              `queues/${encodeURIComponent(queue.id)}/conversations`,
            );
            picks[queue.id] = answer.conversations;
          }),
      );
      const news = arrivals(known.current, mine.conversations);
      known.current = mine.conversations;
      setConversations(mine.conversations);
      setQueues(lines.queues);
      setPickLines(picks);
      setAgents(team.agents);
      setAgent(meNow.agent ?? team.agents.find((candidate) => candidate.id === agentId));
      setError(null);
      const changed = [...news.newConversations, ...news.newMessages];
      if (changed.length > 0) {
        const first = mine.conversations.find((summary) => summary.id === changed[0]);
        const who = first ? customerLabel(first) : 'a customer';
        setCue(news.newConversations.length > 0 ? `New conversation: ${who}` : `New message from ${who}`);
        setFresh((before) => new Set([...before, ...changed]));
        if (!mutedRef.current) beep();
      }
    } catch (failure) {
      setError(errorText(failure));
    }
  }, [api, agentId]);

  const reread = useRereader(readAll);
  const onLive = useCallback(
    (_hint: LiveHint | null) => {
      reread();
      setReloadKey((key) => key + 1);
    },
    [reread],
  );
  const status = useLive(api, onLive);

  useEffect(() => {
    reread();
  }, [reread]);

  // Whatever was selected and is no longer the agent's stays open (read only) until they choose another.
  const open = (id: string) => {
    setSelected(id);
    setFresh((before) => {
      const next = new Set(before);
      next.delete(id);
      return next;
    });
  };

  const setPresence = async (presence: Presence) => {
    try {
      await api.put(`agents/${encodeURIComponent(agentId)}/presence`, { presence });
      reread();
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  const load = agent?.load ?? 0;
  const capacity = agent?.capacity ?? 1;

  return (
    <div className={styles.page}>
      <div className={styles.side}>
        <ConnectionBanner status={status} />
        <section className={styles.section} aria-labelledby="me-heading">
          <h2 id="me-heading" className={styles.heading}>
            {agent?.name ?? agentId}
          </h2>
          <Field label="Presence">
            <Select
              value={agent?.presence ?? 'offline'}
              onChange={(_, data) => void setPresence(data.value as Presence)}
              data-testid="presence"
            >
              {presences.map((presence) => (
                <option key={presence} value={presence}>
                  {presenceLabel[presence]}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={`Load: ${load} of ${capacity}`} validationState="none">
            <ProgressBar
              value={Math.min(1, load / capacity)}
              aria-label={`Load ${load} of ${capacity}`}
              thickness="large"
            />
          </Field>
          <div className={styles.row}>
            {/* One name, pressed or not (a label that flips with the state reads backwards). */}
            <ToggleButton
              size="small"
              checked={muted}
              data-testid="mute"
              onClick={() => {
                saveMuted(!muted);
                setMuted(!muted);
              }}
            >
              Mute sound
            </ToggleButton>
            <NewConversationDialog
              api={api}
              onStarted={(id) => {
                open(id);
                reread();
              }}
            />
          </div>
        </section>
        <div role="status" aria-live="polite" data-testid="cue">
          {cue && (
            <MessageBar intent="info">
              <MessageBarBody>{cue}</MessageBarBody>
            </MessageBar>
          )}
        </div>
        {error && (
          <MessageBar intent="error">
            <MessageBarBody>{error}</MessageBarBody>
          </MessageBar>
        )}
        <nav aria-label="My conversations" className={styles.section}>
          <h2 className={styles.heading}>My conversations</h2>
          {conversations?.length === 0 && <Text className={styles.small}>None right now.</Text>}
          {groups.map(({ state, label }) => {
            const inGroup = (conversations ?? []).filter((summary) => summary.state === state);
            if (inGroup.length === 0) return null;
            return (
              <div key={state} className={styles.section}>
                <Text weight="semibold">
                  {label} ({inGroup.length})
                </Text>
                <ul className={styles.list} data-testid={`list-${state}`}>
                  {inGroup.map((summary) => (
                    <li key={summary.id}>
                      <ConversationItem
                        summary={summary}
                        now={now}
                        selected={selected === summary.id}
                        fresh={fresh.has(summary.id)}
                        onOpen={() => open(summary.id)}
                      />
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </nav>
        <section className={styles.section} aria-labelledby="queues-heading">
          <h2 id="queues-heading" className={styles.heading}>
            My queues
          </h2>
          {queues.map((queue) => (
            <div key={queue.id} className={styles.queue} data-testid={`queue-${queue.id}`}>
              <div className={styles.row}>
                <Text weight="semibold">{queue.name}</Text>
                <Badge appearance="outline">{queue.distribution}</Badge>
              </div>
              <Text className={styles.small}>
                {queue.waiting} waiting · longest {formatDuration(queue.longestWaitSeconds)}
              </Text>
              {queue.distribution === 'pick' && (
                <ul className={styles.list} aria-label={`Waiting in ${queue.name}`}>
                  {(pickLines[queue.id] ?? []).map((summary) => (
                    <li key={summary.id} className={styles.row}>
                      <Text>{customerLabel(summary)}</Text>
                      <Text className={styles.small}>{timeAgo(summary.createdAt, now)}</Text>
                      <Button
                        size="small"
                        aria-label={`View the conversation with ${customerLabel(summary)}`}
                        onClick={() => open(summary.id)}
                      >
                        View
                      </Button>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ))}
        </section>
      </div>
      <div className={styles.work}>
        {selected ? (
          <ConversationView
            api={api}
            conversationId={selected}
            reloadKey={reloadKey}
            me={me}
            agents={agents}
            queues={queues}
            onChanged={reread}
          />
        ) : (
          <Text className={styles.empty}>
            {conversations && conversations.length > 0
              ? 'Choose a conversation on the left.'
              : agent?.presence === 'available'
                ? 'Waiting for customers: new conversations appear here as they are assigned.'
                : 'Set your presence to Available to be given conversations.'}
          </Text>
        )}
      </div>
    </div>
  );
}

function ConversationItem(props: {
  summary: ConversationSummary;
  now: number;
  selected: boolean;
  fresh: boolean;
  onOpen: () => void;
}) {
  const { summary } = props;
  const styles = usePageStyles();
  const last = summary.lastMessage;
  const who = last
    ? last.author === 'customer'
      ? ''
      : last.author === 'agent'
        ? 'You: '
        : 'Automated: '
    : '';
  const since = timeAgo(last?.at ?? summary.lastActivityAt, props.now);
  return (
    <button
      type="button"
      className={`${styles.item} ${props.selected ? styles.selected : ''} ${props.fresh ? styles.fresh : ''}`}
      aria-current={props.selected ? 'true' : undefined}
      onClick={props.onOpen}
      data-testid="conversation-item"
      data-conversation-id={summary.id}
    >
      <span className={styles.name}>{customerLabel(summary)}</span>
      <span className={styles.row}>
        <span className={styles.small}>{since}</span>
        {summary.unread > 0 && (
          <CounterBadge count={summary.unread} color="danger" size="small" aria-hidden="true" />
        )}
        <Badge appearance="tint" size="small" color={stateBadgeColor(summary.state)} aria-hidden="true">
          {summary.state}
        </Badge>
      </span>
      <span className="visually-hidden">
        , {summary.state}, {summary.unread} unread:{' '}
      </span>
      <span className={styles.excerpt}>
        {who}
        {last?.text ?? ''}
      </span>
    </button>
  );
}
