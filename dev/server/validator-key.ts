// The local validator's hotkey (what miners sign their requests for): VALIDATOR_HOTKEY from the environment, else
// a dev key kept in the data folder (seed generated once, mode 0600) so miners' configuration survives restarts.
// The hotkey (public) is written next to it for `npm run miner`.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VALIDATOR_HOTKEY_ENV } from '../../lib/api';
import { keypairFromSeed, type Keypair } from '../miner/keys';
import { VALIDATOR_HOTKEY_FILE, VALIDATOR_KEY_FILE } from '../miner/validator-file';

export type ValidatorHotkeySource = { hotkey: string; source: string };

export function resolveValidatorHotkey(env: Record<string, string | undefined>, dataDir: string): ValidatorHotkeySource {
  const fromEnv = env[VALIDATOR_HOTKEY_ENV];
  if (fromEnv) return { hotkey: fromEnv, source: `the ${VALIDATOR_HOTKEY_ENV} environment variable` };
  const keyFile = join(dataDir, VALIDATOR_KEY_FILE);
  let keypair: Keypair | undefined;
  let source = keyFile;
  if (existsSync(keyFile)) {
    const seed = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex');
    if (seed.length === 32) keypair = keypairFromSeed(seed);
  }
  if (!keypair) {
    const seed = randomBytes(32);
    keypair = keypairFromSeed(seed);
    writeFileSync(keyFile, `${seed.toString('hex')}\n`, { mode: 0o600 });
    chmodSync(keyFile, 0o600);
    source = `${keyFile} (generated)`;
  }
  writeFileSync(join(dataDir, VALIDATOR_HOTKEY_FILE), `${keypair.address}\n`, { mode: 0o644 });
  return { hotkey: keypair.address, source };
}
