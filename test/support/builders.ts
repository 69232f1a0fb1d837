import type { Agent } from '../../shared/domain/agent.js';
import { automatedMessagesSchema } from '../../shared/domain/automated-messages.js';
import type { Channel } from '../../shared/domain/channel.js';
import { consentSchema } from '../../shared/domain/consent.js';
import { type Conversation, openConversation } from '../../shared/domain/conversation.js';
import { type CustomerState, newCustomerState } from '../../shared/domain/customer.js';
import { type Message, messageSegments } from '../../shared/domain/message.js';
import type { PhoneNumber, SenderNumber } from '../../shared/domain/phone.js';

/** Numbers from the 555-01xx range, reserved for fiction. */
export const SUPPORT_NUMBER = '+14255550100' as SenderNumber;
export const ALERTS_NUMBER = '+14255550199' as SenderNumber;
export const CUSTOMER = '+14255550123' as PhoneNumber;
export const OTHER_CUSTOMER = '+14255550124' as PhoneNumber;

export function aConversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    ...openConversation({
      id: 'conv-1',
      channelId: 'support',
      channelNumber: SUPPORT_NUMBER,
      customer: CUSTOMER,
      queueId: 'general',
      at: '2026-11-23T09:00:00.000Z',
    }),
    ...overrides,
  };
}

export function aMessage(overrides: Partial<Message> = {}): Message {
  const text = overrides.text ?? 'Hello, I need help';
  return {
    id: 'local:m1',
    conversationId: 'conv-1',
    seq: 1,
    direction: 'inbound',
    author: { kind: 'customer' },
    from: CUSTOMER,
    to: SUPPORT_NUMBER,
    text,
    segments: messageSegments(text),
    createdAt: '2026-11-23T09:00:00.000Z',
    provider: 'local',
    providerMessageId: 'm1',
    status: 'received',
    failureReason: null,
    ...overrides,
  };
}

export function anAgent(overrides: Partial<Agent> = {}): Agent {
  return {
    id: 'alice',
    name: 'Alice',
    capacity: 2,
    queueIds: ['general'],
    presence: 'available',
    assignments: [],
    ...overrides,
  };
}

export function aCustomerState(overrides: Partial<CustomerState> = {}): CustomerState {
  return { ...newCustomerState('support', CUSTOMER), ...overrides };
}

export function aChannel(overrides: Partial<Channel> = {}): Channel {
  return {
    id: 'support',
    name: 'Support',
    numbers: [{ number: SUPPORT_NUMBER }],
    provider: 'local',
    direction: 'inbound-outbound',
    language: 'en',
    autoCloseMinutes: 30,
    autoClose: { open: null, active: 30, waiting: 30, 'wrap-up': 1440 },
    defaultQueueId: 'general',
    automatedMessages: automatedMessagesSchema.parse(undefined),
    agentInitiated: { enabled: true, onlyWhenOpen: false, respectQuietHours: true },
    affinity: false,
    routing: [],
    consent: consentSchema.parse({}),
    ...overrides,
  };
}
