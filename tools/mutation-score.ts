import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  explainedPlaces,
  type FoundReport,
  latestPerFile,
  type MutationReport,
  mutationSummary,
} from './mutation-summary.js';

const folder = 'reports/mutation';
let names: string[] = [];
try {
  names = readdirSync(folder).filter((name) => name.endsWith('.json') && !name.endsWith('.incremental.json'));
} catch {
  // No folder yet: nothing has run.
}
if (names.length === 0)
  console.log(`no report in ${folder}: npm run mutate (or npx stryker run stryker.domain.json)`);
const found: FoundReport[] = names.map((name) => {
  const path = join(folder, name);
  return {
    name,
    writtenAt: statSync(path).mtimeMs,
    report: JSON.parse(readFileSync(path, 'utf8')) as MutationReport,
  };
});
console.log(`reports: ${found.map((r) => r.name).join(', ')}`);
const explained = explainedPlaces(readFileSync('docs/decisions.md', 'utf8'));
console.log(mutationSummary(latestPerFile(found), explained).join('\n'));
