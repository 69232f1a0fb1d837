/**
 * Writes the Power Platform connector files under connector/, one folder per connection type, from
 * the same description the app serves (`npm run connector`). The test of the connector fails when
 * the committed files differ from what this writes, so they never drift.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { committedConnectorFiles } from '../functions/connector-definition.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
for (const [path, content] of Object.entries(committedConnectorFiles())) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  console.log(`wrote ${path}`);
}
