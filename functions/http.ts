import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import type { App } from '../shared/app.js';
import type { Principal, Role } from '../shared/domain/access.js';
import { type PhoneNumber, parsePhoneNumber } from '../shared/domain/phone.js';
import {
  type ErrorCode,
  issuesFrom,
  SmsError,
  UnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../shared/errors.js';
import type { Logger } from '../shared/ports.js';
import { requireRole } from '../shared/use-cases/access.js';
import type { HttpFunction } from './definition.js';
import { principalOf } from './principal.js';

const statusFor: Partial<Record<ErrorCode, number>> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'invalid-state': 409,
  conflict: 409,
  'precondition-failed': 412,
  consent: 409,
  concurrency: 409,
  'already-exists': 409,
  unavailable: 503,
  'unsupported-media-type': 415,
};

export function json(status: number, body: unknown): HttpResponseInit {
  return { status, jsonBody: body };
}

/** Maps an error to a response that says what was wrong, never how the code is built. */
export function errorResponse(error: unknown, context: InvocationContext, logger: Logger): HttpResponseInit {
  const status = error instanceof SmsError ? statusFor[error.code] : undefined;
  if (error instanceof SmsError && status !== undefined) {
    logger.info('http.refused', { function: context.functionName, code: error.code, status });
    const issues =
      error instanceof ValidationError && error.issues.length > 0 ? { issues: error.issues } : {};
    const response = json(status, { error: { code: error.code, message: error.message, ...issues } });
    return error instanceof UnavailableError
      ? { ...response, headers: { 'retry-after': String(error.retryAfterSeconds) } }
      : response;
  }
  logger.error('http.failed', { function: context.functionName, invocationId: context.invocationId }, error);
  return json(500, {
    error: {
      code: 'internal',
      message: 'internal error; quote this id to support',
      invocationId: context.invocationId,
    },
  });
}

/** `application/json`, or a `+json` type (`application/merge-patch+json`), with any parameters. */
const JSON_TYPE = /^application\/(?:[a-z0-9.-]+\+)?json\s*(?:;|$)/i;

/**
 * JSON routes take JSON only: a form or a `text/plain` body is refused with 415 before it is read.
 * That also stops a cross-site HTML form, which can send only those types, from acting on a
 * signed-in route. A bare `curl -X POST` (no body, no content type) still passes.
 */
function requireJsonContent(request: HttpRequest, text: string): void {
  const type = request.headers.get('content-type');
  if (type === null ? text.length === 0 : JSON_TYPE.test(type)) return;
  throw new UnsupportedMediaTypeError(
    type === null
      ? 'send the body as JSON with content-type: application/json'
      : 'this route takes JSON: send content-type: application/json',
  );
}

/**
 * Reads a JSON body, for a use case that validates it itself: malformed JSON is a 400, another
 * content type a 415. No body at all reads as `{}`, so actions whose fields are all optional
 * (`end`, `close`, `pick`) can be posted bare, as `curl -X POST` does; a schema with required
 * fields still names what is missing.
 */
export async function readBody(request: HttpRequest): Promise<unknown> {
  const text = await request.text();
  requireJsonContent(request, text);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError('request body is not valid JSON', [], { cause: error });
  }
}

/** Reads and validates a JSON body: malformed JSON and schema failures are both a 400. */
export async function readJson<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(await readBody(request));
  if (!parsed.success) throw new ValidationError('request body is invalid', issuesFrom(parsed.error.issues));
  return parsed.data;
}

/**
 * A phone number from the query string. A `+` left unencoded arrives as a space (form encoding), so
 * `?to=+1425...` reads as ` 1425...`: say to write it as %2B instead of "missing +".
 */
export function queryPhone(request: HttpRequest, name: string): PhoneNumber | undefined {
  const value = request.query.get(name);
  if (value === null || value === '') return undefined;
  if (/^ [0-9]/.test(value)) {
    throw new ValidationError(`${name}: a + in a query string must be encoded as %2B (?${name}=%2B1425...)`, [
      { path: name, message: 'the + arrived as a space: encode it as %2B' },
    ]);
  }
  return parsePhoneNumber(value, name);
}

export function param(request: HttpRequest, name: string): string {
  const value = request.params[name];
  if (!value) throw new ValidationError(`missing route parameter ${name}`);
  return value;
}

type Handle = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/** An HTTP function whose handler errors become clear 4xx/5xx answers. */
export function httpFunction(
  definition: Omit<HttpFunction, 'kind' | 'handler'> & { logger: Logger; handle: Handle },
): HttpFunction {
  const { logger, handle, ...rest } = definition;
  return {
    kind: 'http',
    ...rest,
    handler: async (request, context) => {
      try {
        return await handle(request, context);
      } catch (error) {
        return errorResponse(error, context, logger);
      }
    },
  };
}

/** A handler that runs once the caller is known: the admin API and every signed-in route use it. */
export type SignedInHandle = (
  request: HttpRequest,
  principal: Principal,
  context: InvocationContext,
) => Promise<HttpResponseInit>;

/** The one answer to a method a route does not take, on both hosts. */
export const methodNotAllowedBody = (method: string) => ({
  error: { code: 'method-not-allowed', message: `${method} is not allowed here` },
});

/** The roles of the agent API: agents for themselves, supervisors and admins for anyone. */
export const agentRoles: Role[] = ['agent', 'supervisor', 'admin'];

/**
 * An HTTP function for signed-in callers: the caller is resolved first (401 when not signed in),
 * then must hold one of `roles` (403). With function keys as the only identity, the host checks
 * the key (authLevel function) and the caller holds the roles keys are given
 * (SMS_FUNCTION_KEY_ROLES, notifier by default); otherwise the route is anonymous to the host and
 * the app checks the sign-in itself.
 */
export function signedInFunction(
  app: App,
  definition: Pick<HttpFunction, 'name' | 'route' | 'methods'> & {
    /** The roles that may call it; 'any' lets in anyone signed in, even with no role yet. */
    roles: Role[] | 'any';
    handle: SignedInHandle;
  },
): HttpFunction {
  const { roles, handle, ...rest } = definition;
  return httpFunction({
    ...rest,
    authLevel: app.config.identity === 'function-keys' ? 'function' : 'anonymous',
    logger: app.deps.logger,
    handle: async (request, context) => {
      const principal = await principalOf(app, request);
      if (roles !== 'any') requireRole(principal, ...roles);
      return handle(request, principal, context);
    },
  });
}
