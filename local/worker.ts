/**
 * The queue thread of the local host: it owns every queue write (accepting work, with group
 * commit), runs the queue consumers and the timers. The HTTP thread parses requests and hands
 * accepted work here, so parsing and processing run on two cores and only one thread writes the
 * busy queue tables.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { QueueFunction, TimerFunction } from '../functions/definition.js';
import { buildFunctions } from '../functions/definitions.js';
import { createApp } from '../shared/app.js';
import { type CompletedMessage, QueueConsumer } from './consumer.js';
import { TimerRunner } from './timers.js';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.js';

if (!parentPort) throw new Error('local/worker.js runs as a worker thread of the local host');
const port = parentPort;
const post = (message: FromWorker) => port.postMessage(message);
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function run(setup: WorkerSetup) {
  const { config } = setup;
  const app = await createApp(config, {
    logSink: (line) => post({ type: 'log', line }),
    seedAgents: false,
    batchWrites: true,
  });
  // A message counts as done when its batch is on disk, not when its handler returned.
  const done: CompletedMessage[] = [];
  if (setup.reportCompleted) {
    app.queue.events.on('committed', () => {
      const completedAt = new Date();
      for (const message of done.splice(0)) post({ type: 'completed', message: { ...message, completedAt } });
    });
  }
  const functions = buildFunctions(app);
  const timers = new TimerRunner(
    functions.filter((f): f is TimerFunction => f.kind === 'timer'),
    app.deps.logger,
  );
  const consumers = functions
    .filter((f): f is QueueFunction => f.kind === 'serviceBusQueue')
    .map(
      (definition) =>
        new QueueConsumer(definition, app.queue, {
          concurrency: config.local.concurrency,
          lockMs: config.queue.lockMs,
          logger: app.deps.logger,
          ...(setup.reportCompleted
            ? { onCompleted: (message) => post({ type: 'completed', message }) }
            : {}),
        }),
    );

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'send':
        app.queue.accept(message.queue, message.message).then(
          () => post({ type: 'sent', requestId: message.requestId }),
          (error) => post({ type: 'sent', requestId: message.requestId, error: errorText(error) }),
        );
        break;
      case 'clock':
        app.manualClock?.set(new Date(message.at));
        break;
      case 'invoke': {
        const timer = functions.find(
          (f): f is TimerFunction => f.kind === 'timer' && f.name === message.name,
        );
        if (!timer) {
          post({
            type: 'invoked',
            requestId: message.requestId,
            error: `no timer function named ${message.name}`,
          });
          break;
        }
        timers.invoke(timer).then(
          () => post({ type: 'invoked', requestId: message.requestId }),
          (error) => post({ type: 'invoked', requestId: message.requestId, error: errorText(error) }),
        );
        break;
      }
      case 'stop':
        void (async () => {
          await timers.stop();
          await Promise.all(consumers.map((consumer) => consumer.stop()));
          // Sends already handed to the queue settle in the next turn; let them commit first.
          await new Promise((resolve) => setImmediate(resolve));
          app.close();
          post({ type: 'stopped' });
          port.close();
        })();
        break;
    }
  });

  // This thread is the queue's only consumer: a lock still held was left by a host that died.
  app.queue.releaseLocks();
  if (config.local.consumers) {
    for (const consumer of consumers) consumer.start();
    timers.start();
  }
  post({ type: 'started' });
}

run(workerData as WorkerSetup).catch((error) => post({ type: 'start-failed', message: errorText(error) }));
