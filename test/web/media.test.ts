import { describe, expect, it } from 'vitest';
import { mmsContentTypes } from '../../shared/domain/outbound-media.js';
import {
  attachmentProblem,
  contentTypeFor,
  MEDIA_CONTENT_TYPES,
  MEDIA_MAX_FILES,
  replyBody,
} from '../../web/src/logic/media.js';

const LABEL = { url: 'https://cdn.contoso.com/returns/label-4411.png', contentType: 'image/png' };

describe("the composer's attachments", () => {
  it("offers the API's content types, no more and no fewer", () => {
    expect([...MEDIA_CONTENT_TYPES]).toEqual([...mmsContentTypes]);
  });

  it("guesses the type from the file's name, ignoring the query, and leaves it to the agent otherwise", () => {
    expect(contentTypeFor(LABEL.url)).toBe('image/png');
    expect(contentTypeFor('https://cdn.contoso.com/invoices/4411.PDF?sig=abc')).toBe('application/pdf');
    expect(contentTypeFor('https://cdn.contoso.com/clip.mov')).toBe('video/quicktime');
    expect(contentTypeFor('https://cdn.contoso.com/download?id=4411')).toBe('');
    expect(contentTypeFor('not a url.exe')).toBe('');
  });

  it('takes an https address with a known type', () => {
    expect(attachmentProblem(LABEL, [])).toBeUndefined();
  });

  it('says what is wrong with the address, as the API would refuse it', () => {
    expect(attachmentProblem({ ...LABEL, url: ' ' }, [])?.field).toBe('url');
    expect(attachmentProblem({ ...LABEL, url: 'cdn.contoso.com/a.png' }, [])?.message).toMatch(
      /not a web address/,
    );
    expect(attachmentProblem({ ...LABEL, url: 'http://cdn.contoso.com/a.png' }, [])?.message).toMatch(
      /https:\/\//,
    );
    expect(attachmentProblem({ ...LABEL, url: 'https://me:pw@cdn.contoso.com/a.png' }, [])?.message).toMatch(
      /user name or password/,
    );
    expect(attachmentProblem(LABEL, [LABEL])?.message).toBe('This file is attached already.');
    const ten = Array.from({ length: MEDIA_MAX_FILES }, (_, i) => ({
      url: `https://cdn.contoso.com/${i}.png`,
    }));
    expect(attachmentProblem(LABEL, ten)?.message).toBe('At most 10 files can go with one message.');
  });

  it('asks for a type the API accepts', () => {
    expect(attachmentProblem({ ...LABEL, contentType: '' }, [])).toEqual({
      field: 'contentType',
      message: 'Choose the type of the file.',
    });
    expect(attachmentProblem({ ...LABEL, contentType: 'application/x-msdownload' }, [])?.field).toBe(
      'contentType',
    );
  });

  it('sends the files with the text only when there are any', () => {
    expect(replyBody('Your label', [])).toEqual({ text: 'Your label' });
    expect(replyBody('Your label', [LABEL])).toEqual({ text: 'Your label', media: [LABEL] });
  });
});
