import { describe, expect, it } from 'vitest';
import { inboundMessageId, inboundSmsSchema, validateInboundText } from '../../shared/domain/inbound-sms.js';
import { inboundWorkSchema } from '../../shared/domain/inbound-work.js';

/** Twilio's inbound MMS (test/fixtures/twilio/twilio-inbound-mms.http.txt) as its edge hands it on. */
const twilioMms = {
  id: 'twilio:MM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  provider: 'twilio',
  providerMessageId: 'MM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  from: '+14255550123',
  to: '+12065550100',
  text: 'Here is a photo of the damaged box',
  media: [
    {
      url: 'https://api.twilio.com/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/MM0a1b2c3d4e5f60718293a4b5c6d7e8f9/Media/ME0123456789abcdef0123456789abcdef',
      contentType: 'image/jpeg',
    },
  ],
  receivedAt: '2025-03-07T18:12:14.123Z',
};

describe('an inbound SMS as it travels on the inbound queue', () => {
  it("is the provider's message with its numbers, text and pictures", () => {
    expect(inboundSmsSchema.parse(twilioMms)).toEqual(twilioMms);
  });

  it('is known by provider and provider message id, so a redelivery has the same id', () => {
    expect(inboundMessageId('twilio', 'MM0a1b2c3d4e5f60718293a4b5c6d7e8f9')).toBe(
      'twilio:MM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    );
  });

  it('keeps a sender libphonenumber doubts, marked as not validated', () => {
    expect(inboundSmsSchema.parse({ ...twilioMms, from: '+10005550123' })).toMatchObject({
      from: '+10005550123',
      fromValidated: false,
    });
    expect(inboundSmsSchema.parse({ ...twilioMms, from: '55123' })).toMatchObject({
      from: '55123',
      fromValidated: false,
    });
  });

  it('says nothing of validation for a number libphonenumber vouches for', () => {
    expect(inboundSmsSchema.parse(twilioMms)).not.toHaveProperty('fromValidated');
  });

  it('writes the numbers in E.164, and takes a short code as our number', () => {
    const sms = inboundSmsSchema.parse({ ...twilioMms, from: ' +1 425 555 0123 ', to: '55123' });
    expect(sms.from).toBe('+14255550123');
    expect(sms.to).toBe('55123');
  });

  it('names the number it cannot read', () => {
    expect(() => inboundSmsSchema.parse({ ...twilioMms, from: '4255550123' })).toThrow(
      'from must be in international form, starting with + and the country code',
    );
    expect(() => inboundSmsSchema.parse({ ...twilioMms, to: '4255550100' })).toThrow(
      'to must be in international form, starting with + and the country code',
    );
  });

  it('takes a picture without words', () => {
    expect(inboundSmsSchema.parse({ ...twilioMms, text: '' }).text).toBe('');
  });

  it('refuses a message with neither words nor pictures', () => {
    const { media: _, ...sms } = twilioMms;
    expect(() => inboundSmsSchema.parse({ ...sms, text: '  ' })).toThrow('text must not be empty');
  });

  it('refuses a text over 1,600 characters, picture or not', () => {
    expect(() => inboundSmsSchema.parse({ ...twilioMms, text: 'a'.repeat(1601) })).toThrow(
      'text has 1601 characters; the limit is 1600',
    );
  });
});

describe('the text rules of an inbound message', () => {
  it('leave blank words alone when a picture came with them', () => {
    expect(validateInboundText(' ', true)).toBe(' ');
  });

  it('refuse blank words without a picture', () => {
    expect(() => validateInboundText(' ', false)).toThrow('text must not be empty');
  });

  it('check words that came with a picture as any text', () => {
    expect(validateInboundText('the box', true)).toBe('the box');
    expect(() => validateInboundText('a'.repeat(1601), true)).toThrow('the limit is 1600');
  });
});

describe('an inbound SMS read off the inbound queue by the inbound worker', () => {
  const queued = (sms: Record<string, unknown>) => inboundWorkSchema.parse({ kind: 'sms', sms });

  it('takes the numbers as the edge wrote them, without validating them against the metadata again', () => {
    // +1 000 is no assigned range: the edge would have marked it, so unmarked it was vouched for.
    expect(queued({ ...twilioMms, from: '+10005550123' })).toEqual({
      kind: 'sms',
      sms: { ...twilioMms, from: '+10005550123' },
    });
  });

  it("carries the edge's doubt about the sender", () => {
    expect(queued({ ...twilioMms, from: '55123', fromValidated: false })).toMatchObject({
      sms: { from: '55123', fromValidated: false },
    });
  });

  it('refuses numbers no edge writes (not E.164, not a short code)', () => {
    expect(() => queued({ ...twilioMms, from: '4255550123' })).toThrow('E.164');
    expect(() => queued({ ...twilioMms, to: '+1 206 555 0100' })).toThrow('E.164');
  });

  it('says nothing of validation for a sender the edge vouched for', () => {
    expect(queued(twilioMms)).toStrictEqual({ kind: 'sms', sms: twilioMms });
  });

  it('takes a picture without words, as the edge did', () => {
    expect(queued({ ...twilioMms, text: ' ' })).toMatchObject({ sms: { text: ' ', media: twilioMms.media } });
  });

  it('still checks the text', () => {
    expect(() => queued({ ...twilioMms, media: [], text: '  ' })).toThrow('text must not be empty');
  });
});
