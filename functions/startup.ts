import type { App } from '../shared/app.js';
import type { Config } from '../shared/config.js';
import { type ConfigurationError, SmsError, UnavailableError } from '../shared/errors.js';
import type { Logger } from '../shared/ports.js';
import type { CoreDeps } from '../shared/use-cases/deps.js';
import type { FunctionDefinition } from './definition.js';

/** What the functions run on once started: the app and the function list built on it, by name. */
export interface Services {
  app: App;
  functions: ReadonlyMap<string, FunctionDefinition>;
}

export type StartupState =
  | { status: 'starting'; attempts: number; waitingFor: string | undefined }
  | { status: 'ready' }
  | { status: 'misconfigured'; problem: string };

export interface StartupOptions {
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** The wait before attempt `attempt + 1`. */
  backoffMs?: (attempt: number) => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** 1 s, 2 s, 4 s ... at most 30 s: a role still propagating or a store coming back is met soon. */
export const defaultBackoffMs = (attempt: number) => Math.min(1000 * 2 ** (attempt - 1), 30_000);

/**
 * Says what a failed start is waiting for, in words fit for an anonymous health check: our own
 * errors name settings and resources, never values; anything else is named by its kind only.
 */
export function describeStartupFailure(error: unknown): string {
  if (error instanceof SmsError) return error.message;
  let code: string | undefined;
  for (let e: unknown = error; e instanceof Error && !code; e = e.cause) {
    const candidate = (e as { code?: unknown }).code;
    if (typeof candidate === 'string' || typeof candidate === 'number') code = String(candidate);
  }
  const kind = error instanceof Error ? error.name : 'error';
  return `Cosmos DB or Service Bus not reachable yet (${kind}${code ? ` ${code}` : ''})`;
}

/**
 * The services of the Functions host, built once, in the background, retried with backoff until
 * they are: the host registers every function at once (Flex Consumption gives initialisation 30
 * seconds, and an entry point that throws leaves the host with no function at all), and each
 * invocation asks for the services, waiting a bounded time.
 */
export class Startup {
  #state: StartupState;
  readonly #ready: Promise<Services>;
  readonly #sleep: (ms: number) => Promise<void>;

  private constructor(state: StartupState, ready: Promise<Services>, sleep: (ms: number) => Promise<void>) {
    this.#state = state;
    this.#ready = ready;
    this.#sleep = sleep;
  }

  static begin(build: () => Promise<Services>, options: StartupOptions): Startup {
    const sleep = options.sleep ?? realSleep;
    const backoff = options.backoffMs ?? defaultBackoffMs;
    let resolve: (services: Services) => void = () => {};
    const startup = new Startup(
      { status: 'starting', attempts: 0, waitingFor: undefined },
      new Promise<Services>((r) => {
        resolve = r;
      }),
      sleep,
    );
    void (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const services = await build();
          startup.#state = { status: 'ready' };
          options.logger.info('startup.ready', { attempts: attempt });
          resolve(services);
          return;
        } catch (error) {
          const delayMs = backoff(attempt);
          startup.#state = {
            status: 'starting',
            attempts: attempt,
            waitingFor: describeStartupFailure(error),
          };
          options.logger.error('startup.failed', { attempt, retryInMs: delayMs }, error);
          await sleep(delayMs);
        }
      }
    })();
    return startup;
  }

  /** A setting is wrong: nothing will start until it is fixed (and the app restarted). */
  static misconfigured(problem: ConfigurationError, options: StartupOptions): Startup {
    options.logger.error('startup.misconfigured', {}, problem);
    return new Startup(
      { status: 'misconfigured', problem: problem.message },
      new Promise<Services>(() => {}),
      options.sleep ?? realSleep,
    );
  }

  state(): StartupState {
    return this.#state;
  }

  /** The services, waiting at most `waitMs` for them; UnavailableError (say when to retry) after that. */
  async services(waitMs: number): Promise<Services> {
    const state = this.#state;
    if (state.status === 'misconfigured') throw new UnavailableError(`not configured: ${state.problem}`, 300);
    if (state.status === 'starting' && waitMs > 0) {
      await Promise.race([this.#ready, this.#sleep(waitMs)]);
    }
    const now = this.#state;
    if (now.status === 'ready') return this.#ready;
    throw new UnavailableError(
      `starting: ${now.status === 'starting' ? (now.waitingFor ?? 'connecting to Cosmos DB and Service Bus') : now.problem}`,
      10,
    );
  }
}

function notReady(what: string): never {
  throw new UnavailableError(`starting: ${what} is not ready`, 10);
}

/**
 * An App for building the function list before the services exist: its configuration and logger
 * are real, everything else refuses until started. Building a definition reads only those two (the
 * host registration test builds the list on it); the handlers built on it are never called.
 */
export function registrationApp(config: Config, logger: Logger): App {
  // A Proxy so that a dependency added to CoreDeps later refuses the same way without a change here.
  const deps = new Proxy({ logger } as CoreDeps, {
    get: (target, key) => (key === 'logger' ? target.logger : notReady(`dependency ${String(key)}`)),
  });
  return {
    config,
    deps,
    get directory(): App['directory'] {
      return notReady('the configuration directory');
    },
    get agents(): App['agents'] {
      return notReady('the agent index');
    },
    get accounts(): App['accounts'] {
      return notReady('the provider accounts');
    },
    get queue(): App['queue'] {
      return notReady('the queue');
    },
    get liveAccess(): App['liveAccess'] {
      return notReady('live updates');
    },
    get events(): App['events'] {
      return notReady('the event publisher');
    },
    embedded: undefined,
    manualClock: undefined,
    localLive: undefined,
    close: async () => {},
  };
}
