import {
  Badge,
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import { type Api, errorText } from '../api.js';
import { ConnectionBanner } from '../components/ConnectionBanner.js';
import { ConversationView, stateBadgeColor } from '../components/ConversationView.js';
import { TransferDialog } from '../components/TransferDialog.js';
import { useLive, useNow, useRereader } from '../hooks.js';
import { floorAgents, floorConversations, floorTotals, reassignBlocked } from '../logic/floor.js';
import { customerLabel, formatDuration, formatShare } from '../logic/format.js';
import type { AgentView, ConversationSummary, Figures, FiguresAnswer, Me, QueueView } from '../types.js';

const useStyles = makeStyles({
  page: { display: 'grid', height: '100%', minHeight: 0 },
  withView: { gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1.1fr)' },
  floor: {
    overflowY: 'auto',
    padding: tokens.spacingHorizontalL,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
  },
  card: {
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    boxShadow: tokens.shadow4,
    padding: tokens.spacingHorizontalM,
    overflowX: 'auto',
    // In the scrolling column a card keeps its height (flex items shrink and clip by default).
    flexShrink: 0,
  },
  heading: { margin: `0 0 ${tokens.spacingVerticalS}`, fontSize: tokens.fontSizeBase400 },
  totals: { display: 'flex', gap: tokens.spacingHorizontalXL, flexWrap: 'wrap' },
  total: { display: 'flex', flexDirection: 'column' },
  big: {
    fontSize: tokens.fontSizeHero700,
    fontWeight: tokens.fontWeightSemibold,
    lineHeight: tokens.lineHeightHero700,
  },
  view: {
    borderLeft: `1px solid ${tokens.colorNeutralStroke2}`,
    minHeight: 0,
    display: 'flex',
    flexDirection: 'column',
  },
  viewHead: { display: 'flex', justifyContent: 'flex-end', padding: tokens.spacingHorizontalXS },
  row: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'flex-end', flexWrap: 'wrap' },
  chips: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
});

const presenceColor = (presence: string) =>
  presence === 'available'
    ? 'success'
    : presence === 'busy'
      ? 'danger'
      : presence === 'away'
        ? 'warning'
        : 'subtle';

const today = () => new Date().toISOString().slice(0, 10);

