import { z } from 'zod';
import { eventTypes } from '../domain/integration-event.js';
import { ConflictError, issuesFrom, NotFoundError, ValidationError } from '../errors.js';
import type { EventSubscription, EventSubscriptions } from '../ports.js';

/** Ids an admin picks: short, readable, safe in a URL. */
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

const subscriptionSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'an http or https URL' }),
  types: z.array(z.enum(eventTypes)).default([]),
  // The receiver's half of the signature: long enough that it cannot be guessed.
  secret: z.string().min(16, 'use at least 16 characters').max(256).optional(),
  includeText: z.boolean().default(false),
});

/** On Azure, subscribers subscribe to the Event Grid topic itself; the product keeps no list. */
export function requireSubscriptions(subscriptions: EventSubscriptions | undefined): EventSubscriptions {
  if (!subscriptions) {
    throw new ConflictError(
      'events are published to the Event Grid topic here (EVENTGRID_TOPIC_ENDPOINT): subscribe to the topic in Azure (Power Automate "When a resource event occurs", an Event Grid subscription)',
    );
  }
  return subscriptions;
}

function requireId(id: string) {
  if (!ID.test(id)) {
    throw new ValidationError('a subscription id is 1 to 64 lowercase letters, digits and hyphens', [
      { path: 'subscriptionId', message: 'invalid' },
    ]);
  }
  return id;
}

export async function getEventSubscription(subscriptions: EventSubscriptions, id: string) {
  const found = await subscriptions.get(requireId(id));
  if (!found) throw new NotFoundError(`event subscription ${id} does not exist`);
  return found;
}

/** Creates or replaces one; a new one needs its secret, a replace without one keeps the old. */
export async function saveEventSubscription(
  subscriptions: EventSubscriptions,
  id: string,
  input: unknown,
): Promise<EventSubscription> {
  requireId(id);
  const parsed = subscriptionSchema.safeParse(input);
  if (!parsed.success) {
    const issues = issuesFrom(parsed.error.issues);
    throw new ValidationError(
      `the subscription is invalid: ${issues[0]?.path}: ${issues[0]?.message}`,
      issues,
    );
  }
  const { secret, ...rest } = parsed.data;
  const kept = secret ?? (await subscriptions.secretOf?.(id));
  if (!kept) {
    throw new ValidationError('a new subscription needs its secret', [
      { path: 'secret', message: 'required' },
    ]);
  }
  return subscriptions.put(id, { ...rest, types: [...new Set(rest.types)], secret: kept });
}

export async function deleteEventSubscription(subscriptions: EventSubscriptions, id: string) {
  if (!(await subscriptions.remove(requireId(id))))
    throw new NotFoundError(`event subscription ${id} does not exist`);
}

export async function listEventDeliveries(subscriptions: EventSubscriptions, id: string, limit: number) {
  await getEventSubscription(subscriptions, id);
  return subscriptions.deliveries(id, limit);
}
