import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';
const OTHER_CUSTOMER = '+14255550124';

const seed = {
  channels: [
    {
      id: 'support',
      name: 'Support',
      numbers: [SUPPORT],
      provider: 'local',
      autoCloseMinutes: 30,
      defaultQueueId: 'general',
    },
  ],
  queues: [{ id: 'general', name: 'General' }],
  agents: [{ id: 'alice', name: 'Alice', capacity: 2, queueIds: ['general'], presence: 'offline' }],
};

/** One sample of the exposition: `name{a="x",b="y"}` (labels sorted) to its value. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match?.[1] || !match[3]) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels = [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, key, value]) => `${key}="${value}"`)
      .sort();
    found.set(labels.length > 0 ? `${match[1]}{${labels.join(',')}}` : match[1], Number(match[3]));
  }
  return found;
}

/**
 * A scripted conversation on the local host (embedded default, manual clock), and the figures
 * GET /metrics must show for it afterwards: both threads' recordings, in the Prometheus text format.
 */
describe('the local host serves the figures of a scripted conversation at GET /metrics', () => {
  let t: TestHost;

  beforeAll(async () => {
    t = await startTestHost({}, seed);
  });
  afterAll(async () => {
    await t.stop();
  });

  const scrape = async () => {
    const response = await fetch(`${t.host.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    return { text, figures: samples(text) };
  };
  /** Scrapes until the figure has this value: the queue thread's recordings arrive a moment later. */
  const figureReaches = (sample: string, value: number) =>
    t.eventually(async () => {
      const { figures } = await scrape();
      return figures.get(sample) === value && figures;
    }, `${sample} to be ${value}`);
  const outbox = async (to: string) =>
    (await t.api('GET', `local/outbox?to=${encodeURIComponent(to)}`)).body.messages as {
      providerMessageId: string;
      text: string;
    }[];

  it('measures the line: one conversation waiting two minutes', async () => {
    const accepted = await t.api('POST', 'local/inbound', {
      from: CUSTOMER,
      to: SUPPORT,
      text: 'My parcel is late',
    });
    expect(accepted.status).toBe(202);
    await t.settle();
    await t.api('POST', 'local/clock', { advanceMinutes: 2 });
    await t.host.invoke('metricsTimer');
    const figures = await figureReaches('sms_queue_depth{queue="general"}', 1);
    expect(figures.get('sms_queue_oldest_wait{queue="general"}')).toBe(120);
    for (const queue of ['sms-inbound', 'sms-outbound', 'sms-assignment'])
      expect(figures.get(`sms_work_dead_letters{queue="${queue}"}`)).toBe(0);
  });

  it('counts the conversation: received, assigned, answered, a failed delivery, an opt-out, an auto-close', async () => {
    expect((await t.api('PUT', 'agents/alice/presence', { presence: 'available' })).status).toBe(200);
    const [conversation] = await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations');
      return body.conversations.length === 1 && body.conversations;
    }, 'alice to be given the conversation');
    await t.api('POST', 'local/clock', { advanceMinutes: 1 });
    const reply = await t.api('POST', `conversations/${conversation.id}/messages`, {
      agentId: 'alice',
      text: 'Let me check where it is',
    });
    expect(reply.status).toBe(202);
    const [sent] = await t.eventually(async () => {
      const messages = await outbox(CUSTOMER);
      return messages.length === 1 && messages;
    }, 'the reply in the outbox');
    const report = await t.api('POST', 'local/delivery-report', {
      providerMessageId: sent?.providerMessageId,
      status: 'failed',
    });
    expect(report.status).toBe(202);

    await t.api('POST', 'local/inbound', { from: OTHER_CUSTOMER, to: SUPPORT, text: 'STOP' });
    await t.settle();
    await t.api('POST', 'local/clock', { advanceMinutes: 45 });
    await t.host.invoke('autoCloseTimer');
    await t.settle();

    const sentInAll = (await outbox(CUSTOMER)).length + (await outbox(OTHER_CUSTOMER)).length;
    const figures = await figureReaches('sms_auto_closes_total{channel="support",reason="idle-active"}', 1);
    expect(figures.get('sms_messages_received_total{channel="support",provider="local"}')).toBe(2);
    expect(figures.get('sms_messages_sent_total{channel="support",provider="local"}')).toBe(sentInAll);
    expect(
      figures.get('sms_delivery_failures_total{channel="support",provider="local",reason="undelivered"}'),
    ).toBe(1);
    expect(figures.get('sms_consent_changes_total{change="opt-out",channel="support"}')).toBe(1);
    expect(figures.get('sms_assignments_total{queue="general"}')).toBe(1);
    expect(figures.get('sms_accept_to_stored_count')).toBe(2);
    // Accepted, two minutes in the line, then alice: one wait of two minutes.
    expect(figures.get('sms_accept_to_assigned_count{queue="general"}')).toBe(1);
    expect(figures.get('sms_accept_to_assigned_sum{queue="general"}')).toBe(120_000);
    // Opened, two minutes in the line and a minute with alice before her answer.
    expect(figures.get('sms_first_reply_wait_count{channel="support",queue="general"}')).toBe(1);
    expect(figures.get('sms_first_reply_wait_sum{channel="support",queue="general"}')).toBe(180_000);
  });

  it('carries no phone number or message text', async () => {
    const { text } = await scrape();
    expect(text).not.toMatch(/\+?1425555\d{4}/);
    expect(text).not.toContain('parcel');
    expect(text).not.toContain('STOP');
  });
});
