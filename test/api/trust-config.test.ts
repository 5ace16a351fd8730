// Settings of signed requests (lib/api/trust-config.ts): defaults, bounds naming the variable, the validator
// hotkey list of a rotation.
import { describe, expect, it } from 'vitest';
import { MAX_TIMESTAMP_TOLERANCE_MS, TrustConfigError, trustSettings, validatorPublicKeys } from '../../lib/api';
import { NONCE_RETENTION_MINUTES, encodeSs58 } from '../../lib/validator';
import { devKeypair } from '../../dev/miner/keys';

describe('trust settings', () => {
  it('defaults: ±8 s, the hour before, no grace', () => {
    expect(trustSettings({})).toEqual({ toleranceMs: 8_000, windows: { geoWindowMs: 3_600_000, graceMs: 0 } });
  });

  it('reads the variables', () => {
    expect(trustSettings({ EPISTULA_TOLERANCE_MS: '5000', SUBMISSION_GEO_WINDOW_MS: '7200000', SUBMISSION_GRACE_MS: '2000' })).toEqual({
      toleranceMs: 5_000,
      windows: { geoWindowMs: 7_200_000, graceMs: 2_000 },
    });
  });

  it.each([
    ['EPISTULA_TOLERANCE_MS', 'abc'],
    ['EPISTULA_TOLERANCE_MS', String(MAX_TIMESTAMP_TOLERANCE_MS + 1)],
    ['EPISTULA_TOLERANCE_MS', '0'],
    ['SUBMISSION_GEO_WINDOW_MS', '1.5'],
    ['SUBMISSION_GRACE_MS', '-1'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => trustSettings({ [name]: value })).toThrow(TrustConfigError);
    expect(() => trustSettings({ [name]: value })).toThrow(new RegExp(`^${name} must be an integer between`));
  });

  it('keeps the tolerance within half the time a request uuid is remembered (so a replay is always caught)', () => {
    expect(2 * MAX_TIMESTAMP_TOLERANCE_MS).toBeLessThanOrEqual(NONCE_RETENTION_MINUTES * 60_000);
  });
});

describe('validator hotkeys', () => {
  const a = devKeypair('config/a');
  const b = devKeypair('config/b');

  it('is undefined when not configured (the miner routes then answer 503)', async () => {
    expect(await validatorPublicKeys({})).toBeUndefined();
  });

  it('decodes one address, or a rotation list, under any prefix', async () => {
    const keys = await validatorPublicKeys({ VALIDATOR_HOTKEY: `${a.address}, ${encodeSs58(b.publicKey, 0)}` });
    expect(keys?.map((k) => Buffer.from(k).toString('hex'))).toEqual([a.publicKey, b.publicKey].map((k) => Buffer.from(k).toString('hex')));
  });

  it('refuses an entry that is not an address, naming the variable and the entry', async () => {
    await expect(validatorPublicKeys({ VALIDATOR_HOTKEY: `${a.address},nope` })).rejects.toThrow(/^VALIDATOR_HOTKEY: entry 2 is not an ss58 address/);
  });
});
