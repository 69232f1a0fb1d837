/**
 * The yardstick for the Twilio webhook on the local host: express with Twilio's own middleware
 * (`twilio.webhook()`, which checks the signature), answering empty TwiML and storing nothing, as
 * the tutorials write it. express is a development dependency used by the bench alone; it is
 * imported by name at run time, so the bench still builds (and says so) where it is not installed.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

interface ExpressApp {
  use(handler: unknown): void;
  post(path: string, ...handlers: unknown[]): void;
  listen(port: number, host: string, ready: () => void): Server;
}
interface Express {
  (): ExpressApp;
  urlencoded(options: { extended: boolean }): unknown;
}

export async function startExpressPeer(
  authToken: string,
  publicUrl: string,
): Promise<{ url: string; close: () => Promise<void> } | undefined> {
  let express: Express;
  try {
    const name = 'express';
    express = ((await import(name)) as { default: Express }).default;
  } catch {
    return undefined;
  }
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post(
    '/api/twilio/inbound',
    twilio.webhook(authToken, { url: publicUrl }),
    (_req: unknown, res: { type(t: string): { send(body: string): void } }) => {
      res.type('text/xml').send('<Response></Response>');
    },
  );
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/twilio/inbound`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
