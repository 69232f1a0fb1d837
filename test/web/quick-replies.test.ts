import { describe, expect, it } from 'vitest';
import {
  applyQuickReply,
  filterQuickReplies,
  type OfferedQuickReply,
  overLimitWith,
  quickReplyLabel,
} from '../../web/src/logic/quick-replies.js';

const offered: OfferedQuickReply[] = [
  { id: 'p1', scope: 'personal', name: 'Sign-off', language: 'en', text: 'Have a good day!' },
  {
    id: 'o1',
    scope: 'organization',
    name: 'Délai',
    language: 'fr',
    text: 'Votre dossier C1A2B3C4D est en cours.',
  },
  { id: 'o2', scope: 'organization', name: 'Tracking', language: 'en', text: 'Your parcel is on its way.' },
];

describe('picking a quick reply in the composer', () => {
  it('fills an empty (or blank) box with the filled text', () => {
    expect(applyQuickReply('', offered[0] as OfferedQuickReply)).toBe('Have a good day!');
    expect(applyQuickReply('  \n', offered[0] as OfferedQuickReply)).toBe('Have a good day!');
  });

  it("adds it after the agent's draft with one space, or right after a space or line break", () => {
    expect(applyQuickReply('Thanks Jeanne.', offered[0] as OfferedQuickReply)).toBe(
      'Thanks Jeanne. Have a good day!',
    );
    expect(applyQuickReply('Thanks Jeanne.\n', offered[0] as OfferedQuickReply)).toBe(
      'Thanks Jeanne.\nHave a good day!',
    );
  });

  it('says when the result would pass the message limit', () => {
    expect(overLimitWith('a'.repeat(1584), offered[0] as OfferedQuickReply)).toBe(true);
    expect(overLimitWith('a'.repeat(1583), offered[0] as OfferedQuickReply)).toBe(false);
  });
});

describe('finding a quick reply', () => {
  it('matches name or text, any case, accents ignored, keeping the order given', () => {
    expect(filterQuickReplies(offered, 'delai').map((r) => r.id)).toEqual(['o1']);
    expect(filterQuickReplies(offered, 'PARCEL').map((r) => r.id)).toEqual(['o2']);
    expect(filterQuickReplies(offered, ' ').map((r) => r.id)).toEqual(['p1', 'o1', 'o2']);
    expect(filterQuickReplies(offered, 'nothing like it')).toEqual([]);
  });

  it("marks the agent's own", () => {
    expect(offered.map(quickReplyLabel)).toEqual(['Sign-off (mine)', 'Délai', 'Tracking']);
  });
});
