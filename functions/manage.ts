import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';
import type { App } from '../shared/app.js';
import type { ChannelSettings } from '../shared/domain/channel.js';
import { issuesFrom, ValidationError } from '../shared/errors.js';
import {
  changeChannel,
  findChannelSettings,
  readConfiguration,
} from '../shared/use-cases/admin-configuration.js';
import type { HttpFunction } from './definition.js';
import {
  json,
  methodNotAllowedBody,
  param,
  readBody,
  type SignedInHandle,
  signedInFunction,
} from './http.js';

/**
 * An admin API function: admins only. Its route is under `manage/` because the Functions host
 * keeps routes starting with `admin` for itself. One handler per method.
 */
export function adminFunction(
  app: App,
  definition: {
    name: string;
    route: string;
    handlers: Partial<Record<'GET' | 'PUT' | 'POST' | 'DELETE', SignedInHandle>>;
  },
): HttpFunction {
  const methods = Object.keys(definition.handlers) as ('GET' | 'PUT' | 'POST' | 'DELETE')[];
  return signedInFunction(app, {
    name: definition.name,
    route: definition.route,
    methods,
    roles: ['admin'],
    handle: (request, principal, context) => {
      const handler = definition.handlers[request.method as 'GET'];
      if (!handler) return Promise.resolve(json(405, methodNotAllowedBody(request.method)));
      return handler(request, principal, context);
    },
  });
}

export const noContent = (): HttpResponseInit => ({ status: 204 });

/**
 * What a GET answered, a PUT takes: `{"routing": [...]}` (the answer, wrapped in the part's name)
 * as well as the bare `[...]` that PUT took before, kept so existing scripts go on working. Only an
 * object whose one key is the name is unwrapped: no part's own shape has a key of its own name.
 */
export function unwrapAnswer(input: unknown, key: string): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const keys = Object.keys(input);
  return keys.length === 1 && keys[0] === key ? (input as Record<string, unknown>)[key] : input;
}

/** Reads a PUT body in either shape (see unwrapAnswer). */
export async function readPutBody(request: HttpRequest, key: string): Promise<unknown> {
  return unwrapAnswer(await readBody(request), key);
}

/** Reads a PUT body in either shape and validates it with the part's schema. */
export async function readPutJson<S extends z.ZodType>(
  request: HttpRequest,
  key: string,
  schema: S,
): Promise<z.output<S>> {
  const parsed = schema.safeParse(await readPutBody(request, key));
  if (!parsed.success) throw new ValidationError('request body is invalid', issuesFrom(parsed.error.issues));
  return parsed.data;
}

/**
 * A part of a channel an admin reads and replaces on its own (its routing rules, holidays,
 * keywords): validated with its own schema, then with the whole configuration.
 */
export function channelPartFunction<S extends z.ZodType>(
  app: App,
  definition: {
    name: string;
    part: string;
    schema: S;
    /** What GET answers under the part's name; PUT takes it back. */
    read: (channel: ChannelSettings) => unknown;
    write: (channel: ChannelSettings, value: z.output<S>) => ChannelSettings;
    /** DELETE, when the part may be removed (hours: always open). */
    remove?: (channel: ChannelSettings) => ChannelSettings;
  },
): HttpFunction {
  const { remove } = definition;
  return adminFunction(app, {
    name: definition.name,
    route: `manage/channels/{channelId}/${definition.part}`,
    handlers: {
      GET: async (request) => {
        const channel = findChannelSettings(
          (await readConfiguration(app.deps)).value,
          param(request, 'channelId'),
        );
        return json(200, { [definition.part]: definition.read(channel) ?? null });
      },
      PUT: async (request) => {
        const value = await readPutJson(request, definition.part, definition.schema);
        const channel = await changeChannel(app.deps, param(request, 'channelId'), (c) =>
          definition.write(c, value),
        );
        return json(200, { [definition.part]: definition.read(channel) ?? null });
      },
      ...(remove
        ? {
            DELETE: async (request: HttpRequest) => {
              const channel = await changeChannel(app.deps, param(request, 'channelId'), remove);
              return json(200, { [definition.part]: definition.read(channel) ?? null });
            },
          }
        : {}),
    },
  });
}
