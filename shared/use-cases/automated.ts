import { type AutomatedKind, type AutomatedValue, automatedText } from '../domain/automated-messages.js';
import type { Conversation } from '../domain/conversation.js';
import type { CoreDeps } from './deps.js';
import { queueOutbound } from './outbound.js';

type Values = Record<string, AutomatedValue>;

/**
 * Sends one of the channel's automated messages in a conversation, if the channel has it on. The
 * id comes from the event that caused it, so a repeat of the event (a redelivery, a rerun) sends
 * nothing more; nothing is sent to a customer who opted out. Returns whether it was queued.
 */
export async function sendAutomated(
  deps: CoreDeps,
  conversation: Conversation,
  kind: AutomatedKind,
  id: string,
  /** The message's own values, or a function giving them (read only when the message will go). */
  values: Values | (() => Promise<Values>) = {},
): Promise<boolean> {
  const channel = deps.directory.findChannel(conversation.channelId);
  if (!channel?.automatedMessages[kind].enabled) return false;
  // Sent already (the event came again long after the queue's duplicate window): not again.
  if (await deps.store.getMessage(conversation.id, id)) return false;
  const customer = await deps.store.getCustomer(channel.id, conversation.customer);
  if (customer?.value.optedOut) return false;
  const text = automatedText(channel, kind, conversation.language, {
    customerName: conversation.customerName,
    caseNumber: conversation.caseNumber,
    ...(typeof values === 'function' ? await values() : values),
  });
  if (!text) return false;
  // queueOutbound takes a message already written (the outbound worker's) as its own record.
  await queueOutbound(deps, conversation.id, text, { kind: 'system' }, { id, purpose: 'automated' });
  return true;
}

/** The agent's display name, for messages that introduce them. */
export async function agentName(deps: CoreDeps, agentId: string | null): Promise<string | undefined> {
  return agentId ? (await deps.store.getAgent(agentId))?.value.name : undefined;
}
