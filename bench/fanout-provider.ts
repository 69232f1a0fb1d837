/**
 * The fan-out bench's provider: the Twilio stand-in on a thread of its own, as a real provider is
 * on machines of its own. On the bench's main thread it shared the local host's HTTP thread, so
 * every send's answer waited its turn behind the host accepting notifications, a wait no provider
 * puts on us; here it still shares the machine's two cores. Times are epoch milliseconds at
 * sub-millisecond resolution, comparable with the main thread's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TwilioApiServer } from '../stand-ins/twilio-api-server.js';
import { epochNow } from './load.js';

export interface ProviderSetup {
  sid: string;
  token: string;
  ratePerNumber: number;
}

export type ToProvider = { type: 'await'; count: number } | { type: 'report' };

export type FromProvider =
  | { type: 'listening'; url: string }
  | { type: 'reached'; count: number }
  | { type: 'report'; sends: { at: number; from: string }[]; tooManyRequests: number };

const setup = workerData as ProviderSetup;
const port = parentPort;
if (!port) throw new Error('fanout-provider.js runs as a worker thread');
const stand = new TwilioApiServer(setup.sid, setup.token, setup.ratePerNumber, epochNow);
const url = await stand.start();
const say = (message: FromProvider) => port.postMessage(message);
say({ type: 'listening', url });
port.on('message', async (asked: ToProvider) => {
  if (asked.type === 'await') {
    const watch = setInterval(() => {
      if (stand.sends.length < asked.count) return;
      clearInterval(watch);
      say({ type: 'reached', count: asked.count });
    }, 20);
    return;
  }
  say({
    type: 'report',
    sends: stand.sends.map((send) => ({ at: send.at, from: send.params.From ?? '' })),
    tooManyRequests: stand.tooManyRequests,
  });
  await stand.stop();
  port.close();
});
