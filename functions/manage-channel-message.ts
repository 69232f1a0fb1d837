import type { App } from '../shared/app.js';
import {
  type AutomatedKind,
  automatedKinds,
  automatedMessageSchema,
} from '../shared/domain/automated-messages.js';
import { NotFoundError } from '../shared/errors.js';
import { changeChannel } from '../shared/use-cases/admin-configuration.js';
import { json, param } from './http.js';
import { adminFunction, readPutJson } from './manage.js';

/** Turns one automated message on or off and sets its texts (its variables are checked). */
export function manageChannelMessageFunction(app: App) {
  return adminFunction(app, {
    name: 'manageChannelMessage',
    route: 'manage/channels/{channelId}/automated-messages/{kind}',
    handlers: {
      PUT: async (request) => {
        const kind = param(request, 'kind') as AutomatedKind;
        if (!automatedKinds.includes(kind)) {
          throw new NotFoundError(`no automated message ${kind} (there are ${automatedKinds.join(', ')})`);
        }
        const setting = await readPutJson(request, kind, automatedMessageSchema(kind));
        const channel = await changeChannel(app.deps, param(request, 'channelId'), (c) => ({
          ...c,
          automatedMessages: { ...c.automatedMessages, [kind]: setting },
        }));
        return json(200, { [kind]: channel.automatedMessages[kind] });
      },
    },
  });
}
