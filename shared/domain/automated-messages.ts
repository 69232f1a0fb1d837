import { z } from 'zod';
import { languageTag, textSchema } from './fields.js';
import { fill, type LocalizedText, localizedTextSchema, pickText, variablesOf } from './localized.js';

/** The messages the system sends on its own, as Dynamics 365 Omnichannel names them. */
export const automatedKinds = [
  'greeting',
  'queued',
  'agentAssigned',
  'outOfHours',
  'holiday',
  'transfer',
  'ended',
  'survey',
] as const;
export type AutomatedKind = (typeof automatedKinds)[number];

/** The variables each message may use. */
export const automatedVariables: Record<AutomatedKind, readonly string[]> = {
  greeting: ['customerName', 'channelName', 'caseNumber'],
  queued: ['position', 'customerName', 'channelName', 'caseNumber'],
  agentAssigned: ['agentName', 'customerName', 'channelName', 'caseNumber'],
  outOfHours: ['nextOpening', 'customerName', 'channelName', 'caseNumber'],
  holiday: ['holiday', 'nextOpening', 'customerName', 'channelName', 'caseNumber'],
  transfer: ['agentName', 'queueName', 'customerName', 'channelName', 'caseNumber'],
  ended: ['agentName', 'customerName', 'channelName', 'caseNumber'],
  survey: ['agentName', 'customerName', 'channelName', 'caseNumber'],
};

/** Variables a text may leave without a value (a customer we have no name for, no agent yet). */
const OPTIONAL = ['customerName', 'agentName'];

/**
 * What stands for a missing value when the message gives no fallback of its own. A missing name
 * is otherwise left out and the text tidied around it ("Hi, thanks"); an agent is "one of our
 * agents", since "You are now talking to." would not read.
 */
export const builtInFallbacks: Record<string, LocalizedText> = {
  agentName: {
    en: 'one of our agents',
    fr: 'un de nos conseillers',
    es: 'uno de nuestros agentes',
    de: 'einem unserer Mitarbeiter',
    pt: 'um dos nossos atendentes',
    it: 'uno dei nostri operatori',
    nl: 'een van onze medewerkers',
  },
};

const fallbackTextSchema = z.union([textSchema(100), z.record(languageTag, textSchema(100))]);

/**
 * The texts used when a channel gives none, in the seven languages shipped; the customer's
 * language picks one, then the channel's, then English. An admin replaces them per channel.
 */
