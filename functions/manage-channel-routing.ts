import { z } from 'zod';
import type { App } from '../shared/app.js';
import { routingRuleSchema } from '../shared/domain/routing.js';
import { channelPartFunction } from './manage.js';

/** A channel's routing rules, in order: the first that matches a new conversation picks its queue. */
export function manageChannelRoutingFunction(app: App) {
  return channelPartFunction(app, {
    name: 'manageChannelRouting',
    part: 'routing',
    schema: z.array(routingRuleSchema).max(100),
    read: (channel) => channel.routing,
    write: (channel, routing) => ({ ...channel, routing }),
  });
}
