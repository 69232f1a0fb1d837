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

/**
 * A sink that never writes on the caller's path: the lines of one turn of the event loop are
 * joined and handed to `write` once, after the turn. Standard output to a file or a pipe is written
 * synchronously on Linux (Node's documented behaviour), so a line written at once cost a system
 * call inside every request that logged; now a burst of requests shares one. Lines still held
 * when the process exits are written then, in order.
 */
export function bufferedSink(write: (text: string) => void): LogSink {
  let held: string[] = [];
  const flush = () => {
    if (held.length === 0) return;
    const text = `${held.join('\n')}\n`;
    held = [];
    write(text);
  };
  process.once('exit', flush);
  return (line) => {
    if (held.length === 0) setImmediate(flush);
    held.push(line);
  };
}

let stdout: LogSink | undefined;

/** Standard output, buffered as above; one buffer for the process, so lines keep their order. */
export function stdoutSink(): LogSink {
  stdout ??= bufferedSink((text) => process.stdout.write(text));
  return stdout;
}
