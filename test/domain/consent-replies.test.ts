import { describe, expect, it } from 'vitest';
import { consentSchema } from '../../shared/domain/consent.js';
import { withoutDefaultReplies, withReplies } from '../../shared/domain/consent-replies.js';

describe('keyword replies as an admin reads and writes them', () => {
  const defaults = consentSchema.parse({});

  it('fills every reply with the text the customer gets', () => {
    const read = withReplies(consentSchema.parse({ helpReply: 'Call 0800 123 456.' }), 'Support');
    expect(read).toMatchObject({
      optOutReply:
        'You are unsubscribed from Support and will get no more messages. Reply START to resubscribe.',
      optInReply: 'You are subscribed to Support again. Reply STOP to unsubscribe, HELP for help.',
      helpReply: 'Call 0800 123 456.',
    });
  });

  it('keeps a reply written back unchanged as the default, so it follows a renamed channel', () => {
    const kept = withoutDefaultReplies(withReplies(defaults, 'Support'), 'Support');
    expect(kept).toEqual(defaults);
    expect(withReplies(kept, 'Help desk').optOutReply).toContain('unsubscribed from Help desk');
  });

  it('keeps a reply of the channel own', () => {
    const own = consentSchema.parse({ optOutReply: 'Vous ne recevrez plus rien.' });
    expect(withoutDefaultReplies(withReplies(own, 'Support'), 'Support').optOutReply).toBe(
      'Vous ne recevrez plus rien.',
    );
  });

  it("fills the replies in the channel's language", () => {
    const read = withReplies(defaults, 'Support', 'fr-CA');
    expect(read.optOutReply).toBe(
      'Votre désinscription de Support est confirmée : vous ne recevrez plus de messages. Répondez START pour vous réinscrire.',
    );
    expect(read.helpReply).toBe(
      'Support : répondez à ce message pour nous joindre. Répondez STOP pour vous désinscrire.',
    );
  });

  it("keeps a reply written back unchanged in the channel's language as the default too", () => {
    expect(withoutDefaultReplies(withReplies(defaults, 'Soporte', 'es'), 'Soporte', 'es')).toEqual(defaults);
    const english = withReplies(defaults, 'Support');
    expect(withoutDefaultReplies(english, 'Support', 'es').optOutReply).toBe(english.optOutReply);
  });
});
