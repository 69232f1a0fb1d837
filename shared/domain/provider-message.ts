/**
 * Which of our messages a provider's message id is. Written when a send succeeds, so a provider
 * report that names only its own id (a Twilio Messaging Service's callback URL, which carries none
 * of ours) is matched with one point read.
 */
export interface ProviderMessageRef {
  provider: string;
  providerMessageId: string;
  conversationId: string;
  messageId: string;
}
