import { maskPhonesIn } from './domain/mask.js';
import type { LogFields, Logger } from './ports.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const levels: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values are message content: dropped whole, whatever the caller passed. */
const CONTENT_KEYS = new Set(['text', 'body', 'message']);

export type LogSink = (line: string) => void;

function clean(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (CONTENT_KEYS.has(key)) out[key] = '[redacted]';
    else out[key] = typeof value === 'string' ? maskPhonesIn(value) : value;
  }
  return out;
}

function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: maskPhonesIn(String(error)) };
  const out: Record<string, unknown> = { error: error.name, errorMessage: maskPhonesIn(error.message) };
  if (error.cause !== undefined) out.cause = describe(error.cause);
  return out;
}

/**
 * Structured JSON lines. Call sites mask numbers themselves; this logger masks again anything that
 * looks like a phone number and drops content fields, so a careless call cannot leak personal data.
 */
export function createLogger(sink: LogSink, minLevel: LogLevel = 'info', base: LogFields = {}): Logger {
  const write = (level: LogLevel, event: string, fields: LogFields = {}, error?: unknown) => {
    if (levels[level] < levels[minLevel]) return;
    const line = { time: new Date().toISOString(), level, event, ...clean({ ...base, ...fields }) };
    sink(JSON.stringify(error === undefined ? line : { ...line, ...describe(error) }));
  };
  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields, error) => write('error', event, fields, error),
  };
}

export const silentLogger: Logger = createLogger(() => {}, 'error');
