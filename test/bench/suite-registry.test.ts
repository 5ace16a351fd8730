// Suites are the .ts files directly in bench/: found by name, unknown names refused with the known ones listed.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSuites, suiteNames } from '../../bench/support/registry';

const benchDir = fileURLToPath(new URL('../../bench', import.meta.url));

describe('bench suite registry', () => {
  it('lists every suite file in bench/ and none of the support files or the runner', async () => {
    // Act
    const names = await suiteNames(benchDir);

    // Assess
    expect(names).toContain('db');
    expect(names).not.toContain('run');
    expect(names.every((n) => /^[a-z0-9-]+$/.test(n))).toBe(true);
  });

  it('loads a named suite without running it', async () => {
    // Act
    const [db] = await loadSuites(benchDir, ['db']);

    // Assess
    expect(db?.name).toBe('db');
    expect(typeof db?.suite.run).toBe('function');
  });

  it('refuses an unknown suite name and lists the known ones', async () => {
    // Act
    const loading = loadSuites(benchDir, ['no-such-suite']);

    // Assess
    await expect(loading).rejects.toThrow(/unknown suite\(s\): no-such-suite; known: .*\bdb\b/);
  });
});
