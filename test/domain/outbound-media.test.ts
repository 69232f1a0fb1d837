import { describe, expect, it } from 'vitest';
import {
  MMS_MAX_BYTES,
  MMS_MAX_FILES,
  providerSendsMedia,
  validateOutboundMedia,
} from '../../shared/domain/outbound-media.js';
import { thrownValidation as thrown } from '../support/thrown.js';

const twilio = { id: 'support', provider: 'twilio' as const };
const photo = { url: 'https://cdn.contoso.com/receipt.png', contentType: 'image/png' };

describe('which providers send media', () => {
  it('is Twilio alone', () => {
    expect(providerSendsMedia('twilio')).toBe(true);
    for (const provider of ['acs', 'telesign', 'local'] as const)
      expect(providerSendsMedia(provider)).toBe(false);
  });
});

describe('an agent’s attachments', () => {
  it('are none when not given or empty, on any channel', () => {
    expect(validateOutboundMedia(undefined, { id: 'sms', provider: 'acs' })).toEqual([]);
    expect(validateOutboundMedia([], { id: 'sms', provider: 'acs' })).toEqual([]);
  });

  it('are kept with their URL, content type in lower case, and size when declared', () => {
    expect(
      validateOutboundMedia(
        [
          { url: ' https://cdn.contoso.com/a.jpg ', contentType: ' Image/JPEG ', size: 1200 },
          { url: 'https://cdn.contoso.com/card.vcf', contentType: 'text/vcard' },
        ],
        twilio,
      ),
    ).toStrictEqual([
      { url: 'https://cdn.contoso.com/a.jpg', contentType: 'image/jpeg', size: 1200 },
      { url: 'https://cdn.contoso.com/card.vcf', contentType: 'text/vcard' },
    ]);
  });

  it(`take up to ${MMS_MAX_FILES} files and ${MMS_MAX_BYTES} bytes together`, () => {
    expect(validateOutboundMedia(Array(MMS_MAX_FILES).fill(photo), twilio)).toHaveLength(MMS_MAX_FILES);
    const halves = [
      { ...photo, size: MMS_MAX_BYTES / 2 },
      { ...photo, size: MMS_MAX_BYTES / 2 },
    ];
    expect(validateOutboundMedia(halves, twilio)).toHaveLength(2);
  });

  it('refuse an eleventh file', () => {
    const error = thrown(() => validateOutboundMedia(Array(MMS_MAX_FILES + 1).fill(photo), twilio));
    // The list as a whole is at fault: the issue names the field, not a `(root)` under it.
    expect(error.message).toBe('media is invalid: media: at most 10 media files a message (Twilio 21623)');
    expect(error.issues).toEqual([
      { path: 'media', message: 'at most 10 media files a message (Twilio 21623)' },
    ]);
  });

  it('refuse files over 5 MB together, counting only declared sizes', () => {
    const over = [{ ...photo, size: MMS_MAX_BYTES }, { ...photo, size: 1 }, photo];
    expect(() => validateOutboundMedia(over, twilio)).toThrow(
      "media together must stay under 5000000 bytes (Twilio's 5 MB for MMS)",
    );
  });

  it.each([
    ['plain http', 'http://cdn.contoso.com/a.png'],
    ['credentials in it', 'https://user:secret@cdn.contoso.com/a.png'],
    ['a user name alone', 'https://user@cdn.contoso.com/a.png'],
    ['a password alone', 'https://:secret@cdn.contoso.com/a.png'],
    ['not a URL', 'receipt.png'],
    ['no host', 'https://'],
  ])('refuse a URL with %s', (_name, url) => {
    const error = thrown(() => validateOutboundMedia([photo, { ...photo, url }], twilio, 'attachments'));
    expect(error.issues).toEqual([
      {
        path: 'attachments.1.url',
        message: 'must be an https URL the provider can fetch (no credentials in it)',
      },
    ]);
    expect(error.message).toBe(
      'attachments is invalid: attachments.1.url: must be an https URL the provider can fetch (no credentials in it)',
    );
  });

  it('refuse a URL longer than 2000 characters', () => {
    const url = `https://cdn.contoso.com/${'a'.repeat(2000)}`;
    expect(() => validateOutboundMedia([{ ...photo, url }], twilio)).toThrow(
      'a media URL has at most 2000 characters',
    );
  });

  it('refuse a content type Twilio would not take, listing those it takes', () => {
    const error = thrown(() => validateOutboundMedia([{ ...photo, contentType: 'application/zip' }], twilio));
    expect(error.issues[0]?.path).toBe('media.0.contentType');
    expect(error.issues[0]?.message).toMatch(
      /^must be one of image\/jpeg, image\/jpg, .*, application\/vcard$/,
    );
  });

  it('are refused on a channel whose provider sends SMS only, saying which can', () => {
    const error = thrown(() =>
      validateOutboundMedia([photo], { id: 'alerts', provider: 'acs' }, 'attachments'),
    );
    expect(error.message).toBe(
      'channel alerts sends through acs, which sends SMS only: media (MMS) can be sent on Twilio channels',
    );
    expect(error.issues).toEqual([{ path: 'attachments', message: 'acs cannot send media' }]);
  });
});
