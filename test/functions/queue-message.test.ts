import azureFunctions, { type ServiceBusQueueFunctionOptions } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { type QueueFunction, SERVICE_BUS_CONNECTION } from '../../functions/definition.js';
import { queueBody, retryDelayMs } from '../../functions/queue-message.js';
import { registerFunctions, waitBeforeRetry } from '../../functions/register.js';
import { SendError, ValidationError } from '../../shared/errors.js';

const { InvocationContext } = azureFunctions;

describe('a queue message body as the host hands it over', () => {
  const sent = { queueId: 'general', reason: 'agent available' };

  it.each([
    ['parsed', sent],
    ['as a string', JSON.stringify(sent)],
    ['as bytes', Buffer.from(JSON.stringify(sent))],
  ])('is the JSON we sent when it comes %s', (_how, body) => {
    expect(queueBody(body)).toEqual(sent);
  });

  it('refuses a body that is not JSON, so the message is retried and then dead-lettered', () => {
    expect(() => queueBody('not json')).toThrow(ValidationError);
  });
});

describe('the wait before a failed queue message is tried again', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [4, 8000],
    [10, 60_000],
  ])('backs off exponentially: delivery %i waits %i ms', (count, ms) => {
    expect(retryDelayMs(new Error('store unavailable'), count)).toBe(ms);
  });

  it("takes the provider's Retry-After, within a minute", () => {
    expect(retryDelayMs(new SendError('rate-limited', 'ACS rate limit (429)', 7000), 1)).toBe(7000);
    expect(retryDelayMs(new SendError('rate-limited', 'ACS rate limit (429)', 600_000), 1)).toBe(60_000);
  });

  it('is waited inside the invocation on the Functions host, then the failure is thrown for the redelivery', async () => {
    const slept: number[] = [];
    const failure = new SendError('rate-limited', 'Twilio rate limit (429)');
    const handler = waitBeforeRetry(
      async () => {
        throw failure;
      },
      async (ms) => {
        slept.push(ms);
      },
    );
    const context = new InvocationContext({ triggerMetadata: { deliveryCount: 3 } });
    await expect(handler({}, context)).rejects.toBe(failure);
    expect(slept).toEqual([4000]);
    await waitBeforeRetry(
      async () => {},
      async (ms) => {
        slept.push(ms);
      },
    )({}, context);
    expect(slept).toEqual([4000]);
  });
});

describe('registering a queue function with the Functions host', () => {
  it("wires the wait: a registered handler that fails sleeps for the provider's Retry-After, then throws", async () => {
    const failure = new SendError('rate-limited', 'ACS rate limit (429)', 7000);
    const registered = new Map<string, ServiceBusQueueFunctionOptions>();
    const slept: number[] = [];
    const definition: QueueFunction = {
      kind: 'serviceBusQueue',
      name: 'outboundWorker',
      queueName: 'sms-outbound',
      connection: SERVICE_BUS_CONNECTION,
      isSessionsEnabled: true,
      handler: async () => {
        throw failure;
      },
    };
    registerFunctions(
      {
        http: () => {},
        timer: () => {},
        eventGrid: () => {},
        serviceBusQueue: (name, options) => registered.set(name, options),
      },
      [definition],
      async (ms) => {
        slept.push(ms);
      },
    );
    const handler = registered.get('outboundWorker')?.handler as QueueFunction['handler'];
    const context = new InvocationContext({ triggerMetadata: { deliveryCount: 1 } });
    await expect(handler({}, context)).rejects.toBe(failure);
    expect(slept).toEqual([7000]);
  });
});
