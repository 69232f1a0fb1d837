import type { Media } from '../types.js';

/**
 * The content types the API accepts for an agent's attachment (Twilio's accepted MMS types: the
 * domain's mmsContentTypes, which a unit test keeps equal to this list). The page holds its own
 * copy so that it does not load the server's validation library.
 */
export const MEDIA_CONTENT_TYPES = [
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

/** At most this many files a message (Twilio's 21623; the API refuses more). */
export const MEDIA_MAX_FILES = 10;

const byExtension: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  png: 'image/png',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  heic: 'image/heic',
  heif: 'image/heif',
  mp4: 'video/mp4',
  mpeg: 'video/mpeg',
  mpg: 'video/mpeg',
  mov: 'video/quicktime',
  webm: 'video/webm',
  '3gp': 'video/3gpp',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  amr: 'audio/amr',
  aac: 'audio/aac',
  vcf: 'text/vcard',
  ics: 'text/calendar',
  csv: 'text/csv',
  pdf: 'application/pdf',
};

/** The content type a URL's file name suggests (the agent can change it); empty when it says none. */
export function contentTypeFor(url: string): string {
  let path: string;
  try {
    path = new URL(url.trim()).pathname;
  } catch {
    path = url.trim().split(/[?#]/)[0] ?? '';
  }
  const extension = path.split('/').pop()?.split('.').slice(1).pop()?.toLowerCase();
  return (extension && byExtension[extension]) || '';
}

/**
 * What is wrong with an attachment before it is added, as the API would say it, in words for the
 * agent; undefined when it can be added.
 */
export function attachmentProblem(
  input: { url: string; contentType: string },
  attached: Pick<Media, 'url'>[],
): { field: 'url' | 'contentType'; message: string } | undefined {
  const text = input.url.trim();
  if (text === '') return { field: 'url', message: 'Enter the https address of the file.' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { field: 'url', message: 'This is not a web address (it starts with https://).' };
  }
  if (url.protocol !== 'https:') {
    return { field: 'url', message: 'The address must start with https:// (the provider fetches the file).' };
  }
  if (url.username !== '' || url.password !== '') {
    return { field: 'url', message: 'The address must not carry a user name or password.' };
  }
  if (attached.some((media) => media.url === text)) {
    return { field: 'url', message: 'This file is attached already.' };
  }
  if (attached.length >= MEDIA_MAX_FILES) {
    return { field: 'url', message: `At most ${MEDIA_MAX_FILES} files can go with one message.` };
  }
  if (!(MEDIA_CONTENT_TYPES as readonly string[]).includes(input.contentType.trim().toLowerCase())) {
    return { field: 'contentType', message: 'Choose the type of the file.' };
  }
  return undefined;
}

/** The reply's body: the text, and the files when there are any. */
export function replyBody(text: string, media: Media[]): { text: string; media?: Media[] } {
  return media.length === 0 ? { text } : { text, media };
}
