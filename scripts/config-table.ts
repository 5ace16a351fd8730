// The configuration table of the database layer as Markdown, from the one defaults table in lib/db/config.ts.
// `npm run config:table` prints it; `-- --write` puts it into the README between the config-table markers.
import { readFileSync, writeFileSync } from 'node:fs';
import { configTableMarkdown, replaceConfigTable } from '../lib/db/config-doc';

const table = configTableMarkdown();
if (process.argv.includes('--write')) {
  writeFileSync('README.md', replaceConfigTable(readFileSync('README.md', 'utf8'), table));
  console.log('README.md: configuration table updated');
} else {
  console.log(table);
}
