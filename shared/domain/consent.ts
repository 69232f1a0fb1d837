import { z } from 'zod';
import { textSchema } from './fields.js';

/** The carrier-standard keywords (CTIA, Twilio's defaults), whole message, any case. */
export const defaultKeywords = {
  optOut: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'],
  optIn: ['START', 'YES', 'UNSTOP'],
  help: ['HELP', 'INFO'],
};

const keywordList = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .max(40)
      .transform((k) => k.toUpperCase()),
  )
  .min(1);

/** A channel's consent settings; every field has a default. */
export const consentSchema = z.object({
  optOut: keywordList.default(defaultKeywords.optOut),
  optIn: keywordList.default(defaultKeywords.optIn),
  help: keywordList.default(defaultKeywords.help),
  optOutReply: textSchema(320).optional(),
  optInReply: textSchema(320).optional(),
  helpReply: textSchema(320).optional(),
});
export type ConsentSettings = z.output<typeof consentSchema>;

export type Keyword = 'opt-out' | 'opt-in' | 'help';

/** Which keyword a whole message is, if any: "stop" and " Stop " are; "stop it" is not. */
export function keywordOf(text: string, settings: ConsentSettings): Keyword | undefined {
  const word = text.trim().toUpperCase();
  if (settings.optOut.includes(word)) return 'opt-out';
  if (settings.optIn.includes(word)) return 'opt-in';
  if (settings.help.includes(word)) return 'help';
  return undefined;
}

type ReplyTexts = Record<'optOut' | 'optIn' | 'help' | 'helpOutboundOnly', (name: string) => string>;

/**
 * The default keyword replies in the seven languages shipped. The keywords themselves stay the
 * carrier-standard English words (STOP, START, HELP) that every network and provider honours.
 */
const defaultReplies: Record<string, ReplyTexts> = {
  en: {
    optOut: (n) =>
      `You are unsubscribed from ${n} and will get no more messages. Reply START to resubscribe.`,
    optIn: (n) => `You are subscribed to ${n} again. Reply STOP to unsubscribe, HELP for help.`,
    help: (n) => `${n}: reply to this message to reach us. Reply STOP to unsubscribe.`,
    helpOutboundOnly: (n) =>
      `${n}: this number only sends messages; replies do not reach anyone. Reply STOP to unsubscribe.`,
  },
  fr: {
    optOut: (n) =>
      `Votre désinscription de ${n} est confirmée : vous ne recevrez plus de messages. Répondez START pour vous réinscrire.`,
    optIn: (n) =>
      `Vous êtes de nouveau inscrit à ${n}. Répondez STOP pour vous désinscrire, HELP pour obtenir de l’aide.`,
    help: (n) => `${n} : répondez à ce message pour nous joindre. Répondez STOP pour vous désinscrire.`,
    helpOutboundOnly: (n) =>
      `${n} : ce numéro sert uniquement à envoyer des messages ; personne ne lit les réponses. Répondez STOP pour vous désinscrire.`,
  },
  es: {
    optOut: (n) =>
      `Se ha dado de baja de ${n} y no recibirá más mensajes. Responda START para volver a suscribirse.`,
    optIn: (n) =>
      `Vuelve a estar suscrito a ${n}. Responda STOP para darse de baja o HELP para obtener ayuda.`,
    help: (n) => `${n}: responda a este mensaje para hablar con nosotros. Responda STOP para darse de baja.`,
    helpOutboundOnly: (n) =>
      `${n}: este número solo envía mensajes; nadie lee las respuestas. Responda STOP para darse de baja.`,
  },
  de: {
    optOut: (n) =>
      `Sie haben sich von ${n} abgemeldet und erhalten keine Nachrichten mehr. Antworten Sie START, um sich wieder anzumelden.`,
    optIn: (n) => `Sie sind wieder bei ${n} angemeldet. Antworten Sie STOP zum Abmelden oder HELP für Hilfe.`,
    help: (n) =>
      `${n}: Antworten Sie auf diese Nachricht, um uns zu erreichen. Antworten Sie STOP zum Abmelden.`,
    helpOutboundOnly: (n) =>
      `${n}: Über diese Nummer werden nur Nachrichten versendet; Antworten liest niemand. Antworten Sie STOP zum Abmelden.`,
  },
  pt: {
    optOut: (n) =>
      `Cancelou a subscrição de ${n} e não vai receber mais mensagens. Responda START para voltar a subscrever.`,
    optIn: (n) => `Voltou a subscrever ${n}. Responda STOP para cancelar ou HELP para obter ajuda.`,
    help: (n) =>
      `${n}: responda a esta mensagem para falar connosco. Responda STOP para cancelar a subscrição.`,
    helpOutboundOnly: (n) =>
      `${n}: este número só envia mensagens; ninguém lê as respostas. Responda STOP para cancelar a subscrição.`,
  },
  it: {
    optOut: (n) =>
      `Ha annullato l’iscrizione a ${n} e non riceverà più messaggi. Risponda START per iscriversi di nuovo.`,
    optIn: (n) =>
      `È di nuovo iscritto a ${n}. Risponda STOP per annullare l’iscrizione o HELP per ricevere aiuto.`,
    help: (n) =>
      `${n}: risponda a questo messaggio per contattarci. Risponda STOP per annullare l’iscrizione.`,
    helpOutboundOnly: (n) =>
      `${n}: questo numero invia solo messaggi; nessuno legge le risposte. Risponda STOP per annullare l’iscrizione.`,
  },
  nl: {
    optOut: (n) =>
      `U bent afgemeld voor ${n} en ontvangt geen berichten meer. Antwoord START om u weer aan te melden.`,
    optIn: (n) => `U bent weer aangemeld voor ${n}. Antwoord STOP om u af te melden of HELP voor hulp.`,
    help: (n) => `${n}: beantwoord dit bericht om ons te bereiken. Antwoord STOP om u af te melden.`,
    helpOutboundOnly: (n) =>
      `${n}: dit nummer verstuurt alleen berichten; antwoorden worden niet gelezen. Antwoord STOP om u af te melden.`,
  },
};

function repliesIn(language: string | undefined, fallback: string | undefined): ReplyTexts {
  for (const tag of [language, fallback]) {
    const primary = tag?.split('-')[0]?.toLowerCase();
    const found = primary ? defaultReplies[primary] : undefined;
    if (found) return found;
  }
  return defaultReplies.en as ReplyTexts;
}

/**
 * The one answer each keyword gets: the channel's own words, else the default in the customer's
 * language, then the channel's, then English.
 */
export function keywordReply(
  keyword: Keyword,
  settings: ConsentSettings,
  channelName: string,
  outboundOnly = false,
  language: { customer?: string | undefined; channel?: string | undefined } = {},
): string {
  const texts = repliesIn(language.customer, language.channel);
  switch (keyword) {
    case 'opt-out':
      return settings.optOutReply ?? texts.optOut(channelName);
    case 'opt-in':
      return settings.optInReply ?? texts.optIn(channelName);
    case 'help':
      return (
        settings.helpReply ?? (outboundOnly ? texts.helpOutboundOnly(channelName) : texts.help(channelName))
      );
  }
}
