// Prints the configuration table of the database layer as Markdown (pasted into the README; a test keeps them in sync).
import { NUMERIC_SETTINGS, STRING_SETTINGS_DOC } from '../lib/db';

const rows = [
  ...Object.values(STRING_SETTINGS_DOC).map((s) => `| \`${s.env}\` | ${s.default} | ${s.doc} |`),
  ...Object.values(NUMERIC_SETTINGS).map((s) => `| \`${s.env}\` | ${s.default} | ${s.doc} |`),
];
console.log(['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n'));
