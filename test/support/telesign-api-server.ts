import { createServer, type Server } from 'node:http';
import { signTeleSignRequest, type TeleSignCredentials } from '../../shared/providers/telesign/signing.js';
import { closeServer, jsonAnswer, listenOnLoopback, readBody } from '../../stand-ins/http.js';

/**
 * A local server answering `POST /v1/messaging` as TeleSign does: it recomputes the TSA signature
 * from the request's own headers and body with the API key of the customer the signature names,
 * and refuses a mismatch, or a customer it does not hold, with 401. It holds one customer or more.
 */
export class TeleSignApiServer {
  readonly sends: Record<string, string>[] = [];
  /** The customer each send was signed by, in the order of `sends`. */
  readonly sentBy: string[] = [];
  private readonly customers = new Map<string, TeleSignCredentials>();
  readonly refused: string[] = [];
  private readonly scripted: { status: number; body: unknown; headers?: Record<string, string> }[] = [];
  private server: Server | undefined;

  constructor(credentials: TeleSignCredentials) {
    this.addCustomer(credentials);
  }

  /** Another TeleSign customer on the same API. */
  addCustomer(credentials: TeleSignCredentials) {
    this.customers.set(credentials.customerId, credentials);
  }

  failNext(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.scripted.push({ status, body, headers });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const answer = jsonAnswer(res);
        const customerId = /^TSA ([^:]+):/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
        const credentials = this.customers.get(customerId);
        const expected = signTeleSignRequest(credentials ?? { customerId, apiKey: '' }, {
          method: req.method ?? '',
          contentType: String(req.headers['content-type'] ?? ''),
          date: String(req.headers.date ?? ''),
          nonce: String(req.headers['x-ts-nonce'] ?? ''),
          body,
          path: req.url ?? '',
        });
        if (!credentials || req.headers.authorization !== expected.authorization) {
          this.refused.push('signature');
          return answer(401, { status: { code: 10010, description: 'Unauthorized' } });
        }
        if (req.method === 'GET')
          return answer(404, { status: { code: 10031, description: 'Transaction not found' } });
        const scripted = this.scripted.shift();
        if (scripted) return answer(scripted.status, scripted.body, scripted.headers);
        const params = Object.fromEntries(new URLSearchParams(body));
        this.sends.push(params);
        this.sentBy.push(customerId);
        answer(200, {
          reference_id: `REF${String(this.sends.length).padStart(29, '0')}`,
          external_id: params.external_id ?? null,
          status: { code: 290, description: 'Message in progress', updated_on: new Date().toISOString() },
        });
      });
    });
    return listenOnLoopback(this.server);
  }

  stop() {
    return closeServer(this.server);
  }
}
