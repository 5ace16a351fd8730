// Renders the defaults table of config.ts for the README (kept in sync by a test).
import { NUMERIC_SETTINGS, STRING_SETTINGS_DOC } from './config';

export function configTableMarkdown(): string {
  const rows = [...Object.values(STRING_SETTINGS_DOC), ...Object.values(NUMERIC_SETTINGS)].map(
    (s) => `| \`${s.env}\` | ${String(s.default)} | ${s.doc} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

export function replaceConfigTable(readme: string, table: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error('README has no config-table markers');
  return `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`;
}
