import { existsSync, readFileSync } from 'node:fs';
import { type MutationReport, mutationSummary } from './mutation-summary.js';

const reports: Record<string, MutationReport> = {};
for (const group of ['domain', 'use-cases']) {
  const path = `reports/mutation/${group}.json`;
  if (existsSync(path)) reports[group] = JSON.parse(readFileSync(path, 'utf8')) as MutationReport;
  else console.log(`${group}: no report at ${path} (npx stryker run stryker.${group}.json)`);
}
console.log(mutationSummary(reports).join('\n'));
