import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  EventGridFunctionOptions,
  HttpFunctionOptions,
  ServiceBusQueueFunctionOptions,
  TimerFunctionOptions,
} from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunctions } from '../../functions/definitions.js';
import { type FunctionRegistrar, registerFunctions } from '../../functions/register.js';
import { type App, createApp } from '../../shared/app.js';
import { loadConfig, settingNames } from '../../shared/config.js';

/** Records what would be registered with the Functions host. */
class RecordingRegistrar implements FunctionRegistrar {
  readonly httpFunctions = new Map<string, HttpFunctionOptions>();
  readonly queues = new Map<string, ServiceBusQueueFunctionOptions>();
  readonly timers = new Map<string, TimerFunctionOptions>();
  readonly eventGrids = new Map<string, EventGridFunctionOptions>();
  eventGrid(name: string, options: EventGridFunctionOptions) {
    this.eventGrids.set(name, options);
  }
  http(name: string, options: HttpFunctionOptions) {
    this.httpFunctions.set(name, options);
  }
  serviceBusQueue(name: string, options: ServiceBusQueueFunctionOptions) {
    this.queues.set(name, options);
  }
  timer(name: string, options: TimerFunctionOptions) {
    this.timers.set(name, options);
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'sms-defs-'));
let app: App;
const registrar = new RecordingRegistrar();

