import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { describe } from 'vitest';
import { queueNames } from '../../shared/ports.js';
import { ServiceBusBroker } from '../../stand-ins/service-bus-broker.js';
import { TwilioApiServer } from '../../stand-ins/twilio-api-server.js';
import { startTestHost } from '../support/host.js';
import { searchScenario, searchSeed } from '../support/search-scenario.js';

const ACCOUNT_SID = 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const AUTH_TOKEN = '12345abcde67890fghij12345abcde67';

/**
 * The same searches on the Azure adapters: conversations in Cosmos DB (the real SDK on
 * cosmosdb-server, which refuses an ORDER BY no composite index of the container serves, as the
 * service does), work in Service Bus, the channel on Twilio's stand-in. Function keys are the
 * identity there, so the key holder oversees; an agent's own view is run on the embedded default
 * and in the store contract.
 */
describe('searching conversations, over HTTP on Cosmos DB and Service Bus', () => {
  const cosmos = createHttpServer();
  const broker = new ServiceBusBroker({ queues: Object.values(queueNames) });
  const twilioApi = new TwilioApiServer(ACCOUNT_SID, AUTH_TOKEN);

  searchScenario(async () => {
    await new Promise<void>((resolve) => cosmos.listen(0, '127.0.0.1', resolve));
    const { port } = cosmos.address() as AddressInfo;
    const { connectionString } = await broker.start();
    const apiUrl = await twilioApi.start();
    const host = await startTestHost(
      {
        COSMOS_CONNECTION_STRING: `AccountEndpoint=http://127.0.0.1:${port}/;AccountKey=${Buffer.from('any key').toString('base64')};`,
        COSMOS_DATABASE: 'sms-search',
        ServiceBusConnection: connectionString,
        SMS_PUBLIC_BASE_URL: 'https://func-contoso-sms.azurewebsites.net',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_API_BASE_URL: apiUrl,
        SMS_FUNCTION_KEY_ROLES: 'notifier,agent,supervisor,admin',
      },
      {
        ...searchSeed,
        channels: [{ ...searchSeed.channels[0], numbers: ['+12065550100'], provider: 'twilio' }],
      },
    );
    return {
      ...host,
      stop: async () => {
        await host.stop();
        await broker.stop();
        await twilioApi.stop();
        await new Promise<void>((resolve) => cosmos.close(() => resolve()));
      },
    };
  }, 'keys');
});
