import { describe, expect, it } from 'vitest';
import { channelSchema, queueSchema } from '../../shared/domain/channel.js';

const base = {
  id: 'support',
  name: 'Support',
  numbers: ['+14255550100'],
  provider: 'acs',
  defaultQueueId: 'general',
};
const RESOURCE_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sms/providers/Microsoft.Communication/communicationServices/contoso';
const ENDPOINT = 'https://contoso.communication.azure.com';
const SID = `AC${'0'.repeat(32)}`;

const issuesOf = (input: Record<string, unknown>) =>
  channelSchema
    .safeParse({ ...base, ...input })
    .error?.issues.map(({ code, path, message }) => ({ code, path, message })) ?? [];

describe('a channel', () => {
  it('takes the defaults a new channel starts with', () => {
    const channel = channelSchema.parse(base);
    expect(channel).toMatchObject({
      direction: 'inbound-outbound',
      language: 'en',
      agentInitiated: { enabled: true, onlyWhenOpen: false, respectQuietHours: true },
      affinity: false,
      routing: [],
    });
    expect(channel.consent.optOut).toContain('STOP');
  });

  it('needs at least one number', () => {
    expect(issuesOf({ numbers: [] })).toContainEqual({
      code: 'too_small',
      path: ['numbers'],
      message: 'a channel needs at least one number',
    });
  });
});

describe('a channel’s own ACS resource', () => {
  it('is named by its resource id or by its endpoint', () => {
    expect(issuesOf({ acs: { resourceId: RESOURCE_ID } })).toEqual([]);
    expect(issuesOf({ acs: { endpoint: ENDPOINT } })).toEqual([]);
    expect(issuesOf({ acs: { endpoint: ENDPOINT, accessKeySecret: 'acs-key' } })).toEqual([]);
  });

  it('is named one way, not both and not neither', () => {
    const oneOfThem = {
      code: 'custom',
      path: ['acs'],
      message: 'name the resource by resourceId or by endpoint (one of them)',
    };
    expect(issuesOf({ acs: {} })).toEqual([oneOfThem]);
    expect(issuesOf({ acs: { resourceId: RESOURCE_ID, endpoint: ENDPOINT } })).toEqual([oneOfThem]);
  });

  it('takes an access key only with an endpoint', () => {
    expect(issuesOf({ acs: { resourceId: RESOURCE_ID, accessKeySecret: 'acs-key' } })).toEqual([
      {
        code: 'custom',
        path: ['acs', 'accessKeySecret'],
        message: 'an access key goes with an endpoint (a resource id is reached with the app identity)',
      },
    ]);
  });
});

describe('a channel’s own Twilio account', () => {
  it('names its SID and its auth token’s secret together, or neither', () => {
    expect(
      issuesOf({ provider: 'twilio', twilio: { accountSid: SID, authTokenSecret: 'twilio-token' } }),
    ).toEqual([]);
    expect(issuesOf({ provider: 'twilio', twilio: { messagingServiceSid: `MG${'0'.repeat(32)}` } })).toEqual(
      [],
    );
  });

  it('points at what is missing when one comes alone', () => {
    const together = 'an account names its SID and the secret holding its auth token together';
    expect(issuesOf({ provider: 'twilio', twilio: { accountSid: SID } })).toEqual([
      { code: 'custom', path: ['twilio', 'authTokenSecret'], message: together },
    ]);
    expect(issuesOf({ provider: 'twilio', twilio: { authTokenSecret: 'twilio-token' } })).toEqual([
      { code: 'custom', path: ['twilio', 'accountSid'], message: together },
    ]);
  });
});

describe('a queue', () => {
  it('is pushed to agents unless set to be picked', () => {
    expect(queueSchema.parse({ id: 'general', name: 'General' }).distribution).toBe('push');
  });
});
