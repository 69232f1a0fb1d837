import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import azureFunctions, { type HttpResponse, type HttpResponseInit } from '@azure/functions';

import type { FunctionDefinition, HttpFunction } from '../functions/definition.js';
import { buildFunctions } from '../functions/definitions.js';
import { methodNotAllowedBody } from '../functions/http.js';
import { WalRestartGate } from '../shared/adapters/wal-restart-gate.js';
import { WriteTurnGate } from '../shared/adapters/write-turn-gate.js';
import { type App, createApp } from '../shared/app.js';
import type { Config } from '../shared/config.js';
import { errorText, ValidationError } from '../shared/errors.js';
import { type LogSink, stdoutSink } from '../shared/logger.js';
import type { LiveUpdates } from '../shared/ports.js';
import { PROMETHEUS_CONTENT_TYPE, PrometheusRegistry } from '../shared/telemetry/prometheus-registry.js';
import type { CompletedMessage } from './consumer.js';
import { claimDataDir } from './data-dir-lock.js';
import { replayMetrics } from './forwarded-metrics.js';
import { LocalNativeRequest } from './native-request.js';
import { serveRealtime } from './realtime.js';
import { Router } from './router.js';
import { startRunners } from './runners.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { WorkerBridge } from './worker-bridge.js';

// @azure/functions is CommonJS: Node's ESM loader cannot see its named exports, only the default.
const { HttpRequest, HttpResponse: HttpResponseClass, InvocationContext } = azureFunctions;

export interface LocalHostOptions {
  config: Config;
  logSink?: LogSink;
  /** Called as each queue message completes (the benchmark measures latency with it). */
  onCompleted?: (message: CompletedMessage) => void;
  /** Stands in for the fsync of the database's WAL that this thread's writes wait for (a spec's). */
  syncWal?: () => Promise<void>;
  /** Every sync of accepted work on the queue thread fails, as after a failed write-back (a spec's). */
  queueThreadSyncsFail?: boolean;
}

