/*
 * Preloaded (`node --require`) in place of the Azure Functions Node.js worker, which gives
 * `@azure/functions` a module named `@azure/functions-core` the same way. It records what the app
 * registers: the binding metadata the Functions host would receive, exactly as @azure/functions
 * builds it.
 */
const Module = require('node:module');

const registrations = [];
globalThis.__functionsHostRegistrations = registrations;
/** The handler of each function, by name, as the worker would invoke it. */
const handlers = new Map();
globalThis.__functionsHostHandlers = handlers;

const core = {
  version: '4.0.0-test',
  hostVersion: '4.1000.0',
  setProgrammingModel() {},
  getProgrammingModel() {
    return undefined;
  },
  registerFunction(metadata, handler) {
    registrations.push(metadata);
    handlers.set(metadata.name, handler);
    return { dispose() {} };
  },
  registerHook() {
    return { dispose() {} };
  },
  log() {},
};

const load = Module.prototype.require;
Module.prototype.require = function require(id, ...rest) {
  return id === '@azure/functions-core' ? core : load.call(this, id, ...rest);
};
