import type { Channel } from '../domain/channel.js';
import { maskPhone } from '../domain/mask.js';
import { advanceStatus, type Message, type OutboundStatus } from '../domain/message.js';
import { providerSendsMedia } from '../domain/outbound-media.js';
import type { PhoneNumber } from '../domain/phone.js';
import { AlreadyExistsError, ConcurrencyError, SendError, SendInDoubtError } from '../errors.js';
import type { DeliveryFailureReason, SmsSender, Stored } from '../ports.js';
import { setConsent } from './consent.js';
import type { CoreDeps } from './deps.js';
import { erasureOf } from './erased-opt-outs.js';
import { retryOnConflict } from './optimistic.js';
import { rateFor, reserveSendSlot } from './send-pace.js';

/** Longer waits go back to the queue instead of holding a consumer. */
const MAX_PACE_WAIT_MS = 10_000;

export interface DeliveryAttempt {
  deliveryCount: number;
  maxDeliveryCount: number;
}

export type DeliveryOutcome =
  | { status: 'sent'; providerMessageId: string }
  | { status: 'failed'; reason: string }
  | { status: 'skipped'; reason: string };

/** An outbound message always goes to the conversation's customer, an E.164 number. */
const customerOf = (message: Message) => message.to as PhoneNumber;

/**
 * The message's record: the one the delivery found, else written now (the reply crashed before it
 * stored it), else the one another writer got in first with.
 */
async function ensureStored(
  deps: CoreDeps,
  message: Message,
  found: Stored<Message> | undefined,
): Promise<Stored<Message>> {
  if (found) return found;
  try {
    return await deps.store.createMessage(message);
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    const stored = await deps.store.getMessage(message.conversationId, message.id);
    if (!stored) throw error;
    return stored;
  }
}

/**
 * Reads the message's record when asked, except the first time when the caller holds it already (the
 * record it just wrote): a send skips those point reads, and a conflict still re-reads.
 */
function readsOf(deps: CoreDeps, message: Message, known?: Stored<Message>) {
  let held = known;
  return async () => {
    const stored = held ?? (await deps.store.getMessage(message.conversationId, message.id));
    held = undefined;
    return stored;
  };
}

async function setStatus(
  deps: CoreDeps,
  message: Message,
  status: OutboundStatus,
  changes: { providerMessageId?: string; failureReason?: string } = {},
  known?: Stored<Message>,
) {
  const read = readsOf(deps, message, known);
  await retryOnConflict(async () => {
    const stored = await read();
    if (!stored) return;
    const advanced = advanceStatus(stored.value, status, changes.failureReason ?? null);
    const providerMessageId = advanced.providerMessageId ?? changes.providerMessageId ?? null;
    // A provider's report may have moved the status on already; the provider id is still ours to keep.
    if (advanced === stored.value && providerMessageId === stored.value.providerMessageId) return;
    await deps.store.replaceMessage({ ...advanced, providerMessageId }, stored.etag);
  });
}

async function markAttempt(
  deps: CoreDeps,
  message: Message,
  changes: Pick<Message, 'firstAttemptAt' | 'sendStartedAt'>,
  known?: Stored<Message>,
): Promise<Stored<Message> | undefined> {
  const read = readsOf(deps, message, known);
  const marked = await retryOnConflict(async () => {
    const stored = await read();
    if (!stored) return undefined;
    // Marking a send started (a provider without an idempotency key) over another delivery's mark
    // would send twice: that delivery (one that took the message while this one's lock lapsed)
    // may be sending right now. The caller read no mark, so one read now is another's.
    if (changes.sendStartedAt && stored.value.sendStartedAt) return 'started elsewhere' as const;
    return deps.store.replaceMessage({ ...stored.value, ...changes }, stored.etag);
  });
  if (marked === 'started elsewhere')
    throw new ConcurrencyError('another delivery of the message started sending it meanwhile');
  return marked;
}

/**
 * Which message the provider's id is, for reports that bring back only that id (a Twilio Messaging
 * Service's own callback URL). Written after the status says sent, so a failure or a crash here
 * never sends again: the queue redelivers, finds the message sent, and writes it then (writing it
 * twice changes nothing).
 */
