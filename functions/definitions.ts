import type { App } from '../shared/app.js';
import { acsEventGridFunction } from './acs-event-grid.js';
import { acsEventsFunction } from './acs-events.js';
import { agentConversationsFunction } from './agent-conversations.js';
import { agentPresenceFunction } from './agent-presence.js';
import { agentsFunction } from './agents.js';
import { assignmentWorkerFunction } from './assignment-worker.js';
import { autoCloseTimerFunction } from './auto-close-timer.js';
import { channelCredentialsFunction } from './channel-credentials.js';
import { channelsFunction } from './channels.js';
import { connectorDefinitionFunction, connectorPropertiesFunction } from './connector.js';
import { consoleFunction } from './console.js';
import { conversationCloseFunction } from './conversation-close.js';
import { conversationEndFunction } from './conversation-end.js';
import { conversationGetFunction } from './conversation-get.js';
import { conversationPickFunction } from './conversation-pick.js';
import { conversationQuickRepliesFunction } from './conversation-quick-replies.js';
import { conversationReadFunction } from './conversation-read.js';
import { conversationReassignFunction } from './conversation-reassign.js';
import { conversationReplyFunction } from './conversation-reply.js';
import { conversationSearchFunction } from './conversation-search.js';
import { conversationSetAsideFunction } from './conversation-set-aside.js';
import { conversationStartFunction } from './conversation-start.js';
import { conversationTransferFunction } from './conversation-transfer.js';
import { conversationsOngoingFunction } from './conversations-ongoing.js';
import { customerHistoryFunction } from './customer-history.js';
import type { FunctionDefinition } from './definition.js';
import { eventsPublisherFunction } from './events-publisher.js';
import { figuresFunction } from './figures.js';
import { healthFunction } from './health.js';
import { inboundWorkerFunction } from './inbound-worker.js';
import { localClockFunction } from './local-clock.js';
import { localDeliveryReportFunction } from './local-delivery-report.js';
import { localInboundFunction } from './local-inbound.js';
import { localOutboxFunction } from './local-outbox.js';
import { manageAgentFunction } from './manage-agent.js';
import { manageAgentsFunction } from './manage-agents.js';
import { manageChannelFunction } from './manage-channel.js';
import { manageChannelHolidaysFunction } from './manage-channel-holidays.js';
import { manageChannelHoursFunction } from './manage-channel-hours.js';
import { manageChannelKeywordsFunction } from './manage-channel-keywords.js';
import { manageChannelMessageFunction } from './manage-channel-message.js';
import { manageChannelMessagesFunction } from './manage-channel-messages.js';
import { manageChannelNumberFunction } from './manage-channel-number.js';
import { manageChannelNumbersFunction } from './manage-channel-numbers.js';
import { manageChannelRoutingFunction } from './manage-channel-routing.js';
import { manageChannelsFunction } from './manage-channels.js';
import { manageConfigurationFunction } from './manage-configuration.js';
import { manageContactFunction } from './manage-contact.js';
import { manageContactsFunction } from './manage-contacts.js';
import { manageCustomerEraseFunction, manageCustomerExportFunction } from './manage-customer.js';
import {
  manageDeadLetterFunction,
  manageDeadLetterReplayFunction,
  manageDeadLettersFunction,
  manageQueueDeadLettersFunction,
} from './manage-dead-letters.js';
import {
  manageEventDeliveriesFunction,
  manageEventSubscriptionFunction,
  manageEventSubscriptionsFunction,
} from './manage-event-subscriptions.js';
import { managePoisonEventsFunction } from './manage-poison-events.js';
import { manageQueueFunction } from './manage-queue.js';
import { manageQueuesFunction } from './manage-queues.js';
import { manageTemplateFunction } from './manage-template.js';
import { manageTemplatesFunction } from './manage-templates.js';
import { meFunction } from './me.js';
import { mePeopleFunction } from './me-people.js';
import { metricsTimerFunction } from './metrics-timer.js';
import { notificationGetFunction } from './notification-get.js';
import { notificationSendFunction } from './notification-send.js';
import { openApiFunction } from './openapi.js';
import { openingTimerFunction } from './opening-timer.js';
import { outboundWorkerFunction } from './outbound-worker.js';
import { queueConversationsFunction } from './queue-conversations.js';
import { queuesFunction } from './queues.js';
import { quickRepliesFunction } from './quick-replies.js';
import { quickReplyFunction } from './quick-reply.js';
import { realtimeNegotiateFunction } from './realtime-negotiate.js';
import { retentionTimerFunction } from './retention-timer.js';
import { teleSignCallbackFunction } from './telesign-callback.js';
import { templatesListFunction } from './templates-list.js';
import { traced } from './traced.js';
import { twilioInboundFunction } from './twilio-inbound.js';
import { twilioStatusFunction } from './twilio-status.js';

