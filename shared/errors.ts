/**
 * Every error the domain and its ports raise. Each carries a stable `code` that the edge maps to an
 * HTTP status, and keeps the underlying `cause` so logs show the whole chain.
 */
export type ErrorCode =
  | 'validation'
  | 'not-found'
  | 'invalid-state'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'precondition-failed'
  | 'consent'
  | 'concurrency'
  | 'already-exists'
  | 'unsupported-media-type'
  | 'lock-lost'
  | 'send-failed'
  | 'configuration'
  | 'unavailable'
  | 'disk-failed';

/**
 * An error's message alone, for a log field or a message between threads (neither carries an
 * Error's stack); anything thrown that is not an Error is turned into text.
 */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export interface ErrorOptions {
  cause?: unknown;
}

export class SmsError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: ErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

export interface ValidationIssue {
  path: string;
  message: string;
}

export class ValidationError extends SmsError {
  constructor(
    message: string,
    readonly issues: ValidationIssue[] = [],
    options: ErrorOptions = {},
  ) {
    super('validation', message, options);
  }
}

/** A body in a content type the route does not take (a form posted to a JSON route). */
export class UnsupportedMediaTypeError extends SmsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('unsupported-media-type', message, options);
  }
}

export class NotFoundError extends SmsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('not-found', message, options);
  }
}

/** A state-machine transition that the conversation's current state does not allow. */
export class InvalidTransitionError extends SmsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('invalid-state', message, options);
  }
}

/** The caller did not sign in (or their sign-in does not hold); they may try again signed in. */
export class UnauthorizedError extends SmsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('unauthorized', message, options);
  }
}

export class ForbiddenError extends SmsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('forbidden', message, options);
  }
}

/** The request is well formed but clashes with current state (for example an outbound-only channel). */
export class ConflictError extends SmsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('conflict', message, options);
  }
}

/** The caller's If-Match names a version that is no longer the current one. */
export class PreconditionFailedError extends SmsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('precondition-failed', message, options);
  }
}

/** The recipient opted out of this channel: nothing may be sent to them. */
export class ConsentError extends SmsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('consent', message, options);
  }
}

/** A store write lost an optimistic-concurrency race (stale ETag). Callers re-read and retry. */
export class ConcurrencyError extends SmsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('concurrency', message, options);
  }
}

/**
 * A read-modify-write that kept meeting other writers past its bound. Not a ConcurrencyError on
 * purpose: an enclosing retry loop must not multiply the attempts; the queue's redelivery retries.
 */
export class UnsettledError extends SmsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('concurrency', message, options);
  }
}

/** A create met a record with the same id. */
export class AlreadyExistsError extends SmsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('already-exists', message, options);
  }
}

/** A queue lease expired before it was settled; another consumer may have the message now. */
export class LockLostError extends SmsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('lock-lost', message, options);
  }
}

export type SendFailureKind = 'transient' | 'rate-limited' | 'opted-out' | 'permanent';

/** A provider refused or failed a send; `kind` decides between retry, opt-out and failure. */
export class SendError extends SmsError {
  constructor(
    readonly kind: SendFailureKind,
    message: string,
    readonly retryAfterMs?: number,
    options: ErrorOptions = {},
  ) {
    super('send-failed', message, options);
  }
}

/**
 * The request went to the provider and no answer came back (the connection broke, or the wait for
 * the answer ran out): the provider may have taken the message. A provider with idempotency keys
 * takes a retry as the same message; for one without, a retry could send it twice.
 */
export class SendInDoubtError extends SendError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('transient', message, undefined, options);
  }
}

/**
 * The provider refused the account's credentials (401/403 on authentication): nothing was sent, so
 * a send may be tried again once the secret is read anew (it may have been rotated).
 */
export class CredentialsRefusedError extends SendError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('permanent', message, undefined, options);
  }
}

export class ConfigurationError extends SmsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('configuration', message, options);
  }
}

/**
 * The app cannot serve yet (still starting: a store or queue not reachable, a setting not
 * resolved). The caller should try again: HTTP answers 503 with Retry-After.
 */
export class UnavailableError extends SmsError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options: ErrorOptions = {},
  ) {
    super('unavailable', message, options);
  }
}

/**
 * A sync of the embedded database's write-ahead log failed: the commits it should have put on disk
 * may be lost at a power cut, and Linux reports a failed write-back once, so no later sync can be
 * trusted to cover them. Nothing more is accepted as stored until the host restarts. `cause` is
 * the failed sync's error.
 */
export class DiskSyncFailedError extends SmsError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('disk-failed', message, options);
  }
}

/**
 * Turns zod issues (or anything shaped like them) into our issue list. `under` names the field the
 * parsed value came from: an issue about the value as a whole then has that field as its path
 * (`media`, not `media.(root)`); `(root)` is only for a whole request body.
 */
export function issuesFrom(
  zodIssues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  under?: string,
) {
  return zodIssues.map((issue) => ({
    path: [...(under === undefined ? [] : [under]), ...issue.path.map(String)].join('.') || '(root)',
    message: issue.message,
  }));
}
