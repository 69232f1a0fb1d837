/**
 * Entry point for the Azure Functions host (package.json "main"). It is the one module with side
 * effects. On the Azure adapters it registers every function at once, from the configuration
 * alone, and starts the services in the background (functions/startup.ts): Flex Consumption gives
 * initialisation 30 seconds, and an entry point that throws leaves the host with no function at
 * all, so neither a store still unreachable nor a Key Vault reference not yet resolved may stop it.
 */
import azureFunctions from '@azure/functions';

import { createApp } from '../shared/app.js';
import { loadStartupConfig } from '../shared/config.js';
import { createLogger, stdoutSink } from '../shared/logger.js';
import { startTelemetry } from '../shared/telemetry/start.js';
import { deferredFunctions } from './deferred.js';
import { buildFunctions } from './definitions.js';
import { registerFunctions } from './register.js';
import { registrationApp, Startup } from './startup.js';

// @azure/functions is CommonJS: Node's ESM loader cannot see its named exports, only the default.
const { app } = azureFunctions;

const { config, problem } = loadStartupConfig();
const hostLogger = createLogger(stdoutSink(), config.logLevel);

// In the background, like the services: the distro is imported only when Application Insights is
// configured, and a failure to start it costs the traces, never the functions.
void startTelemetry(config.telemetry, { logger: hostLogger }).catch((error: unknown) =>
  hostLogger.error('telemetry.failed', {}, error),
);

if (config.mode === 'embedded') {
  // The embedded default under Core Tools (`func start`): SQLite on this machine, nothing to wait for.
  if (problem) throw problem;
  registerFunctions(app, buildFunctions(await createApp(config)));
} else {
  const logger = hostLogger;
  const startup = problem
    ? Startup.misconfigured(problem, { logger })
    : Startup.begin(
        async () => {
          const services = await createApp(config);
          return { app: services, functions: new Map(buildFunctions(services).map((f) => [f.name, f])) };
        },
        { logger },
      );
  registerFunctions(app, deferredFunctions(buildFunctions(registrationApp(config, logger)), startup, logger));
}
