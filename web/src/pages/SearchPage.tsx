import {
  Badge,
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Select,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type Api, errorText } from '../api.js';
import {
  type ConversationHit,
  emptySearch,
  type SearchAnswer,
  type SearchForm,
  searchPath,
  wrapUpText,
} from '../logic/search.js';
import type { AgentView, ConversationState, QueueView } from '../types.js';

const PAGE_SIZE = 20;
const states: ConversationState[] = ['open', 'active', 'waiting', 'wrap-up', 'closed'];

const useStyles = makeStyles({
  page: {
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
    flexShrink: 0,
  },
  heading: { margin: `0 0 ${tokens.spacingVerticalS}`, fontSize: tokens.fontSizeBase400 },
  fields: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(180px, 1fr))',
    gap: tokens.spacingHorizontalM,
    alignItems: 'end',
  },
  actions: { display: 'flex', gap: tokens.spacingHorizontalM, marginTop: tokens.spacingVerticalM },
  customer: { display: 'flex', flexDirection: 'column' },
  muted: { color: tokens.colorNeutralForeground3 },
  more: { display: 'flex', justifyContent: 'center', marginTop: tokens.spacingVerticalM },
});

const stateColor = (state: ConversationState) =>
  state === 'open'
    ? 'warning'
    : state === 'active'
      ? 'success'
      : state === 'closed'
        ? 'subtle'
        : 'informative';

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A supervisor's search of the conversations (`GET search/conversations`): by number, contact name,
 * case number, dates, queue, agent and state, newest first, a page at a time ("Show more" asks for
 * the next with the continuation the last answered). What the API refuses is shown as it says it.
 */
export function SearchPage({ api }: { api: Api }) {
  const styles = useStyles();
  const [form, setForm] = useState<SearchForm>(emptySearch);
  const [queues, setQueues] = useState<QueueView[]>([]);
  const [agents, setAgents] = useState<AgentView[]>([]);
  const [hits, setHits] = useState<ConversationHit[] | undefined>();
  const [continuation, setContinuation] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [searched, setSearched] = useState<SearchForm>(emptySearch);

  useEffect(() => {
    api
      .get<{ queues: QueueView[] }>('queues')
      .then((answer) => setQueues(answer.queues))
      .catch(() => setQueues([]));
    api
      .get<{ agents: AgentView[] }>('agents')
      .then((answer) => setAgents(answer.agents))
      .catch(() => setAgents([]));
  }, [api]);

  const run = useCallback(
    async (filters: SearchForm, next?: string) => {
      setBusy(true);
      setError(undefined);
      try {
        const answer = await api.get<SearchAnswer>(searchPath(filters, PAGE_SIZE, next));
        setHits((before) => (next ? [...(before ?? []), ...answer.conversations] : answer.conversations));
        setContinuation(answer.continuation);
        setSearched(filters);
      } catch (caught) {
        setError(errorText(caught));
      } finally {
        setBusy(false);
      }
    },
    [api],
  );

  useEffect(() => {
    void run(emptySearch);
  }, [run]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(form);
  };
  const set = (name: keyof SearchForm) => (_: unknown, data: { value: string }) =>
    setForm((before) => ({ ...before, [name]: data.value }));
  const queueName = (id: string) => queues.find((queue) => queue.id === id)?.name ?? id;
  const agentName = (id: string | null) => (id ? (agents.find((agent) => agent.id === id)?.name ?? id) : '–');

  return (
    <div className={styles.page}>
      <section className={styles.card} aria-labelledby="search-heading">
        <h2 id="search-heading" className={styles.heading}>
          Search conversations
        </h2>
        <form onSubmit={submit} aria-label="Search conversations">
          <div className={styles.fields}>
            <Field label="Number">
              <Input value={form.number} onChange={set('number')} placeholder="+14255550123" />
            </Field>
            <Field label="Contact name">
              <Input value={form.contact} onChange={set('contact')} placeholder="Starts with…" />
            </Field>
            <Field label="Case number">
              <Input value={form.caseNumber} onChange={set('caseNumber')} />
            </Field>
            <Field label="From">
              <Input type="date" value={form.from} onChange={set('from')} />
            </Field>
            <Field label="To">
              <Input type="date" value={form.to} onChange={set('to')} />
            </Field>
            <Field label="Queue">
              <Select value={form.queue} onChange={set('queue')}>
                <option value="">Any queue</option>
                {queues.map((queue) => (
                  <option key={queue.id} value={queue.id}>
                    {queue.name}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="Agent">
              <Select value={form.agent} onChange={set('agent')}>
                <option value="">Any agent</option>
                {agents.map((agent) => (
                  <option key={agent.id} value={agent.id}>
                    {agent.name}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="State">
              <Select value={form.state} onChange={set('state')}>
                <option value="">Any state</option>
                {states.map((state) => (
                  <option key={state} value={state}>
                    {state}
                  </option>
                ))}
              </Select>
            </Field>
          </div>
          <div className={styles.actions}>
            <Button appearance="primary" type="submit" disabled={busy}>
              Search
            </Button>
            <Button
              type="button"
              disabled={busy}
              onClick={() => {
                setForm(emptySearch);
                void run(emptySearch);
              }}
            >
              Clear
            </Button>
          </div>
        </form>
      </section>

      {error && (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}

      <section className={styles.card} aria-labelledby="results-heading">
        <h2 id="results-heading" className={styles.heading}>
          Results
        </h2>
        {hits === undefined ? (
          <Spinner label="Searching…" />
        ) : hits.length === 0 ? (
          <Text>No conversation matches{searched === emptySearch ? ' yet' : ' this search'}.</Text>
        ) : (
          <Table aria-label="Conversations found" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Opened</TableHeaderCell>
                <TableHeaderCell>Customer</TableHeaderCell>
                <TableHeaderCell>Case</TableHeaderCell>
                <TableHeaderCell>Queue</TableHeaderCell>
                <TableHeaderCell>Agent</TableHeaderCell>
                <TableHeaderCell>State</TableHeaderCell>
                <TableHeaderCell>Wrap-up</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {hits.map((hit) => (
                <TableRow key={hit.id} data-conversation={hit.id}>
                  <TableCell>{when(hit.createdAt)}</TableCell>
                  <TableCell>
                    <div className={styles.customer}>
                      <Text weight="semibold">{hit.customerName ?? hit.customer}</Text>
                      {hit.customerName && <Text className={styles.muted}>{hit.customer}</Text>}
                    </div>
                  </TableCell>
                  <TableCell>{hit.caseNumber ?? '–'}</TableCell>
                  <TableCell>{queueName(hit.queueId)}</TableCell>
                  <TableCell>{agentName(hit.agentId)}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={stateColor(hit.state)}>
                      {hit.state}
                    </Badge>
                  </TableCell>
                  <TableCell>
                    {hit.wrapUp ? (
                      <span title={hit.wrapUp.code ? `code ${hit.wrapUp.code}` : undefined}>
                        {wrapUpText(hit)}
                      </span>
                    ) : (
                      <Text className={styles.muted}>–</Text>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {continuation && (
          <div className={styles.more}>
            <Button disabled={busy} onClick={() => void run(searched, continuation)}>
              Show more
            </Button>
          </div>
        )}
      </section>
    </div>
  );
}
