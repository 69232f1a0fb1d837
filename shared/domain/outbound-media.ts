import { z } from 'zod';
import { issuesFrom, ValidationError } from '../errors.js';
import type { ProviderName } from './channel.js';
import type { Media } from './message.js';

/**
 * What an agent may attach to a text, as Twilio documents MMS (docs "Accepted content types for
 * media" and error 21623): at most 10 files a message, together under 5 MB. Twilio fetches each URL
 * itself and checks its Content-Type, so the product never fetches it: the size is what the agent's
 * tool declares, checked when given.
 */
export const MMS_MAX_FILES = 10;
/** 5 MB read as 5,000,000 bytes: the stricter of the two readings, so nothing we accept is refused for size. */
export const MMS_MAX_BYTES = 5_000_000;

/**
 * The content types Twilio formats for phones (images) and the common ones it accepts as they
 * are. An agent's attachment outside this list would be refused by Twilio after the reply was
 * accepted; refusing it here tells the agent at once.
 */
export const mmsContentTypes = [
  'image/jpeg',
  'image/jpg',
  'image/gif',
  'image/png',
  'image/bmp',
  'image/tiff',
  'image/heic',
  'image/heif',
  'video/mp4',
  'video/mpeg',
  'video/quicktime',
  'video/webm',
  'video/3gpp',
  'audio/mpeg',
  'audio/mp4',
  'audio/ogg',
  'audio/amr',
  'audio/3gpp',
  'audio/aac',
  'text/vcard',
  'text/x-vcard',
  'text/calendar',
  'text/csv',
  'application/pdf',
  'application/vcard',
] as const;

const outboundMediaItemSchema = z.object({
  url: z
    .string()
    .trim()
    .max(2000, 'a media URL has at most 2000 characters')
    .refine((value) => {
      try {
        const url = new URL(value);
        // Twilio fetches the file from the public internet: a URL with credentials would leak them.
        // (An https URL always has a host: the URL parser refuses one without.)
        return url.protocol === 'https:' && url.username === '' && url.password === '';
      } catch {
        return false;
      }
    }, 'must be an https URL the provider can fetch (no credentials in it)'),
  contentType: z
    .string()
    .trim()
    .transform((value) => value.toLowerCase())
    .refine((value) => (mmsContentTypes as readonly string[]).includes(value), {
      message: `must be one of ${mmsContentTypes.join(', ')}`,
    }),
  /** The file's size in bytes, when the agent's tool knows it. */
  size: z.number().int().positive().optional(),
});

export const outboundMediaSchema = z
  .array(outboundMediaItemSchema)
  .max(MMS_MAX_FILES, `at most ${MMS_MAX_FILES} media files a message (Twilio 21623)`)
  .refine(
    (items) => items.reduce((sum, item) => sum + (item.size ?? 0), 0) <= MMS_MAX_BYTES,
    `media together must stay under ${MMS_MAX_BYTES} bytes (Twilio's 5 MB for MMS)`,
  );

/** Whether a channel's provider sends media: only Twilio (MMS); ACS, TeleSign and the local provider send SMS. */
export function providerSendsMedia(provider: ProviderName): boolean {
  return provider === 'twilio';
}

/**
 * Checks an agent's attachments for a channel: valid by Twilio's limits, and a provider that can
 * send them. An empty list is no attachment. Nothing is written before this passes.
 */
export function validateOutboundMedia(
  media: unknown,
  channel: { id: string; provider: ProviderName },
  field = 'media',
): Media[] {
  if (media === undefined) return [];
  const parsed = outboundMediaSchema.safeParse(media);
  if (!parsed.success) {
    const issues = issuesFrom(parsed.error.issues, field);
    throw new ValidationError(`${field} is invalid: ${issues[0]?.path}: ${issues[0]?.message}`, issues);
  }
  if (parsed.data.length === 0) return [];
  if (!providerSendsMedia(channel.provider)) {
    const message = `channel ${channel.id} sends through ${channel.provider}, which sends SMS only: media (MMS) can be sent on Twilio channels`;
    throw new ValidationError(message, [{ path: field, message: `${channel.provider} cannot send media` }]);
  }
  return parsed.data.map(({ url, contentType, size }) => ({
    url,
    contentType,
    ...(size === undefined ? {} : { size }),
  }));
}
