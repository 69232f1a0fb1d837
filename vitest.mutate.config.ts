import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant of shared/domain and shared/use-cases: the domain's
 * and the use cases' own (in-process, fakes and the SQLite store). The end-to-end tests start
 * hosts and would make a run take hours; what they alone kill is not counted here.
 */
export default defineConfig({
  test: {
    include: ['test/domain/**/*.test.ts', 'test/use-cases/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    // Stryker switches mutants on per test through a global, so the modules need not be loaded
    // again for each mutant: a run is about five times faster. Static mutants (code run at module
    // load) cannot be tried this way; stryker.*.json ignore them (ignoreStatic).
    isolate: false,
  },
});
