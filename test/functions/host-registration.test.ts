import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Registered, register, startAzureStandIns } from '../support/functions-host.js';

/** Without App Service Authentication the signed-in routes are the function keys' (authLevel function). */
describe('functions/index.ts on the Functions host', () => {
  let standIns: Awaited<ReturnType<typeof startAzureStandIns>>;
  let functions: Map<string, Registered>;

  const trigger = (name: string) => {
    const registered = functions.get(name);
    const found = Object.values(registered?.bindings ?? {}).find((b) => b.direction === 'in');
    if (!found) throw new Error(`${name} registered no trigger`);
    return found;
  };

  beforeAll(async () => {
    standIns = await startAzureStandIns();
    functions = new Map((await register(standIns.env)).map((r) => [r.name, r]));
  });
  afterAll(async () => {
    await standIns.stop();
  });

  it.each([
    ['health', 'health', ['GET'], 'anonymous'],
    ['twilioInbound', 'twilio/inbound', ['POST'], 'anonymous'],
    ['twilioStatus', 'twilio/status', ['POST'], 'anonymous'],
    ['acsEvents', 'acs/events', ['POST', 'OPTIONS'], 'anonymous'],
    ['teleSignCallback', 'telesign/callback', ['POST'], 'anonymous'],
    ['notificationSend', 'notifications', ['POST'], 'function'],
    ['notificationGet', 'notifications/{notificationId}', ['GET'], 'function'],
    ['agentPresence', 'agents/{agentId}/presence', ['PUT'], 'function'],
    ['conversationReply', 'conversations/{conversationId}/messages', ['POST'], 'function'],
    ['channelCredentials', 'manage/channels/{channelId}/credentials', ['GET'], 'function'],
    ['openApi', 'openapi.json', ['GET'], 'anonymous'],
  ])(
    '%s is an HTTP trigger on %s %o (%s) answering through its return value',
    (name, route, methods, authLevel) => {
      expect(trigger(name)).toMatchObject({ type: 'httpTrigger', route, methods, authLevel });
      expect(functions.get(name)?.bindings.$return).toMatchObject({ type: 'http', direction: 'out' });
    },
  );

  it.each([
    ['inboundWorker', 'sms-inbound'],
    ['assignmentWorker', 'sms-assignment'],
    ['outboundWorker', 'sms-outbound'],
  ])(
    '%s is a session-enabled Service Bus trigger on %s, connected through the ServiceBusConnection setting',
    (name, queueName) => {
      expect(trigger(name)).toEqual(
        expect.objectContaining({
          type: 'serviceBusTrigger',
          direction: 'in',
          queueName,
          connection: 'ServiceBusConnection',
          isSessionsEnabled: true,
        }),
      );
    },
  );

  it('marks outbound messages Service Bus dead-lettered through a trigger on the dead-letter queue', () => {
    expect(trigger('outboundDeadLetters')).toMatchObject({
      type: 'serviceBusTrigger',
      queueName: 'sms-outbound/$DeadLetterQueue',
      connection: 'ServiceBusConnection',
      isSessionsEnabled: false,
    });
  });

  it('runs the timers every minute and takes ACS events through an Event Grid trigger', () => {
    expect(trigger('autoCloseTimer')).toMatchObject({ type: 'timerTrigger', schedule: '0 */1 * * * *' });
    expect(trigger('openingTimer')).toMatchObject({ type: 'timerTrigger', schedule: '0 */1 * * * *' });
    expect(trigger('acsEventGrid')).toMatchObject({ type: 'eventGridTrigger', direction: 'in' });
  });

  it('registers no developer endpoint of the embedded default, and nothing twice', () => {
    expect([...functions.keys()].filter((name) => name.startsWith('local'))).toEqual([]);
    expect(functions.size).toBeGreaterThanOrEqual(25);
    expect(new Set(functions.keys()).size).toBe(functions.size);
  });
});
