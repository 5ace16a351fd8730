// The README's table of signed-request settings names every setting lib/api/trust-config.ts reads, with its default.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TRUST_SETTINGS, VALIDATOR_HOTKEY_ENV } from '../../lib/api';

describe('README signed-request settings', () => {
  const readme = readFileSync('README.md', 'utf8');
  it.each(Object.values(TRUST_SETTINGS).map((s) => [s.env, s.default] as const))('documents %s with its default %s', (env, def) => {
    expect(readme).toContain(`| \`${env}\` | ${def} |`);
  });
  it('documents VALIDATOR_HOTKEY and the secret it comes from when deployed', () => {
    expect(readme).toContain(`| \`${VALIDATOR_HOTKEY_ENV}\` |`);
    expect(readme).toContain('npx sst secret set ValidatorHotkey');
  });
});