async function rememberProviderId(
  deps: CoreDeps,
  provider: string,
  providerMessageId: string,
  message: Message,
) {
  await deps.store.putProviderMessage({
    provider,
    providerMessageId,
    conversationId: message.conversationId,
    messageId: message.id,
  });
}

/**
 * Waits for the sending number's next slot, which holds across every consumer; a slot too far off
 * goes back to the queue (rate-limited, with the wait) instead of holding a consumer.
 */
async function waitForSendSlot(deps: CoreDeps, channel: Channel, message: Message) {
  const wait = await reserveSendSlot(deps, message.from, rateFor(deps.sendRates, channel, message.from));
  if (wait > MAX_PACE_WAIT_MS) {
    throw new SendError(
      'rate-limited',
      `the sending number is busy; its next free slot is in ${Math.ceil(wait / 1000)} s`,
      wait,
    );
  }
  if (wait > 0) await deps.pacingClock.sleep(wait);
}

/**
 * A provider without an idempotency key cannot tell a repeated send from a new one: an attempt
 * that died before the provider answered may or may not have sent. Such a message is never sent
 * twice; the reason says why nothing went out. Otherwise the attempt is recorded (its first time is
 * kept: ACS wants it on every repeat, as repeatabilityFirstSent) and its first attempt's time given.
 * A message not stored yet (a notification's: the worker writes it when it takes it) is written
 * once, with its attempt already marked, instead of written and then marked.
 */
async function startAttempt(
  deps: CoreDeps,
  message: Message,
  found: Stored<Message> | undefined,
  sender: SmsSender,
): Promise<{ interrupted: string } | { firstAttemptAt: string; stored: Stored<Message> | undefined }> {
  const now = deps.clock.now().toISOString();
  const mark = (firstAttemptAt: string) => ({
    firstAttemptAt,
    ...(sender.idempotent ? {} : { sendStartedAt: now }),
  });
  if (!found) {
    try {
      return { firstAttemptAt: now, stored: await deps.store.createMessage({ ...message, ...mark(now) }) };
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
      // The reply's own request queues the send before it writes the record (outbound.ts), so the
      // record may appear between the read and this write: queued with no attempt on it, it is
      // that one, and the send goes on now (it waited a second's retry, and the number's next texts
      // behind it). Any other was written by another delivery (an attempt, a failure): the next
      // delivery reads it.
      const written = await deps.store.getMessage(message.conversationId, message.id);
      if (written && written.value.status === 'queued' && !written.value.firstAttemptAt)
        return startAttempt(deps, message, written, sender);
      throw new ConcurrencyError('the message was written meanwhile', { cause: error });
    }
  }
  const stored = found.value;
  if (!sender.idempotent && stored.sendStartedAt) {
    return {
      interrupted:
        'an earlier send was interrupted before the provider answered; it may have reached the customer, so it was not repeated',
    };
  }
  const firstAttemptAt = stored.firstAttemptAt ?? now;
  if (!stored.firstAttemptAt || !sender.idempotent) {
    return { firstAttemptAt, stored: await markAttempt(deps, stored, mark(firstAttemptAt), found) };
  }
  return { firstAttemptAt, stored: found };
}

/**
 * What the recipient's records say, read at the last moment before the provider call (after the
 * wait for the pace slot): a STOP accepted while this message waited must stop it. The one message
 * an opted-out number still gets is the confirmation that it opted out. When the worker would write
 * the message's record itself (a notification's, or a reply an erasure deleted), an erasure of the
 * customer since the message was made stops it too: sending would put their number and the text
 * back. A customer who wrote again since has a record, and their messages go.
 */
async function recipientStanding(
  deps: CoreDeps,
  channel: Channel,
  message: Message,
  writesRecord: boolean,
): Promise<'opted-out' | 'erased' | undefined> {
  const consentMatters = message.purpose !== 'opt-out-confirmation';
  if (!consentMatters && !writesRecord) return undefined;
  const customer = customerOf(message);
  const record = await deps.store.getCustomer(channel.id, customer);
  if (record) return consentMatters && record.value.optedOut ? 'opted-out' : undefined;
  const erasure = await erasureOf(deps, customer);
  if (writesRecord && erasure && erasure.erasedAt >= message.createdAt) return 'erased';
  return consentMatters && erasure?.channelIds.includes(channel.id) ? 'opted-out' : undefined;
}