export function SupervisorPage({ api, me }: { api: Api; me: Me }) {
  const [queues, setQueues] = useState<QueueView[]>([]);
  const [agents, setAgents] = useState<AgentView[]>([]);
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);
  const [figures, setFigures] = useState<FiguresAnswer | null>(null);
  const [date, setDate] = useState(today);
  const [selected, setSelected] = useState<string | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const now = useNow();
  const styles = useStyles();

  const readAll = useCallback(async () => {
    try {
      const [lines, team, ongoing, day] = await Promise.all([
        api.get<{ queues: QueueView[] }>('queues'),
        api.get<{ agents: AgentView[] }>('agents'),
        api.get<{ conversations: ConversationSummary[] }>('conversations?state=open,active,waiting,wrap-up'),
        api.get<FiguresAnswer>(`figures?date=${encodeURIComponent(date)}`),
      ]);
      setQueues(lines.queues);
      setAgents(team.agents);
      setConversations(ongoing.conversations);
      setFigures(day);
      setError(null);
    } catch (failure) {
      setError(errorText(failure));
    }
  }, [api, date]);

  const reread = useRereader(readAll);
  const status = useLive(
    api,
    useCallback(() => {
      reread();
      setReloadKey((key) => key + 1);
    }, [reread]),
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new date is read at once.
  useEffect(() => {
    reread();
  }, [reread, date]);

  const totals = floorTotals(queues, agents);
  const rows = floorConversations(conversations, now);
  const team = floorAgents(agents, conversations);
  const queueName = (id: string | undefined) => queues.find((queue) => queue.id === id)?.name ?? id ?? '';
  const agentName = (id: string | null | undefined) =>
    id ? (agents.find((agent) => agent.id === id)?.name ?? id) : '';

  return (
    <div className={`${styles.page} ${selected ? styles.withView : ''}`}>
      <div className={styles.floor}>
        <ConnectionBanner status={status} />
        {error && (
          <MessageBar intent="error">
            <MessageBarBody>{error}</MessageBarBody>
          </MessageBar>
        )}
        <section className={`${styles.card} ${styles.totals}`} aria-label="Floor totals">
          <Total label="Waiting" value={String(totals.waiting)} testId="total-waiting" styles={styles} />
          <Total label="Longest wait" value={formatDuration(totals.longestWaitSeconds)} styles={styles} />
          <Total label="Agents available" value={String(totals.agentsAvailable)} styles={styles} />
          <Total label="Free seats" value={String(totals.freeSeats)} styles={styles} />
        </section>

        <section className={styles.card} aria-labelledby="queues-heading">
          <h2 id="queues-heading" className={styles.heading}>
            Queues
          </h2>
          <Table size="small" style={{ tableLayout: 'auto' }} aria-labelledby="queues-heading">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Queue</TableHeaderCell>
                <TableHeaderCell>Mode</TableHeaderCell>
                <TableHeaderCell>Waiting</TableHeaderCell>
                <TableHeaderCell>Longest wait</TableHeaderCell>
                <TableHeaderCell>Service level target</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {queues.map((queue) => (
                <TableRow key={queue.id} data-testid={`floor-queue-${queue.id}`}>
                  <TableCell>{queue.name}</TableCell>
                  <TableCell>{queue.distribution}</TableCell>
                  <TableCell data-testid="waiting">{queue.waiting}</TableCell>
                  <TableCell>{formatDuration(queue.longestWaitSeconds)}</TableCell>
                  <TableCell>{formatDuration(queue.serviceLevelSeconds ?? 60)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </section>

        <section className={styles.card} aria-labelledby="agents-heading">
          <h2 id="agents-heading" className={styles.heading}>
            Agents
          </h2>
          <Table size="small" style={{ tableLayout: 'auto' }} aria-labelledby="agents-heading">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Agent</TableHeaderCell>
                <TableHeaderCell>Presence</TableHeaderCell>
                <TableHeaderCell>Load</TableHeaderCell>
                <TableHeaderCell>Conversations</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {team.map(({ agent, conversations: held }) => (
                <TableRow key={agent.id} data-testid={`floor-agent-${agent.id}`}>
                  <TableCell>{agent.name}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={presenceColor(agent.presence)}>
                      {agent.presence}
                    </Badge>
                  </TableCell>
                  <TableCell>
                    {agent.load}/{agent.capacity}
                  </TableCell>
                  <TableCell>
                    <span className={styles.chips}>
                      {held.map((summary) => (
                        <Button key={summary.id} size="small" onClick={() => setSelected(summary.id)}>
                          {customerLabel(summary)} ({summary.state})
                        </Button>
                      ))}
                    </span>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </section>

        <section className={styles.card} aria-labelledby="ongoing-heading">
          <h2 id="ongoing-heading" className={styles.heading}>
            Ongoing conversations ({rows.length})
          </h2>
          <Table size="small" style={{ tableLayout: 'auto' }} aria-labelledby="ongoing-heading">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Customer</TableHeaderCell>
                <TableHeaderCell>State</TableHeaderCell>
                <TableHeaderCell>Queue</TableHeaderCell>
                <TableHeaderCell>Agent</TableHeaderCell>
                <TableHeaderCell>Wait</TableHeaderCell>
                <TableHeaderCell>Handle time</TableHeaderCell>
                <TableHeaderCell>Action</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map(({ summary, waitSeconds, handleSeconds }) => (
                <TableRow
                  key={summary.id}
                  data-testid="floor-conversation"
                  aria-selected={selected === summary.id}
                >
                  <TableCell>{customerLabel(summary)}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={stateBadgeColor(summary.state)}>
                      {summary.state}
                    </Badge>
                  </TableCell>
                  <TableCell>{queueName(summary.queueId)}</TableCell>
                  <TableCell>{agentName(summary.agentId)}</TableCell>
                  <TableCell>{formatDuration(waitSeconds)}</TableCell>
                  <TableCell>{formatDuration(handleSeconds)}</TableCell>
                  <TableCell>
                    <span className={styles.chips}>
                      <Button
                        size="small"
                        aria-label={`Open the conversation with ${customerLabel(summary)}`}
                        onClick={() => setSelected(summary.id)}
                      >
                        Open
                      </Button>
                      <TransferDialog
                        agents={agents}
                        queues={queues}
                        holder={summary.state === 'open' ? null : (summary.agentId ?? null)}
                        verb="Reassign"
                        triggerLabel={`Reassign the conversation with ${customerLabel(summary)}`}
                        {...(summary.state === 'open' && summary.queueId
                          ? { waitingIn: summary.queueId }
                          : {})}
                        {...(reassignBlocked(summary.state)
                          ? { disabledReason: reassignBlocked(summary.state) }
                          : {})}
                        onTransfer={async (target) => {
                          await api.post(`conversations/${encodeURIComponent(summary.id)}/reassign`, target);
                          reread();
                          setReloadKey((key) => key + 1);
                        }}
                      />
                    </span>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </section>

        <section className={styles.card} aria-labelledby="figures-heading">
          <div className={styles.row}>
            <h2 id="figures-heading" className={styles.heading} style={{ flexGrow: 1 }}>
              Figures for {figures?.date ?? date} (UTC)
            </h2>
            <Field label="Day">
              <Input type="date" value={date} onChange={(_, data) => data.value && setDate(data.value)} />
            </Field>
          </div>
          <FiguresTable
            title="By queue"
            rows={(figures?.queues ?? []).map((row) => ({ name: queueName(row.queueId), figures: row }))}
          />
          <FiguresTable
            title="By channel"
            rows={(figures?.channels ?? []).map((row) => ({ name: row.channelId, figures: row }))}
          />
        </section>
      </div>
      {selected && (
        <div className={styles.view}>
          <div className={styles.viewHead}>
            <Button onClick={() => setSelected(null)}>Close the conversation view</Button>
          </div>
          <ConversationView
            api={api}
            conversationId={selected}
            reloadKey={reloadKey}
            me={me}
            agents={agents}
            queues={queues}
            supervising
            onChanged={reread}
          />
        </div>
      )}
    </div>
  );
}

function Total(props: {
  label: string;
  value: string;
  testId?: string;
  styles: ReturnType<typeof useStyles>;
}) {
  return (
    <div className={props.styles.total}>
      <Text>{props.label}</Text>
      <span className={props.styles.big} data-testid={props.testId}>
        {props.value}
      </span>
    </div>
  );
}

function FiguresTable(props: { title: string; rows: { name: string; figures: Figures }[] }) {
  return (
    <>
      <h3 style={{ marginBottom: 4 }}>{props.title}</h3>
      {props.rows.length === 0 ? (
        <Text>Nothing recorded yet.</Text>
      ) : (
        <Table
          size="small"
          style={{ tableLayout: 'auto' }}
          aria-label={`Figures ${props.title.toLowerCase()}`}
        >
          <TableHeader>
            <TableRow>
              <TableHeaderCell>{props.title === 'By queue' ? 'Queue' : 'Channel'}</TableHeaderCell>
              <TableHeaderCell>Received</TableHeaderCell>
              <TableHeaderCell>Answered</TableHeaderCell>
              <TableHeaderCell>Auto-closed unanswered</TableHeaderCell>
              <TableHeaderCell>Average wait</TableHeaderCell>
              <TableHeaderCell>90th percentile wait</TableHeaderCell>
              <TableHeaderCell>Average handle time</TableHeaderCell>
              <TableHeaderCell>Service level</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {props.rows.map(({ name, figures }) => (
              <TableRow key={name}>
                <TableCell>{name}</TableCell>
                <TableCell>{figures.received}</TableCell>
                <TableCell>{figures.answered}</TableCell>
                <TableCell>{figures.autoClosedUnanswered}</TableCell>
                <TableCell>{formatDuration(figures.averageWaitSeconds)}</TableCell>
                <TableCell>{formatDuration(figures.p90WaitSeconds)}</TableCell>
                <TableCell>{formatDuration(figures.averageHandleSeconds)}</TableCell>
                <TableCell>
                  {formatShare(figures.serviceLevel.share)} within{' '}
                  {formatDuration(figures.serviceLevel.targetSeconds)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
