import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Text,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type Api, errorText } from '../api.js';
import { ConnectionBanner } from '../components/ConnectionBanner.js';
import { useLive, useRereader } from '../hooks.js';
import { counterText, countMessage } from '../logic/counter.js';
import { dateTime } from '../logic/format.js';
import { phoneThread, type SentText } from '../logic/phone.js';
import type { LiveHint, OutboxEntry } from '../types.js';

const useStyles = makeStyles({
  page: {
    display: 'flex',
    gap: tokens.spacingHorizontalXXL,
    padding: tokens.spacingHorizontalXL,
    flexWrap: 'wrap',
    alignItems: 'flex-start',
  },
  settings: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    maxWidth: '360px',
    padding: tokens.spacingHorizontalL,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    boxShadow: tokens.shadow4,
  },
  phone: {
    width: '380px',
    height: '640px',
    display: 'flex',
    flexDirection: 'column',
    border: `10px solid ${tokens.colorNeutralForeground1}`,
    borderRadius: '36px',
    overflow: 'hidden',
    backgroundColor: tokens.colorNeutralBackground1,
  },
  top: {
    padding: tokens.spacingHorizontalM,
    textAlign: 'center',
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground3,
  },
  thread: {
    flexGrow: 1,
    overflowY: 'auto',
    listStyleType: 'none',
    margin: 0,
    padding: tokens.spacingHorizontalM,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  bubble: {
    maxWidth: '78%',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: '18px',
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
  mine: {
    alignSelf: 'flex-end',
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  theirs: {
    alignSelf: 'flex-start',
    backgroundColor: tokens.colorNeutralBackground4,
    color: tokens.colorNeutralForeground1,
  },
  time: { display: 'block', fontSize: tokens.fontSizeBase100, marginTop: '2px' },
  compose: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalS,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  grow: { flexGrow: 1 },
});

const SENT_KEY = 'sms.phone.sent';

function loadSent(): SentText[] {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(SENT_KEY) ?? '[]') as SentText[];
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/**
 * The phone simulator (embedded default only): a customer's phone texting one of our numbers
 * through the local provider, and what the app "sent" back. Playing the handset, it reports each
 * reply it shows as delivered, as the carrier would.
 */
export function PhonePage({ api }: { api: Api }) {
  const [customer, setCustomer] = useState('+14255550123');
  const [support, setSupport] = useState('+14255550100');
  const [text, setText] = useState('');
  const [sent, setSent] = useState<SentText[]>(loadSent);
  const [outbox, setOutbox] = useState<OutboxEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reported = useRef(new Set<string>());
  const threadEnd = useRef<HTMLLIElement>(null);
  const styles = useStyles();

  const readOutbox = useCallback(async () => {
    try {
      const { messages } = await api.get<{ messages: OutboxEntry[] }>(
        `local/outbox?to=${encodeURIComponent(customer)}`,
      );
      setOutbox(messages);
      for (const entry of messages) {
        if (reported.current.has(entry.providerMessageId)) continue;
        reported.current.add(entry.providerMessageId);
        api
          .call(
            'POST',
            'local/delivery-report',
            { providerMessageId: entry.providerMessageId, status: 'delivered' },
            false,
          )
          .catch(() => reported.current.delete(entry.providerMessageId));
      }
    } catch (failure) {
      setError(errorText(failure));
    }
  }, [api, customer]);

  const reread = useRereader(readOutbox);
  const status = useLive(
    api,
    useCallback(
      (hint: LiveHint | null) => {
        if (hint === null || hint.type === 'outbox.changed') reread();
      },
      [reread],
    ),
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: another number shows another phone.
  useEffect(() => {
    reread();
  }, [reread, customer]);

  // Without the live stream, look now and then (the simulator must still show replies).
  useEffect(() => {
    if (status === 'connected') return;
    const timer = setInterval(reread, 2000);
    return () => clearInterval(timer);
  }, [status, reread]);

  const thread = phoneThread({ customer, support, sent, outbox });
  const last = thread.at(-1)?.key;

  useEffect(() => {
    if (last) threadEnd.current?.scrollIntoView({ block: 'end' });
  }, [last]);

  const send = async () => {
    if (!text.trim()) return;
    setBusy(true);
    try {
      await api.call('POST', 'local/inbound', { from: customer, to: support, text }, false);
      const next = [...sent, { from: customer, to: support, text, at: new Date().toISOString() }];
      sessionStorage.setItem(SENT_KEY, JSON.stringify(next));
      setSent(next);
      setText('');
      setError(null);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={styles.page}>
      <section className={styles.settings} aria-labelledby="phone-settings">
        <h2 id="phone-settings" style={{ margin: 0 }}>
          Phone simulator
        </h2>
        <Text>
          Text the product as a customer would, through the local SMS provider. Replies appear on the phone as
          they are sent, and the phone reports them delivered.
        </Text>
        <Field label="Customer's number" hint="The phone you are holding (E.164)">
          <Input type="tel" value={customer} onChange={(_, data) => setCustomer(data.value.trim())} />
        </Field>
        <Field label="Support number" hint="One of a channel's numbers, for example +14255550100">
          <Input type="tel" value={support} onChange={(_, data) => setSupport(data.value.trim())} />
        </Field>
        <ConnectionBanner status={status} />
        {error && (
          <MessageBar intent="error">
            <MessageBarBody>{error}</MessageBarBody>
          </MessageBar>
        )}
      </section>
      <section className={styles.phone} aria-label={`Phone ${customer}`}>
        <div className={styles.top}>
          <Text weight="semibold">{support}</Text>
        </div>
        <ol
          className={styles.thread}
          aria-label="Texts on the phone"
          aria-live="polite"
          data-testid="phone-thread"
        >
          {thread.length === 0 && <Text>No texts yet. Write one below.</Text>}
          {thread.map((item) => (
            <li
              key={item.key}
              className={`${styles.bubble} ${item.mine ? styles.mine : styles.theirs}`}
              data-testid={item.mine ? 'phone-sent' : 'phone-received'}
            >
              <span className="visually-hidden">{item.mine ? 'You: ' : `${support}: `}</span>
              {item.text}
              <span className={styles.time}>{dateTime(item.at)}</span>
            </li>
          ))}
          <li ref={threadEnd} aria-hidden="true" />
        </ol>
        <form
          className={styles.compose}
          onSubmit={(event) => {
            event.preventDefault();
            void send();
          }}
        >
          <div className={styles.row}>
            <Field label="Text message" className={styles.grow} hint={counterText(countMessage(text))}>
              <Textarea
                value={text}
                rows={2}
                resize="vertical"
                onChange={(_, data) => setText(data.value)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter' && !event.shiftKey) {
                    event.preventDefault();
                    void send();
                  }
                }}
              />
            </Field>
            <Button appearance="primary" type="submit" disabled={busy || !text.trim()}>
              Send
            </Button>
          </div>
        </form>
      </section>
    </div>
  );
}