export interface LocalHost {
  url: string;
  app: App;
  functions: FunctionDefinition[];
  /**
   * The keys the host checks on `function` and `admin` routes (with SMS_DEV_SIGN_IN=off), as Core
   * Tools does: configured (SMS_LOCAL_FUNCTION_KEY, SMS_LOCAL_MASTER_KEY) or made at start.
   */
  keys: { function: string; master: string };
  /** Runs a non-HTTP function now, as Core Tools' `POST /admin/functions/{name}` does. */
  invoke(name: string): Promise<void>;
  /** The figures both threads recorded, as GET /metrics serves them (Prometheus text format). */
  metrics: PrometheusRegistry;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
/**
 * A body over the limit is still read (and dropped) up to this much, so the 413 reaches the client:
 * closing a socket with unread data resets it, and the client sees a reset instead of the answer.
 */
const MAX_DRAINED_BYTES = 64 * 1024 * 1024;
/** How long a stop waits for requests under way before it closes their connections. */
const STOP_GRACE_MS = 3000;

class BodyTooLargeError extends Error {}

/** The raw bytes of a request, bounded; the function's own `readBody` parses them later. */
function readRequestBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DRAINED_BYTES) {
        req.destroy();
        return;
      }
      if (size > MAX_BODY_BYTES) chunks.length = 0;
      else chunks.push(chunk);
    });
    req.on('end', () =>
      size > MAX_BODY_BYTES ? reject(new BodyTooLargeError()) : resolve(Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

const tooLarge = {
  error: { code: 'too-large', message: `request body over ${MAX_BODY_BYTES} bytes (1 MiB)` },
};

/** The request URL, or undefined when it cannot be read (a malformed Host header or target). */
function requestUrl(req: IncomingMessage): URL | undefined {
  for (const host of [req.headers.host, 'localhost']) {
    try {
      return new URL(req.url ?? '/', `http://${host ?? 'localhost'}`);
    } catch {
      // Try the next base.
    }
  }
  return undefined;
}

/** Compares a presented key with the host's, in time that does not depend on where they differ. */
function sameKey(presented: string, key: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(key));
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

async function writeResult(res: ServerResponse, result: HttpResponseInit | HttpResponse | undefined) {
  if (result instanceof HttpResponseClass) {
    const body = Buffer.from(await result.arrayBuffer());
    res.writeHead(result.status, Object.fromEntries(result.headers.entries()));
    res.end(body);
    return;
  }
  const init = result ?? {};
  const headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
  let body: string | Buffer | undefined;
  if (init.jsonBody !== undefined) {
    body = JSON.stringify(init.jsonBody);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json; charset=utf-8');
  } else if (typeof init.body === 'string') {
    body = init.body;
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8');
  } else if (init.body !== undefined && init.body !== null) {
    body = Buffer.from(
      await new Response(init.body as ConstructorParameters<typeof Response>[0]).arrayBuffer(),
    );
  }
  res.writeHead(init.status ?? 200, Object.fromEntries(headers.entries()));
  res.end(body);
}

interface Runtime {
  functions: FunctionDefinition[];
  /**
   * Why what the host answers as stored can no longer be promised on disk: a sync of the WAL
   * failed on a thread (each thread syncs its own writes, through a descriptor of its own). Empty
   * until then; a failed sync stays failed until the host restarts.
   */
  diskProblems(): string[];
  invoke(name: string): Promise<void>;
  stop(): Promise<void>;
  release(): void;
}

/**
 * The embedded default: queue consumers, timers and queue writes on a queue thread (local/worker.ts)
 * that owns the SQLite queue, so parsing and processing use two cores. The queue thread is told to
 * read the configuration again after the seed import and after every change made here.
 */
async function startEmbedded(
  options: LocalHostOptions,
  logSink: LogSink,
  registry: PrometheusRegistry,
): Promise<{ app: App; runtime: Runtime }> {
  const { config } = options;
  const releaseDataDir = claimDataDir(config.dataDir);
  let started: WorkerBridge | undefined;
  let opened: App | undefined;
  let checkpointer: WalCheckpointer | undefined;
  // The queue thread writes; the checkpoint thread asks it for a turn to start the WAL over.
  const walRestartGate = new WalRestartGate().buffer;
  // It also gives this thread's writes their turn between its batches.
  const writeTurnGate = new WriteTurnGate();
  let queueThreadSyncFailure: string | undefined;
  try {
    let live: LiveUpdates | undefined;
    const bridge = await WorkerBridge.start(
      {
        config,
        reportCompleted: options.onCompleted !== undefined,
        walRestartGate,
        writeTurnGate: writeTurnGate.buffer,
        ...(options.queueThreadSyncsFail ? { syncsFail: true } : {}),
      },
      {
        log: logSink,
        ...(options.onCompleted ? { completed: options.onCompleted } : {}),
        live: (groups, message) => void live?.publish(groups, message).catch(() => {}),
        metrics: (records) => replayMetrics(records, registry.metrics),
        syncFailed: (message) => {
          queueThreadSyncFailure ??= message;
        },
      },
    );
    started = bridge;
    const app = await createApp(config, {
      logSink,
      queueSender: bridge,
      metrics: registry.metrics,
      checkpointOnCommit: false,
      httpThread: { writeTurns: writeTurnGate, ...(options.syncWal ? { syncWal: options.syncWal } : {}) },
    });
    opened = app;
    // The seed's import and the schema, written on this thread, are on disk before the first answer.
    await app.embedded?.writesOnDisk();
    live = app.localLive;
    const { logger } = app.deps;
    checkpointer = await WalCheckpointer.start(
      config.dataDir,
      { failed: (message) => logger.error('wal.checkpoint-failed', { message }) },
      { walRestartGate },
    );
    await bridge.configurationChanged();
    app.directory.onChange(() => bridge.configurationChanged());
    const clock = app.manualClock;
    if (clock) {
      bridge.setClock(clock.now());
      clock.onChange((now) => bridge.setClock(now));
    }
    return {
      app,
      runtime: {
        functions: buildFunctions(app),
        diskProblems: () => {
          const problems: string[] = [];
          if (queueThreadSyncFailure !== undefined) problems.push(`queue thread: ${queueThreadSyncFailure}`);
          const failure = app.embedded?.syncFailure();
          if (failure !== undefined)
            problems.push(
              `HTTP thread: its writes could not be put on disk (a sync of the write-ahead log failed: ${errorText(failure)}); every request fails until the host restarts`,
            );
          return problems;
        },
        invoke: (name) => bridge.invoke(name),
        stop: async () => {
          await bridge.stop();
          await checkpointer?.stop();
        },
        release: releaseDataDir,
      },
    };
  } catch (error) {
    // A start that fails after the queue thread is up (an invalid seed) must not leave it running,
    // nor this thread's connection open once the data directory is released.
    await started?.stop().catch(() => {});
    await checkpointer?.stop().catch(() => {});
    await opened?.close().catch(() => {});
    releaseDataDir();
    throw error;
  }
}

/**
 * On Cosmos DB and Service Bus (Azure settings present): the consumers receive from Service Bus
 * and the timers run in this process, as the Functions host would run them.
 */
async function startInProcess(
  options: LocalHostOptions,
  logSink: LogSink,
  registry: PrometheusRegistry,
): Promise<{ app: App; runtime: Runtime }> {
  const app = await createApp(options.config, { logSink, metrics: registry.metrics });
  const functions = buildFunctions(app);
  const runners = startRunners(
    app,
    functions,
    options.onCompleted ? { onCompleted: options.onCompleted } : {},
  );
  return {
    app,
    runtime: {
      functions,
      // Cosmos DB and Service Bus keep their own writes; the host syncs nothing itself.
      diskProblems: () => [],
      invoke: runners.invoke,
      stop: runners.stop,
      release: () => {},
    },
  };
}

/**
 * The local host: the same function list the Azure host registers, served on Core Tools' port and
 * `/api` prefix. HTTP functions run on this thread; queue consumers and timers run on a queue
 * thread (local/worker.ts) that owns the embedded queue's writes, so both cores do work.
 */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const { config } = options;
  const logSink = options.logSink ?? stdoutSink();
  const registry = new PrometheusRegistry();
  const { app, runtime } =
    config.mode === 'embedded'
      ? await startEmbedded(options, logSink, registry)
      : await startInProcess(options, logSink, registry);
  const logger = app.deps.logger;
  const { invoke } = runtime;
  const functions = runtime.functions;
  const http = functions.filter((f): f is HttpFunction => f.kind === 'http');
  const router = new Router(http);
  const keys = {
    function: config.local.functionKey ?? randomBytes(32).toString('base64url'),
    master: config.local.masterKey ?? randomBytes(32).toString('base64url'),
  };
  let ready = false;
  let stopping = false;

  /**
   * Core Tools' key check: `function` routes take the function key or the master key, `admin`
   * routes (and the admin API) the master key only, from `x-functions-key` or `?code=`. With the
   * development sign-in every route is anonymous and the app checks callers itself.
   */
  function keyRefusal(level: HttpFunction['authLevel'], req: IncomingMessage, url: URL) {
    if (level === 'anonymous') return undefined;
    const header = req.headers['x-functions-key'];
    const presented = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('code') ?? '';
    const accepted = level === 'admin' ? [keys.master] : [keys.function, keys.master];
    if (presented !== '' && accepted.some((key) => sameKey(presented, key))) return undefined;
    return {
      error: {
        code: 'unauthorized',
        message: `this route needs the ${level === 'admin' ? 'master' : 'function'} key (printed at start): send it in x-functions-key or ?code=`,
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (stopping) {
      res.setHeader('retry-after', '5');
      return sendJson(res, 503, { error: { code: 'stopping', message: 'the local host is stopping' } });
    }
    const url = requestUrl(req);
    if (url === undefined)
      return sendJson(res, 400, { error: { code: 'validation', message: 'the request URL cannot be read' } });
    const method = req.method ?? 'GET';
    const adminMatch = /^\/admin\/functions\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    if (adminMatch?.[1] && method === 'POST') {
      const refusal = config.identity === 'function-keys' ? keyRefusal('admin', req, url) : undefined;
      if (refusal) return sendJson(res, 401, refusal);
      const name = adminMatch[1];
      if (!functions.some((f) => f.kind === 'timer' && f.name === name))
        return sendJson(res, 404, {
          error: { code: 'not-found', message: `no timer function named ${name}` },
        });
      try {
        await invoke(name);
        res.writeHead(202).end();
      } catch (error) {
        // The timer exists and ran: its failure is the function's, not a missing route.
        logger.error('host.invoke-failed', { functionName: name }, error);
        sendJson(res, 500, {
          error: { code: 'function-failed', message: `${name} failed: ${(error as Error).message}` },
        });
      }
      return;
    }
    // The figures, for a developer's Prometheus or a curl. They carry no person's data and the
    // host listens on 127.0.0.1 only, so the endpoint takes no key (docs/decisions.md).
    if (url.pathname === '/metrics' && method === 'GET') {
      const text = await registry.exposition();
      res.writeHead(200, {
        'content-type': PROMETHEUS_CONTENT_TYPE,
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    if (!url.pathname.startsWith('/api/'))
      return sendJson(res, 404, { error: { code: 'not-found', message: 'no such route' } });
    let match: ReturnType<Router['match']>;
    try {
      match = router.match(method, url.pathname.slice('/api/'.length));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return sendJson(res, 400, { error: { code: error.code, message: error.message } });
    }
    if (match === undefined)
      return sendJson(res, 404, { error: { code: 'not-found', message: 'no such route' } });
    if (match === 'method') return sendJson(res, 405, methodNotAllowedBody(method));
    const refusal = keyRefusal(match.definition.authLevel, req, url);
    if (refusal) return sendJson(res, 401, refusal);
    if (match.definition.name === 'health') {
      if (!ready) return sendJson(res, 503, { status: 'starting' });
      // Answered here, not by the function: every answer waits for this thread's sync of the WAL
      // (below), which fails once it has failed.
      const problems = runtime.diskProblems();
      if (problems.length > 0)
        return sendJson(res, 503, { status: 'disk-failed', mode: config.mode, problems });
    }

    let body: Buffer;
    try {
      body = await readRequestBytes(req);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      res.setHeader('connection', 'close');
      return sendJson(res, 413, tooLarge);
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
    }
    const href = url.toString();
    // GET and HEAD carry no body, as a Fetch request (and so the Functions host) would have it.
    const carried = body.length > 0 && method !== 'GET' && method !== 'HEAD' ? body : undefined;
    const request = new HttpRequest({
      method,
      url: href,
      headers,
      query: Object.fromEntries(url.searchParams.entries()),
      params: match.params,
      // An init field the library reads but does not declare (its own stream requests use it); a
      // version without it would build a body-less request, which every webhook test would see.
      nativeRequest: new LocalNativeRequest(href, method, headers, carried),
    } as ConstructorParameters<typeof HttpRequest>[0] & { nativeRequest: LocalNativeRequest });
    const context = new InvocationContext({
      functionName: match.definition.name,
      invocationId: randomUUID(),
      logHandler: () => {},
    });
    const result = await match.definition.handler(request, context);
    // What the request wrote on this thread is on disk before it is answered (docs/decisions.md).
    await app.embedded?.writesOnDisk();
    await writeResult(res, result);
  }

  /** Answers under way when a stop begins; each is told to close its connection. */
  const inFlight = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    if (stopping) res.setHeader('connection', 'close');
    handle(req, res).catch((error) => {
      logger.error('host.request-failed', {}, error);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'internal error' } });
      else res.end();
    });
  });
  // A client announcing a body over the limit (curl does for large bodies) is answered before it sends.
  server.on('checkContinue', (req, res) => {
    if (Number(req.headers['content-length']) > MAX_BODY_BYTES) {
      res.setHeader('connection', 'close');
      sendJson(res, 413, tooLarge);
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.keepAliveTimeout = 5000;
  const realtime = app.localLive ? serveRealtime(server, app.localLive, logger) : undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.local.port, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    // A port already taken: release what was started (the queue thread, the app, the data
    // directory's lock), or the process would hang holding them.
    realtime?.close();
    await runtime.stop().catch(() => {});
    await app.close().catch(() => {});
    runtime.release();
    throw error;
  }
  ready = true;
  const port = (server.address() as AddressInfo).port;

  /**
   * Stops accepting, lets the answers under way finish with `Connection: close`, closes idle
   * keep-alive connections as they become idle, and after a grace period closes whatever is left:
   * clients that keep their connections busy cannot hold the stop (or the data directory) up.
   */
  async function stopServer() {
    stopping = true;
    ready = false;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
    try {
      await closed;
    } finally {
      clearInterval(sweep);
      clearTimeout(force);
    }
  }

  let closing: Promise<void> | undefined;
  return {
    url: `http://localhost:${port}`,
    app,
    functions,
    keys,
    invoke,
    metrics: registry,
    close: () => {
      closing ??= (async () => {
        realtime?.close();
        await stopServer();
        await runtime.stop();
        await app.close();
        await registry.shutdown();
        runtime.release();
      })();
      return closing;
    },
  };
}
