import { describe } from 'vitest';
import { startTestHost } from '../support/host.js';
import { searchScenario, searchSeed } from '../support/search-scenario.js';

describe('searching conversations, over HTTP on the embedded default', () => {
  searchScenario(() => startTestHost({}, searchSeed), 'dev');
});