export const defaultAutomatedTexts: Record<AutomatedKind, LocalizedText> = {
  greeting: {
    en: 'Thanks for contacting {channelName}. Your case number is {caseNumber}; an agent will be with you soon.',
    fr: 'Merci d’avoir contacté {channelName}. Votre numéro de dossier est {caseNumber} ; un conseiller va vous répondre très vite.',
    es: 'Gracias por contactar con {channelName}. Su número de caso es {caseNumber}; un agente le atenderá en breve.',
    de: 'Danke, dass Sie {channelName} kontaktiert haben. Ihre Vorgangsnummer ist {caseNumber}; gleich ist jemand für Sie da.',
    pt: 'Obrigado por contactar {channelName}. O número do seu pedido é {caseNumber}; um atendente vai responder em breve.',
    it: 'Grazie per aver contattato {channelName}. Il numero della sua pratica è {caseNumber}; un operatore le risponderà a breve.',
    nl: 'Bedankt voor uw bericht aan {channelName}. Uw dossiernummer is {caseNumber}; een medewerker helpt u zo snel mogelijk.',
  },
  queued: {
    en: 'You are number {position} in the queue. An agent will be with you as soon as possible.',
    fr: 'Vous êtes en position {position} dans la file d’attente. Un conseiller vous répondra dès que possible.',
    es: 'Está en la posición {position} de la cola. Un agente le atenderá lo antes posible.',
    de: 'Sie sind an Position {position} in der Warteschlange. Wir melden uns so schnell wie möglich.',
    pt: 'Está na posição {position} da fila. Um atendente vai responder assim que possível.',
    it: 'È in posizione {position} nella coda. Un operatore le risponderà il prima possibile.',
    nl: 'U bent nummer {position} in de wachtrij. Een medewerker helpt u zo snel mogelijk.',
  },
  agentAssigned: {
    en: 'You are now talking to {agentName}.',
    fr: 'Vous échangez maintenant avec {agentName}.',
    es: 'Ahora está hablando con {agentName}.',
    de: 'Sie schreiben jetzt mit {agentName}.',
    pt: 'Está agora a falar com {agentName}.',
    it: 'Ora sta parlando con {agentName}.',
    nl: 'U spreekt nu met {agentName}.',
  },
  outOfHours: {
    en: '{channelName} is closed now. We open again {nextOpening}; your message is kept and we will answer then.',
    fr: '{channelName} est fermé pour le moment. Nous rouvrons {nextOpening} ; votre message est bien enregistré et nous y répondrons à ce moment-là.',
    es: '{channelName} está cerrado en este momento. Volvemos a abrir {nextOpening}; hemos guardado su mensaje y le responderemos entonces.',
    de: '{channelName} ist gerade geschlossen. Wir sind {nextOpening} wieder für Sie da; Ihre Nachricht ist gespeichert und wir antworten dann.',
    pt: '{channelName} está fechado neste momento. Reabrimos {nextOpening}; a sua mensagem fica guardada e responderemos nessa altura.',
    it: '{channelName} al momento è chiuso. Riapriamo {nextOpening}; il suo messaggio è stato salvato e le risponderemo alla riapertura.',
    nl: '{channelName} is nu gesloten. We zijn {nextOpening} weer open; uw bericht is bewaard en we antwoorden dan.',
  },
  holiday: {
    en: '{channelName} is closed today ({holiday}). We open again {nextOpening}; your message is kept and we will answer then.',
    fr: '{channelName} est fermé aujourd’hui ({holiday}). Nous rouvrons {nextOpening} ; votre message est bien enregistré et nous y répondrons à ce moment-là.',
    es: '{channelName} está cerrado hoy ({holiday}). Volvemos a abrir {nextOpening}; hemos guardado su mensaje y le responderemos entonces.',
    de: '{channelName} ist heute geschlossen ({holiday}). Wir sind {nextOpening} wieder für Sie da; Ihre Nachricht ist gespeichert und wir antworten dann.',
    pt: '{channelName} está fechado hoje ({holiday}). Reabrimos {nextOpening}; a sua mensagem fica guardada e responderemos nessa altura.',
    it: '{channelName} oggi è chiuso ({holiday}). Riapriamo {nextOpening}; il suo messaggio è stato salvato e le risponderemo alla riapertura.',
    nl: '{channelName} is vandaag gesloten ({holiday}). We zijn {nextOpening} weer open; uw bericht is bewaard en we antwoorden dan.',
  },
  transfer: {
    en: 'We are passing your conversation to {queueName}. Thank you for your patience.',
    fr: 'Nous transférons votre conversation à l’équipe {queueName}. Merci de votre patience.',
    es: 'Estamos pasando su conversación a {queueName}. Gracias por su paciencia.',
    de: 'Wir leiten Ihr Anliegen an {queueName} weiter. Vielen Dank für Ihre Geduld.',
    pt: 'Estamos a passar a sua conversa para {queueName}. Obrigado pela sua paciência.',
    it: 'Stiamo passando la sua conversazione a {queueName}. Grazie per la pazienza.',
    nl: 'We sturen uw gesprek door naar {queueName}. Bedankt voor uw geduld.',
  },
  ended: {
    en: 'This conversation has ended. Your case number is {caseNumber}. Text us any time.',
    fr: 'Cette conversation est terminée. Votre numéro de dossier est {caseNumber}. Écrivez-nous quand vous voulez.',
    es: 'Esta conversación ha terminado. Su número de caso es {caseNumber}. Escríbanos cuando quiera.',
    de: 'Dieses Gespräch ist beendet. Ihre Vorgangsnummer ist {caseNumber}. Schreiben Sie uns jederzeit.',
    pt: 'Esta conversa terminou. O número do seu pedido é {caseNumber}. Escreva-nos sempre que precisar.',
    it: 'Questa conversazione è terminata. Il numero della sua pratica è {caseNumber}. Ci scriva quando vuole.',
    nl: 'Dit gesprek is beëindigd. Uw dossiernummer is {caseNumber}. Stuur ons gerust opnieuw een bericht.',
  },
  survey: {
    en: 'How did we do? Reply with a score from 1 (poor) to 5 (excellent), and a comment if you like.',
    fr: 'Comment s’est passé cet échange ? Répondez par une note de 1 (mauvais) à 5 (excellent), avec un commentaire si vous le souhaitez.',
    es: '¿Qué tal le hemos atendido? Responda con una nota del 1 (mal) al 5 (excelente) y, si quiere, un comentario.',
    de: 'Wie zufrieden waren Sie? Antworten Sie mit einer Note von 1 (schlecht) bis 5 (sehr gut), gern auch mit einem Kommentar.',
    pt: 'Como correu o nosso atendimento? Responda com uma nota de 1 (mau) a 5 (excelente) e, se quiser, um comentário.',
    it: 'Com’è andata? Risponda con un voto da 1 (scarso) a 5 (ottimo) e, se vuole, un commento.',
    nl: 'Hoe hebben we het gedaan? Antwoord met een cijfer van 1 (slecht) tot 5 (uitstekend), eventueel met een toelichting.',
  },
};

