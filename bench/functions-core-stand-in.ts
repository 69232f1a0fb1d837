/**
 * Preloaded (`node --import`) in place of the Azure Functions Node.js worker, which hands
 * `@azure/functions` a module named `@azure/functions-core`: this one records each registered
 * function's handler so the bench can invoke it as the host would. The bench's copy of
 * test/support/fake-functions-core.cjs, compiled with the bench (tests do not ship in dist/).
 */
import Module from 'node:module';

type Handler = (...args: unknown[]) => unknown;
const handlers = new Map<string, Handler>();
(globalThis as { __benchHandlers?: Map<string, Handler> }).__benchHandlers = handlers;

const core = {
  version: '4.0.0-bench',
  hostVersion: '4.1000.0',
  setProgrammingModel() {},
  getProgrammingModel() {
    return undefined;
  },
  registerFunction(metadata: { name: string }, handler: Handler) {
    handlers.set(metadata.name, handler);
    return { dispose() {} };
  },
  registerHook() {
    return { dispose() {} };
  },
  log() {},
};

type Require = (this: unknown, id: string, ...rest: unknown[]) => unknown;
const proto = (Module as unknown as { prototype: { require: Require } }).prototype;
const load = proto.require;
proto.require = function require(this: unknown, id: string, ...rest: unknown[]) {
  return id === '@azure/functions-core' ? core : load.call(this, id, ...rest);
};
