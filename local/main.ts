import { loadConfig } from '../shared/config.js';
import { SmsError } from '../shared/errors.js';
import { startLocalHost } from './host.js';

/** `npm start`: the product on the embedded default, with instructions to try it. */
async function main() {
  const config = loadConfig();
  const host = await startLocalHost({ config });
  const { directory } = host.app.deps;
  const channel = directory.channels().find((c) => c.direction === 'inbound-outbound');
  const number = channel?.numbers[0] ?? '+14255550100';
  process.stdout.write(
    [
      '',
      `Omnichannel SMS is running on the embedded default at ${host.url}/api (data in ${config.dataDir}/)`,
      '',
      'Text the support line as a customer:',
      `  curl -X POST ${host.url}/api/local/inbound -H 'content-type: application/json' \\`,
      `    -d '{"from":"+14255550123","to":"${number}","text":"Hello, I need help"}'`,
      'Bring an agent online, then read what the customer receives:',
      `  curl -X PUT ${host.url}/api/agents/alice/presence -H 'content-type: application/json' -d '{"presence":"available"}'`,
      `  curl ${host.url}/api/local/outbox`,
      '',
      'Ctrl-C stops it; queued work is kept and resumes on the next start.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    host.close().then(
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
