/**
 * The queue thread of the local host on the embedded default: it owns every queue write (accepting
 * work, with group commit), runs the queue consumers and the timers. The HTTP thread parses
 * requests and hands accepted work here, so parsing and processing run on two cores and only one
 * thread writes the busy queue tables.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildFunctions } from '../functions/definitions.js';
import { WalRestartGate } from '../shared/adapters/wal-restart-gate.js';
import { WriteTurnGate } from '../shared/adapters/write-turn-gate.js';
import { createApp } from '../shared/app.js';
import { errorText } from '../shared/errors.js';
import { startTelemetry } from '../shared/telemetry/start.js';
import type { CompletedMessage } from './consumer.js';
import { ForwardedMetrics } from './forwarded-metrics.js';
import { startRunners } from './runners.js';
import { WorkerOutbox } from './worker-outbox.js';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.js';

if (!parentPort) throw new Error('local/worker.js runs as a worker thread of the local host');
const port = parentPort;
const outbox = new WorkerOutbox((messages) => port.postMessage(messages));
const post = (message: FromWorker) => outbox.post(message);

/** Longest a live change or a metric waits for the write batch that made it to commit. */
const DEFER_MS = 5;
let deferred: FromWorker[] = [];
let deferTimer: NodeJS.Timeout | undefined;
/**
 * Live changes and metrics go over together once the write batch that made them commits (or after
 * DEFER_MS): a send made two or three posts, each waking the HTTP thread, and that cost the queue
 * thread more than the send's own store writes. A page re-reading on the hint finds the change
 * committed.
 */
function postDeferred() {
  if (deferTimer) clearTimeout(deferTimer);
  deferTimer = undefined;
  if (deferred.length === 0) return;
  const messages = deferred;
  deferred = [];
  post(messages.length === 1 ? (messages[0] as FromWorker) : { type: 'batch', messages });
}
function postLater(message: FromWorker) {
  deferred.push(message);
  deferTimer ??= setTimeout(postDeferred, DEFER_MS);
}

async function run(setup: WorkerSetup) {
  const { config } = setup;
  const metrics = new ForwardedMetrics((records) => postLater({ type: 'metrics', records }));
  const app = await createApp(config, {
    metrics,
    logSink: (line) => post({ type: 'log', line }),
    importSeed: false,
    batchWrites: true,
    // The host's checkpoint thread copies the WAL into the database (local/wal-checkpointer.ts).
    checkpointOnCommit: false,
    ...(setup.walRestartGate ? { walRestartGate: new WalRestartGate(setup.walRestartGate) } : {}),
    ...(setup.writeTurnGate ? { writeTurnGate: new WriteTurnGate(setup.writeTurnGate) } : {}),
    ...(setup.syncsFail
      ? {
          syncAcceptedWork: () =>
            Promise.reject(Object.assign(new Error("EIO: i/o error, fsync (a spec's)"), { code: 'EIO' })),
        }
      : {}),
    // The sockets are the HTTP thread's: changes made here are handed over to be published there.
    liveUpdates: {
      publish: async (groups, message) => postLater({ type: 'live', groups, message }),
    },
  });
  // This thread's spans (the queue workers') need a provider of their own: globals are per thread.
  await startTelemetry(config.telemetry, { logger: app.deps.logger });
  const queue = app.embedded?.queue;
  if (!queue) throw new Error('the queue thread serves the embedded default only');
  queue.events.on('committed', postDeferred);
  // For the HTTP thread's health; posted before the refusals of the batch whose sync failed (the
  // outbox keeps order), so the HTTP thread knows by the time it answers them.
  queue.events.once('sync-failed', (error: unknown) =>
    post({ type: 'sync-failed', message: errorText(error) }),
  );
  // A message counts as done when its batch is on disk, not when its handler returned.
  const done: CompletedMessage[] = [];
  if (setup.reportCompleted) {
    queue.events.on('committed', () => {
      const completedAt = new Date();
      for (const message of done.splice(0)) post({ type: 'completed', message: { ...message, completedAt } });
    });
  }
  // This thread is the queue's only consumer: a lock still held was left by a host that died.
  queue.releaseLocks();
  const runners = startRunners(app, buildFunctions(app), {
    ...(setup.reportCompleted ? { onCompleted: (message) => done.push(message) } : {}),
  });

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'send':
        queue.accept(message.queue, message.message).then(
          () => post({ type: 'sent', requestId: message.requestId }),
          (error: unknown) => post({ type: 'sent', requestId: message.requestId, error: errorText(error) }),
        );
        break;
      case 'send-batch':
        // Outside work like a single send: accepted durably, all of it in one commit.
        queue.acceptBatch(message.queue, message.messages).then(
          () => post({ type: 'sent', requestId: message.requestId }),
          (error: unknown) => post({ type: 'sent', requestId: message.requestId, error: errorText(error) }),
        );
        break;
      case 'clock':
        app.manualClock?.set(new Date(message.at));
        break;
      case 'invoke':
        runners.invoke(message.name).then(
          () => post({ type: 'invoked', requestId: message.requestId }),
          (error: unknown) =>
            post({ type: 'invoked', requestId: message.requestId, error: errorText(error) }),
        );
        break;
      case 'configuration-changed':
        app.directory.refresh().then(
          () => post({ type: 'refreshed', requestId: message.requestId }),
          (error: unknown) =>
            post({ type: 'refreshed', requestId: message.requestId, error: errorText(error) }),
        );
        break;
      case 'stop':
        void (async () => {
          await runners.stop();
          // Sends already handed to the queue settle in the next turn; let them commit first.
          await new Promise((resolve) => setImmediate(resolve));
          await app.close();
          metrics.flush();
          postDeferred();
          post({ type: 'stopped' });
          outbox.flush();
          port.close();
        })();
        break;
    }
  });
  post({ type: 'started' });
}

run(workerData as WorkerSetup).catch((error) => post({ type: 'start-failed', message: errorText(error) }));