/**
 * What a provider's refusal means for the message: transient and rate-limit failures go back to
 * the queue (thrown) until the last attempt; an opted-out answer records the opt-out; anything
 * else, or the last attempt, marks the message failed with the provider's reason.
 */
async function afterRefusal(
  deps: CoreDeps,
  context: {
    channel: Channel;
    message: Message;
    attempt: DeliveryAttempt;
    log: Record<string, string>;
    stored: Stored<Message> | undefined;
  },
  error: SendError,
): Promise<DeliveryOutcome> {
  const { channel, message, attempt, log, stored } = context;
  const retryable = error.kind === 'transient' || error.kind === 'rate-limited';
  if (retryable && attempt.deliveryCount < attempt.maxDeliveryCount) {
    deps.logger.warn('outbound.retry', { ...log, kind: error.kind, attempt: attempt.deliveryCount });
    throw error;
  }
  if (error.kind === 'opted-out') {
    const via = `${message.provider} refused the send: ${error.message}`;
    await setConsent(deps, channel.id, customerOf(message), true, via);
  }
  const reason = retryable
    ? `provider unavailable after ${attempt.deliveryCount} attempts: ${error.message}`
    : error.message;
  const counted: DeliveryFailureReason = retryable
    ? 'unavailable'
    : error.kind === 'opted-out'
      ? 'opted-out'
      : 'rejected';
  deps.logger.warn('outbound.failed', { ...log, kind: error.kind });
  // The record held is still good after the opt-out above: the consent write does not touch it
  // (were it written meanwhile, its etag would no longer match and setStatus would read it again).
  return fail(
    deps,
    message,
    reason,
    { channel: channel.id, provider: channel.provider, reason: counted },
    stored,
  );
}

/** Marks the message failed with the words an agent reads, and counts it by a bounded reason. */
async function fail(
  deps: CoreDeps,
  message: Message,
  reason: string,
  counted: { channel: string; provider: string; reason: DeliveryFailureReason },
  known?: Stored<Message>,
): Promise<DeliveryOutcome> {
  await setStatus(deps, message, 'failed', { failureReason: reason }, known);
  deps.metrics.add('sms.delivery.failures', counted);
  return { status: 'failed', reason };
}

/**
 * The outbound worker's use case: pace, idempotency, consent, then the provider, then the status.
 * The message id is the provider idempotency key, so a redelivered queue message cannot send
 * twice. Failures are mapped by afterRefusal, so an agent never sees a reply "queued" forever.
 */
