/*
 * A stand-in for the Functions host's Node.js worker, run as a child process with
 * fake-functions-core.cjs preloaded: it loads an app's entry point (argv[2], the package's "main"),
 * reports what registered, then invokes functions when the parent asks (over the IPC channel), as
 * the host would: an HTTP request, a queue message, a timer tick.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

const appRoot = process.argv[2];
const entry = process.argv[3];
// The app's own copy when it ships one; a bundled package has none, so the project's.
const appRequire = createRequire(join(appRoot, 'package.json'));
let functionsPackage;
try {
  functionsPackage = appRequire('@azure/functions');
} catch {
  functionsPackage = createRequire(import.meta.url)('@azure/functions');
}
const { HttpRequest, InvocationContext } = functionsPackage;

await import(entry);
process.send({ registered: globalThis.__functionsHostRegistrations });

const handlers = globalThis.__functionsHostHandlers;

async function invoke({ name, http, message, timer, loadedPackages }) {
  // With package-recorder.mjs preloaded: the packages this process has loaded so far.
  if (loadedPackages) return { result: globalThis.__loadedPackages() };
  const handler = handlers.get(name);
  if (!handler) throw new Error(`no function ${name}`);
  const context = new InvocationContext({
    functionName: name,
    invocationId: `test-${Date.now()}`,
    logHandler: () => {},
  });
  if (http) {
    const response = await handler(
      new HttpRequest({
        method: http.method,
        url: http.url,
        headers: http.headers ?? {},
        body: http.body === undefined ? undefined : { string: http.body },
      }),
      context,
    );
    const headers = Object.fromEntries(new Headers(response.headers ?? {}).entries());
    return { status: response.status ?? 200, headers, body: response.jsonBody ?? response.body ?? null };
  }
  if (timer)
    return {
      result: (await handler({ isPastDue: false, schedule: { adjustForDST: true } }, context)) ?? null,
    };
  return { result: (await handler(message, context)) ?? null };
}

process.on('message', (request) => {
  invoke(request).then(
    (answer) => process.send({ id: request.id, answer }),
    (error) =>
      process.send({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
