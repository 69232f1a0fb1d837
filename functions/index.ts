/**
 * Entry point for the Azure Functions host (package.json "main"). It is the one module with side
 * effects: it reads the configuration, builds the clients once and registers every function.
 */
import azureFunctions from '@azure/functions';

import { createApp } from '../shared/app.js';
import { loadConfig } from '../shared/config.js';
import { buildFunctions } from './definitions.js';
import { registerFunctions } from './register.js';

// @azure/functions is CommonJS: Node's ESM loader cannot see its named exports, only the default.
const { app } = azureFunctions;

const services = await createApp(loadConfig());
registerFunctions(app, buildFunctions(services));
