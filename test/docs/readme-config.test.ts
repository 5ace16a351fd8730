import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configTableMarkdown, replaceConfigTable } from '../../lib/db/config-doc';

describe('README configuration table', () => {
  it('matches the defaults table in lib/db/config.ts (regenerate with npm run config:table -- --write)', () => {
    // Prepare
    const readme = readFileSync('README.md', 'utf8');
    // Act
    const regenerated = replaceConfigTable(readme, configTableMarkdown());
    // Assess
    expect(regenerated).toBe(readme);
  });
});
