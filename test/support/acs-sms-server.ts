import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { closeServer, jsonAnswer, listenOnLoopback, readBody } from '../../stand-ins/http.js';

/** ACS's request signing, as the service checks it (HMAC-SHA256 over method, path, date, host, body hash). */
export function acsSignature(input: {
  accessKeyBase64: string;
  method: string;
  pathAndQuery: string;
  host: string;
  date: string;
  body: string;
}) {
  const contentHash = createHash('sha256').update(input.body).digest('base64');
  const stringToSign = `${input.method}\n${input.pathAndQuery}\n${input.date};${input.host};${contentHash}`;
  const signature = createHmac('sha256', Buffer.from(input.accessKeyBase64, 'base64'))
    .update(stringToSign)
    .digest('base64');
  return {
    contentHash,
    stringToSign,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  };
}

export interface AcsSend {
  from: string;
  to: string;
  message: string;
  tag: string | undefined;
  repeatabilityRequestId: string;
  repeatabilityFirstSent: string;
}

type Scripted =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body: unknown }
  | { kind: 'recipient-failure'; httpStatusCode: number; errorMessage: string }
  /**
   * The REST spec's example answers with one result per recipient; this puts results for other
   * numbers (a failure first, then a success) before the real ones, in another order than asked.
   */
  | { kind: 'others-first'; others: string[] };

/**
 * A local server answering `POST /sms?api-version=2021-03-07` as ACS does: it checks the HMAC
 * signature, answers 202 with a result per recipient, and treats a repeated repeatability id as
 * the same send (answered again, not sent again).
 */
export class AcsSmsServer {
  readonly sends: AcsSend[] = [];
  readonly repeats: string[] = [];
  readonly refused: string[] = [];
  private readonly byRepeatability = new Map<string, string>();
  private readonly scripted: Scripted[] = [];
  private server: Server | undefined;

  constructor(private readonly accessKeyBase64: string) {}

  script(answer: Scripted) {
    this.scripted.push(answer);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const answer = jsonAnswer(res);
        const expected = acsSignature({
          accessKeyBase64: this.accessKeyBase64,
          method: req.method ?? '',
          pathAndQuery: req.url ?? '',
          host: req.headers.host ?? '',
          date: String(req.headers['x-ms-date'] ?? ''),
          body,
        });
        if (
          req.headers['x-ms-content-sha256'] !== expected.contentHash ||
          req.headers.authorization !== expected.authorization
        ) {
          this.refused.push('signature');
          return answer(401, { error: { code: 'Denied', message: 'Denied by the authentication' } });
        }
        if (req.method !== 'POST' || req.url !== '/sms?api-version=2021-03-07') {
          return answer(404, { error: { code: 'NotFound', message: 'no such operation' } });
        }
        const request = JSON.parse(body) as {
          from: string;
          message: string;
          smsRecipients: { to: string; repeatabilityRequestId: string; repeatabilityFirstSent: string }[];
          smsSendOptions?: { tag?: string };
        };
        if (request.smsRecipients.length === 0) {
          return answer(400, { error: { code: 'BadRequest', message: 'smsRecipients must not be empty' } });
        }
        const scripted = this.scripted.shift();
        if (scripted?.kind === 'status') return answer(scripted.status, scripted.body, scripted.headers);
        const value = request.smsRecipients.map((recipient) => {
          if (scripted?.kind === 'recipient-failure') {
            return {
              to: recipient.to,
              httpStatusCode: scripted.httpStatusCode,
              errorMessage: scripted.errorMessage,
              successful: false,
            };
          }
          const known = this.byRepeatability.get(recipient.repeatabilityRequestId);
          if (known) {
            this.repeats.push(recipient.repeatabilityRequestId);
            return {
              to: recipient.to,
              messageId: known,
              httpStatusCode: 202,
              repeatabilityResult: 'rejected',
              successful: true,
            };
          }
          this.sends.push({
            from: request.from,
            to: recipient.to,
            message: request.message,
            tag: request.smsSendOptions?.tag,
            repeatabilityRequestId: recipient.repeatabilityRequestId,
            repeatabilityFirstSent: recipient.repeatabilityFirstSent,
          });
          const messageId = `Outgoing_${String(this.sends.length).padStart(4, '0')}`;
          this.byRepeatability.set(recipient.repeatabilityRequestId, messageId);
          return {
            to: recipient.to,
            messageId,
            httpStatusCode: 202,
            repeatabilityResult: 'accepted',
            successful: true,
          };
        });
        if (scripted?.kind === 'others-first') {
          const others = scripted.others.map((to, index) =>
            index === 0
              ? {
                  to,
                  httpStatusCode: 400,
                  errorMessage: 'Invalid To phone number format.',
                  successful: false,
                }
              : { to, messageId: `Outgoing_other_${index}`, httpStatusCode: 202, successful: true },
          );
          return answer(202, { value: [...others, ...value] });
        }
        answer(202, { value });
      });
    });
    return listenOnLoopback(this.server);
  }

  stop() {
    return closeServer(this.server);
  }
}