/** Out of hours and holiday answers are on unless turned off: a customer must not wait unanswered. */
const onByDefault: readonly AutomatedKind[] = ['outOfHours', 'holiday'];

/** One automated message's setting: on or off, and its texts (the default text when absent). */
export const automatedMessageSchema = (kind: AutomatedKind) =>
  z
    .object({
      enabled: z.boolean().default(onByDefault.includes(kind)),
      text: localizedTextSchema.optional(),
      /** What a variable reads when its value is missing (a customer without a name), by variable. */
      fallbacks: z.record(z.string(), fallbackTextSchema).optional(),
      /** Survey only: minutes after it went out during which a reply is its answer (0: never). */
      replyWindowMinutes: z.number().int().min(0).max(10_080).optional(),
    })
    .superRefine((value, ctx) => {
      if (kind !== 'survey' && value.replyWindowMinutes !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['replyWindowMinutes'],
          message: 'only the survey message takes replies',
        });
      }
      const strays = Object.keys(value.fallbacks ?? {}).filter((v) => !automatedVariables[kind].includes(v));
      if (strays.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['fallbacks'],
          message: `has {${strays.join('}, {')}}; the ${kind} message may use {${automatedVariables[kind].join('}, {')}}`,
        });
      }
      const texts =
        value.text === undefined
          ? []
          : typeof value.text === 'string'
            ? [value.text]
            : Object.values(value.text);
      const unknown = [...new Set(texts.flatMap(variablesOf))].filter(
        (v) => !automatedVariables[kind].includes(v),
      );
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['text'],
          message: `uses {${unknown.join('}, {')}}; the ${kind} message may use {${automatedVariables[kind].join('}, {')}}`,
        });
      }
    })
    .default({ enabled: onByDefault.includes(kind) });

export const automatedMessagesSchema = z
  .object(
    Object.fromEntries(automatedKinds.map((kind) => [kind, automatedMessageSchema(kind)])) as Record<
      AutomatedKind,
      ReturnType<typeof automatedMessageSchema>
    >,
  )
  .default(
    Object.fromEntries(
      automatedKinds.map((kind) => [kind, { enabled: onByDefault.includes(kind) }]),
    ) as never,
  );
export type AutomatedMessages = z.output<typeof automatedMessagesSchema>;

export type AutomatedValue = string | number | undefined | ((language: string) => string);

/**
 * A message's text for a conversation, filled with its values, in the customer's language (the
 * channel's when theirs is not among the texts), or undefined when the message is turned off.
 */
export function automatedText(
  channel: { name: string; language: string; automatedMessages: AutomatedMessages },
  kind: AutomatedKind,
  language: string | undefined,
  /** A value may depend on the language of the text chosen (a date in words). */
  values: Record<string, AutomatedValue>,
): string | undefined {
  const configured = channel.automatedMessages[kind];
  if (!configured.enabled) return undefined;
  const texts: string | LocalizedText = configured.text ?? defaultAutomatedTexts[kind];
  const picked = pickText(texts, language, channel.language);
  const filled: Record<string, string | number | undefined> = { channelName: channel.name };
  for (const [name, value] of Object.entries(values)) {
    filled[name] = typeof value === 'function' ? value(picked.language) : value;
  }
  for (const name of OPTIONAL) {
    const value = filled[name];
    if (value !== undefined && String(value).trim() !== '') continue;
    const fallback = configured.fallbacks?.[name] ?? builtInFallbacks[name];
    if (fallback) filled[name] = pickText(fallback, picked.language, channel.language).text;
  }
  return fill(picked.text, filled, { field: `automatedMessages.${kind}`, optional: OPTIONAL });
}