export async function deliverOutbound(
  deps: CoreDeps,
  message: Message,
  attempt: DeliveryAttempt,
): Promise<DeliveryOutcome> {
  const found = await deps.store.getMessage(message.conversationId, message.id);
  if (found && found.value.status !== 'queued') {
    // Sent before, perhaps by an attempt that died before it recorded the provider's id.
    const provider = deps.directory.channelForNumber(message.from)?.provider;
    if (provider && found.value.providerMessageId)
      await rememberProviderId(deps, provider, found.value.providerMessageId, found.value);
    return { status: 'skipped', reason: `already ${found.value.status}` };
  }

  const log = { messageId: message.id, conversationId: message.conversationId, to: maskPhone(message.to) };
  const channel = deps.directory.channelForNumber(message.from);
  if (!channel) {
    const stored = await ensureStored(deps, message, found);
    return fail(
      deps,
      message,
      'the sending number no longer belongs to a channel',
      { channel: 'none', provider: message.provider, reason: 'no-channel' },
      stored,
    );
  }
  const counted = { channel: channel.id, provider: channel.provider };

  // Checked when the agent sent it; the channel may have moved to a provider without MMS since.
  if (message.media?.length && !providerSendsMedia(channel.provider)) {
    const stored = await ensureStored(deps, message, found);
    return fail(
      deps,
      message,
      `it carries media, and ${channel.provider} sends SMS only; nothing went out`,
      { ...counted, reason: 'media-unsupported' },
      stored,
    );
  }

  const sender = deps.senders.forChannel(channel);
  await waitForSendSlot(deps, channel, message);
  // Undefined: nothing stands in the way.
  const standing = await recipientStanding(deps, channel, found?.value ?? message, !found);
  if (standing === 'erased') {
    deps.logger.info('outbound.erased', log);
    return { status: 'skipped', reason: 'its customer was erased after it was queued' };
  }
  const started = await startAttempt(deps, message, found, sender);
  if ('interrupted' in started) {
    deps.logger.warn('outbound.interrupted', log);
    return fail(deps, message, started.interrupted, { ...counted, reason: 'interrupted' });
  }
  if (standing === 'opted-out') {
    const reason = 'the customer opted out of this channel';
    deps.logger.info('outbound.refused', { ...log, reason });
    return fail(deps, message, reason, { ...counted, reason: 'opted-out' }, started.stored);
  }
  try {
    const result = await sender.send({
      channel,
      idempotencyKey: message.id,
      from: message.from,
      to: customerOf(message),
      text: message.text,
      ...(message.media?.length ? { media: message.media } : {}),
      conversationId: message.conversationId,
      firstAttemptAt: started.firstAttemptAt,
    });
    await setStatus(deps, message, 'sent', { providerMessageId: result.providerMessageId }, started.stored);
    deps.metrics.add('sms.messages.sent', counted);
    await rememberProviderId(deps, channel.provider, result.providerMessageId, message);
    deps.logger.info('outbound.sent', { ...log, provider: channel.provider });
    return { status: 'sent', providerMessageId: result.providerMessageId };
  } catch (error) {
    if (!(error instanceof SendError)) throw error;
    if (error instanceof SendInDoubtError && !sender.idempotent) {
      // No answer to a request that went out: as for a send interrupted by a crash, the mark stays
      // and the message is not sent again (it may have reached the customer). A delivery report
      // that came meanwhile (the provider did take it) is left as it says.
      deps.logger.warn('outbound.interrupted', { ...log, kind: 'in-doubt' });
      const current = await deps.store.getMessage(message.conversationId, message.id);
      if (current && current.value.status !== 'queued')
        return { status: 'skipped', reason: `already ${current.value.status}` };
      return fail(
        deps,
        message,
        `${error.message}; it may have reached the customer, so it was not repeated`,
        { ...counted, reason: 'interrupted' },
        current ?? started.stored,
      );
    }
    // The provider answered: nothing is in doubt, a retry may send.
    const answered = sender.idempotent
      ? started.stored
      : await markAttempt(
          deps,
          message,
          { firstAttemptAt: started.firstAttemptAt, sendStartedAt: null },
          started.stored,
        );
    return afterRefusal(deps, { channel, message, attempt, log, stored: answered }, error);
  }
}

/**
 * An outbound message the queue gave up on (dead-lettered after its last delivery failed for a
 * reason other than the provider's answer, which already marks it failed): the agent must see that
 * it did not go, and why. A message already sent or delivered is left as it is.
 */
export async function failDeadLettered(deps: CoreDeps, message: Message, reason: string): Promise<void> {
  const failureReason = `it could not be sent after repeated failures (${reason}); nothing went out`;
  const marked = await retryOnConflict(async () => {
    const stored = await deps.store.getMessage(message.conversationId, message.id);
    if (stored && stored.value.status !== 'queued') return false;
    if (!stored) {
      // Never stored (the reply crashed first): the record is written failed. A writer that got
      // there meanwhile makes this a conflict, and the next attempt reads what it wrote.
      await deps.store.createMessage({ ...message, status: 'failed', failureReason }).catch((error) => {
        throw error instanceof AlreadyExistsError
          ? new ConcurrencyError('message written meanwhile', { cause: error })
          : error;
      });
      return true;
    }
    await deps.store.replaceMessage({ ...stored.value, status: 'failed', failureReason }, stored.etag);
    return true;
  });
  if (marked) {
    const channel = deps.directory.channelForNumber(message.from);
    deps.metrics.add('sms.delivery.failures', {
      channel: channel?.id ?? 'none',
      provider: message.provider,
      reason: 'dead-lettered',
    });
  }
  deps.logger.error('outbound.dead-lettered', {
    messageId: message.id,
    conversationId: message.conversationId,
    reason,
  });
}