/**
 * The developer's tools of the embedded default: a customer's text through the local provider, its
 * outbox and its delivery receipts, and the manual clock. Never on Azure, where anyone could inject a
 * customer's text. The clock route is there on the embedded default even with the system clock, to
 * say how to get a manual one.
 */
function localFunctions(app: App): FunctionDefinition[] {
  return [
    ...(app.embedded
      ? [
          localInboundFunction(app),
          localOutboxFunction(app, app.embedded),
          localDeliveryReportFunction(app, app.embedded),
        ]
      : []),
    ...(app.embedded || app.manualClock ? [localClockFunction(app)] : []),
  ];
}

/**
 * The whole function list, each invocation in a span of its own (no-ops while tracing is off).
 * Building it only wires handlers to `app`; nothing starts.
 */
export function buildFunctions(app: App): FunctionDefinition[] {
  return allFunctions(app).map(traced);
}

function allFunctions(app: App): FunctionDefinition[] {
  return [
    healthFunction(app),
    ...localFunctions(app),
    meFunction(app),
    mePeopleFunction(app),
    agentsFunction(app),
    queuesFunction(app),
    channelsFunction(app),
    conversationsOngoingFunction(app),
    conversationReadFunction(app),
    figuresFunction(app),
    realtimeNegotiateFunction(app),
    consoleFunction(app),
    agentPresenceFunction(app),
    agentConversationsFunction(app),
    queueConversationsFunction(app),
    conversationGetFunction(app),
    customerHistoryFunction(app),
    conversationSearchFunction(app),
    conversationReplyFunction(app),
    conversationEndFunction(app),
    conversationCloseFunction(app),
    conversationSetAsideFunction(app),
    conversationTransferFunction(app),
    conversationReassignFunction(app),
    conversationPickFunction(app),
    conversationStartFunction(app),
    conversationQuickRepliesFunction(app),
    quickRepliesFunction(app),
    quickReplyFunction(app),
    twilioInboundFunction(app),
    twilioStatusFunction(app),
    // On Azure the Event Grid trigger takes ACS events; the HTTP endpoint exists only where a
    // deployment chose it and gave it a secret, so no one can post events to it unsigned.
    ...(app.config.mode === 'embedded' || app.config.acsWebhookSecret ? [acsEventsFunction(app)] : []),
    teleSignCallbackFunction(app),
    channelCredentialsFunction(app),
    manageConfigurationFunction(app),
    manageChannelsFunction(app),
    manageChannelFunction(app),
    manageChannelNumbersFunction(app),
    manageChannelNumberFunction(app),
    manageChannelRoutingFunction(app),
    manageChannelHoursFunction(app),
    manageChannelHolidaysFunction(app),
    manageChannelKeywordsFunction(app),
    manageChannelMessagesFunction(app),
    manageChannelMessageFunction(app),
    manageQueuesFunction(app),
    manageQueueFunction(app),
    manageAgentsFunction(app),
    manageAgentFunction(app),
    manageContactsFunction(app),
    manageContactFunction(app),
    manageCustomerExportFunction(app),
    manageCustomerEraseFunction(app),
    managePoisonEventsFunction(app),
    manageDeadLettersFunction(app),
    manageQueueDeadLettersFunction(app),
    manageDeadLetterFunction(app),
    manageDeadLetterReplayFunction(app),
    manageTemplatesFunction(app),
    manageTemplateFunction(app),
    manageEventSubscriptionsFunction(app),
    manageEventSubscriptionFunction(app),
    manageEventDeliveriesFunction(app),
    notificationSendFunction(app),
    notificationGetFunction(app),
    templatesListFunction(app),
    openApiFunction(app),
    connectorDefinitionFunction(app),
    connectorPropertiesFunction(app),
    acsEventGridFunction(app),
    inboundWorkerFunction(app),
    assignmentWorkerFunction(app),
    outboundWorkerFunction(app),
    autoCloseTimerFunction(app),
    openingTimerFunction(app),
    metricsTimerFunction(app),
    // Cosmos DB expires messages by their time to live; only the embedded store needs the sweep.
    ...(app.embedded ? [retentionTimerFunction(app, app.embedded.store)] : []),
    eventsPublisherFunction(app),
  ];
}