beforeAll(async () => {
  app = await createApp(loadConfig({ SMS_DATA_DIR: dataDir, SMS_CLOCK: 'manual' }), { logSink: () => {} });
  registerFunctions(registrar, buildFunctions(app));
});
afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** On the embedded default the development sign-in is on: the app checks callers, not the host. */
describe('function definitions', () => {
  it.each([
    ['health', 'health', ['GET'], 'anonymous'],
    ['localInbound', 'local/inbound', ['POST'], 'anonymous'],
    ['localOutbox', 'local/outbox', ['GET'], 'anonymous'],
    ['localDeliveryReport', 'local/delivery-report', ['POST'], 'anonymous'],
    ['localClock', 'local/clock', ['GET', 'POST'], 'anonymous'],
    ['agentPresence', 'agents/{agentId}/presence', ['PUT'], 'anonymous'],
    ['agentConversations', 'agents/{agentId}/conversations', ['GET'], 'anonymous'],
    ['queueConversations', 'queues/{queueId}/conversations', ['GET'], 'anonymous'],
    ['conversationGet', 'conversations/{conversationId}', ['GET'], 'anonymous'],
    ['customerHistory', 'customers/{number}/conversations', ['GET'], 'anonymous'],
    ['conversationSearch', 'search/conversations', ['GET'], 'anonymous'],
    ['conversationReply', 'conversations/{conversationId}/messages', ['POST'], 'anonymous'],
    ['conversationEnd', 'conversations/{conversationId}/end', ['POST'], 'anonymous'],
    ['conversationClose', 'conversations/{conversationId}/close', ['POST'], 'anonymous'],
    ['conversationSetAside', 'conversations/{conversationId}/set-aside', ['POST'], 'anonymous'],
    ['conversationTransfer', 'conversations/{conversationId}/transfer', ['POST'], 'anonymous'],
    ['conversationReassign', 'conversations/{conversationId}/reassign', ['POST'], 'anonymous'],
    ['channels', 'channels', ['GET'], 'anonymous'],
    ['conversationPick', 'conversations/{conversationId}/pick', ['POST'], 'anonymous'],
    ['conversationStart', 'conversations', ['POST'], 'anonymous'],
    ['conversationQuickReplies', 'conversations/{conversationId}/quick-replies', ['GET'], 'anonymous'],
    ['quickReplies', 'quick-replies', ['GET', 'POST'], 'anonymous'],
    ['quickReply', 'quick-replies/{scope}/{quickReplyId}', ['PUT', 'DELETE'], 'anonymous'],
    ['twilioInbound', 'twilio/inbound', ['POST'], 'anonymous'],
    ['twilioStatus', 'twilio/status', ['POST'], 'anonymous'],
    ['acsEvents', 'acs/events', ['POST', 'OPTIONS'], 'anonymous'],
    ['teleSignCallback', 'telesign/callback', ['POST'], 'anonymous'],
    ['channelCredentials', 'manage/channels/{channelId}/credentials', ['GET'], 'anonymous'],
    ['notificationSend', 'notifications', ['POST'], 'anonymous'],
    ['notificationGet', 'notifications/{notificationId}', ['GET'], 'anonymous'],
    ['templatesList', 'templates', ['GET'], 'anonymous'],
    ['openApi', 'openapi.json', ['GET'], 'anonymous'],
    ['connectorDefinition', 'connector/apiDefinition.swagger.json', ['GET'], 'anonymous'],
    ['connectorProperties', 'connector/apiProperties.json', ['GET'], 'anonymous'],
    ['manageConfiguration', 'manage/configuration', ['GET', 'PUT'], 'anonymous'],
    ['manageChannels', 'manage/channels', ['GET'], 'anonymous'],
    ['manageChannel', 'manage/channels/{channelId}', ['GET', 'PUT', 'DELETE'], 'anonymous'],
    ['manageChannelNumbers', 'manage/channels/{channelId}/numbers', ['GET', 'POST'], 'anonymous'],
    ['manageChannelNumber', 'manage/channels/{channelId}/numbers/{number}', ['PUT', 'DELETE'], 'anonymous'],
    ['manageChannelRouting', 'manage/channels/{channelId}/routing', ['GET', 'PUT'], 'anonymous'],
    ['manageChannelHours', 'manage/channels/{channelId}/hours', ['GET', 'PUT', 'DELETE'], 'anonymous'],
    ['manageChannelHolidays', 'manage/channels/{channelId}/holidays', ['GET', 'PUT'], 'anonymous'],
    ['manageChannelKeywords', 'manage/channels/{channelId}/keywords', ['GET', 'PUT'], 'anonymous'],
    ['manageChannelMessages', 'manage/channels/{channelId}/automated-messages', ['GET'], 'anonymous'],
    ['manageChannelMessage', 'manage/channels/{channelId}/automated-messages/{kind}', ['PUT'], 'anonymous'],
    ['manageQueues', 'manage/queues', ['GET'], 'anonymous'],
    ['manageQueue', 'manage/queues/{queueId}', ['GET', 'PUT', 'DELETE'], 'anonymous'],
    ['manageAgents', 'manage/agents', ['GET'], 'anonymous'],
    ['manageAgent', 'manage/agents/{agentId}', ['GET', 'PUT', 'DELETE'], 'anonymous'],
    ['manageContacts', 'manage/contacts', ['GET'], 'anonymous'],
    ['manageContact', 'manage/contacts/{number}', ['GET', 'PUT', 'DELETE'], 'anonymous'],
    ['manageCustomerExport', 'manage/customers/{number}/export', ['GET'], 'anonymous'],
    ['manageCustomerErase', 'manage/customers/{number}/erase', ['POST'], 'anonymous'],
    ['managePoisonEvents', 'manage/poison-events', ['GET'], 'anonymous'],
    ['manageDeadLetters', 'manage/dead-letters', ['GET'], 'anonymous'],
    ['manageQueueDeadLetters', 'manage/dead-letters/{queue}', ['GET'], 'anonymous'],
    ['manageDeadLetter', 'manage/dead-letters/{queue}/{sequence}', ['DELETE'], 'anonymous'],
    ['manageDeadLetterReplay', 'manage/dead-letters/{queue}/{sequence}/replay', ['POST'], 'anonymous'],
    ['manageTemplates', 'manage/templates', ['GET'], 'anonymous'],
    ['manageTemplate', 'manage/templates/{templateId}', ['GET', 'PUT', 'DELETE'], 'anonymous'],
    ['manageEventSubscriptions', 'manage/event-subscriptions', ['GET'], 'anonymous'],
    [
      'manageEventSubscription',
      'manage/event-subscriptions/{subscriptionId}',
      ['GET', 'PUT', 'DELETE'],
      'anonymous',
    ],
    ['manageEventDeliveries', 'manage/event-subscriptions/{subscriptionId}/deliveries', ['GET'], 'anonymous'],
  ])('%s is an HTTP function on %s %o (%s)', (name, route, methods, authLevel) => {
    const options = registrar.httpFunctions.get(name);
    expect(options).toMatchObject({ route, methods, authLevel });
    expect(typeof options?.handler).toBe('function');
  });

  it.each([
    ['inboundWorker', 'sms-inbound'],
    ['assignmentWorker', 'sms-assignment'],
    ['outboundWorker', 'sms-outbound'],
  ])('%s is a session-enabled Service Bus queue function on %s', (name, queueName) => {
    expect(registrar.queues.get(name)).toMatchObject({
      queueName,
      connection: 'ServiceBusConnection',
      isSessionsEnabled: true,
    });
  });

  it('no function drains a dead-letter queue: dead letters stay for operators (the admin API)', () => {
    expect([...registrar.queues.values()].map((q) => q.queueName)).toEqual([
      'sms-inbound',
      'sms-assignment',
      'sms-outbound',
    ]);
  });

  it('acsEventGrid is an Event Grid trigger', () => {
    expect(typeof registrar.eventGrids.get('acsEventGrid')?.handler).toBe('function');
  });

  it('openingTimer runs every minute', () => {
    expect(registrar.timers.get('openingTimer')).toMatchObject({ schedule: '0 */1 * * * *' });
  });

  it('metricsTimer measures the lines and dead letters every minute, at half past', () => {
    expect(registrar.timers.get('metricsTimer')).toMatchObject({ schedule: '30 */1 * * * *' });
  });

  it('eventsPublisher drains the outbox on the configured schedule, every ten seconds by default', () => {
    expect(registrar.timers.get('eventsPublisher')).toMatchObject({ schedule: '*/10 * * * * *' });
  });

  it('autoCloseTimer runs on the configured schedule, every minute by default', () => {
    expect(registrar.timers.get('autoCloseTimer')).toMatchObject({ schedule: '0 */1 * * * *' });
  });

  it('retentionTimer removes expired transcripts on the embedded default, at minute 17 of every hour by default', () => {
    expect(registrar.timers.get('retentionTimer')).toMatchObject({ schedule: '0 17 * * * *' });
  });

  it('registers every function exactly once, and nothing else', () => {
    const names = [
      ...registrar.httpFunctions.keys(),
      ...registrar.queues.keys(),
      ...registrar.timers.keys(),
      ...registrar.eventGrids.keys(),
    ];
    expect(names).toHaveLength(buildFunctions(app).length);
    expect(names).toHaveLength(81);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('local.settings.sample.json', () => {
  const sample = JSON.parse(
    readFileSync(new URL('../../local.settings.sample.json', import.meta.url), 'utf8'),
  ) as {
    Values: Record<string, string>;
  };

  it('lists every setting the config loader reads, and loads as a valid configuration', () => {
    for (const name of settingNames) expect(Object.keys(sample.Values)).toContain(name);
    expect(() => loadConfig(sample.Values)).not.toThrow();
  });

  it('is explained, setting by setting, in docs/settings.md', () => {
    const docs = readFileSync(new URL('../../docs/settings.md', import.meta.url), 'utf8');
    const missing = settingNames.filter((name) => !docs.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('lists nothing the app does not read, besides the Functions host own settings', () => {
    const hostSettings = ['FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage', 'ServiceBusConnection'];
    const unknown = Object.keys(sample.Values).filter(
      (name) => !hostSettings.includes(name) && !(settingNames as string[]).includes(name),
    );
    expect(unknown).toEqual([]);
  });
});
