import { loadConfig } from '../shared/config.js';
import { SmsError } from '../shared/errors.js';
import { createLogger, stdoutSink } from '../shared/logger.js';
import { startTelemetry } from '../shared/telemetry/start.js';
import { startLocalHost } from './host.js';

/** `npm start`: the product on the embedded default, with instructions to try it. */
async function main() {
  const config = loadConfig();
  const stopTelemetry = await startTelemetry(config.telemetry, {
    logger: createLogger(stdoutSink(), config.logLevel),
  });
  const host = await startLocalHost({ config });
  const { directory } = host.app.deps;
  const channel = directory.channels().find((c) => c.direction === 'inbound-outbound');
  const number = channel?.numbers[0] ?? '+14255550100';
  const keys = config.identity === 'function-keys';
  // Each command must work as printed: it carries the sign-in the host expects, and a key holder
  // (who is no agent) may act for alice only as a supervisor or admin (SMS_FUNCTION_KEY_ROLES).
  const signIn = keys ? `-H 'x-functions-key: ${host.keys.function}'` : `-H 'x-sms-user: alice'`;
  const mayActAsAgent =
    !keys || config.functionKeyRoles.some((role) => role === 'supervisor' || role === 'admin');
  process.stdout.write(
    [
      '',
      `Omnichannel SMS is running on the embedded default at ${host.url}/api (data in ${config.dataDir}/)`,
      '',
      ...(keys
        ? [
            'SMS_DEV_SIGN_IN=off: the agent, admin and notifications APIs take a key (x-functions-key or ?code=):',
            `  function key: ${host.keys.function}`,
            `  master key:   ${host.keys.master}`,
            `A key holder has the roles ${config.functionKeyRoles.join(', ') || '(none)'} (SMS_FUNCTION_KEY_ROLES).`,
            '',
          ]
        : []),
      'Text the support line as a customer:',
      `  curl -X POST ${host.url}/api/local/inbound -H 'content-type: application/json' \\`,
      `    -d '{"from":"+14255550123","to":"${number}","text":"Hello, I need help"}'`,
      ...(mayActAsAgent
        ? [
            'Bring an agent online, then read what the customer receives:',
            `  curl -X PUT ${host.url}/api/agents/alice/presence ${signIn} \\`,
            `    -H 'content-type: application/json' -d '{"presence":"available"}'`,
          ]
        : ['Read what the customer receives:']),
      `  curl ${host.url}/api/local/outbox`,
      '',
      'Ctrl-C stops it; queued work is kept and resumes on the next start.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    // The host closes lingering connections after a grace period; this only guards against a stop
    // that hangs anyway, so that Ctrl-C always ends the process (the data directory's pid file
    // names a dead process then, and the next start takes it over).
    setTimeout(() => process.exit(1), 15_000).unref();
    host
      .close()
      .then(() => stopTelemetry())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  const message = error instanceof SmsError ? error.message : String(error);
  process.stderr.write(`Omnichannel SMS could not start: ${message}\n`);
  process.exit(1);
});
