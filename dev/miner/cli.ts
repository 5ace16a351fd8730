// `npm run miner -- <command>`: a miner with a dev key (dev/miner/keys.ts), signing like a real one (Epistula v2).
//   address [--uid N]                                        the dev hotkey of a uid (register it with PUT /miners)
//   submit geo  --uid N --value X [--hour ISO]               Dst prediction (default: the next hour, the open one)
//   submit soil --uid N --region ID --bounds a,b,c,d --crs N [--value V]   an 11x11 grid of V (default 0.25)
// Where to: --url (default $MINER_URL or http://127.0.0.1:3000); for which validator: --validator (default
// $VALIDATOR_HOTKEY, else the hotkey the local server keeps in <DATA_DIR or .data>/validator-hotkey).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nextGeoHour } from '../../lib/validator';
import { httpTransport, MinerClient, type MinerResponse } from './client';
import { devMiner } from './keys';
import { VALIDATOR_HOTKEY_FILE } from './validator-file';

const USAGE = `usage: npm run miner -- address [--uid N]
       npm run miner -- submit geo --uid N --value X [--hour 2025-01-01T13:00:00Z]
       npm run miner -- submit soil --uid N --region ID --bounds a,b,c,d --crs N [--value 0.25]
options: --url URL (default $MINER_URL or http://127.0.0.1:3000), --validator SS58 (default $VALIDATOR_HOTKEY or the local server's)`;

function fail(message: string): never {
  console.error(`miner: ${message}\n${USAGE}`);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    uid: { type: 'string', default: '0' },
    value: { type: 'string' },
    hour: { type: 'string' },
    region: { type: 'string' },
    bounds: { type: 'string' },
    crs: { type: 'string' },
    url: { type: 'string', default: process.env.MINER_URL || 'http://127.0.0.1:3000' },
    validator: { type: 'string' },
  },
});

const int = (name: string, raw: string | undefined): number => {
  const v = Number(raw);
  if (raw === undefined || !Number.isInteger(v)) fail(`--${name} must be an integer`);
  return v;
};
const num = (name: string, raw: string | undefined): number => {
  const v = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(v)) fail(`--${name} must be a number`);
  return v;
};

function validatorHotkey(): string {
  if (values.validator) return values.validator;
  // During a rotation the variable lists the new hotkey first.
  if (process.env.VALIDATOR_HOTKEY) return process.env.VALIDATOR_HOTKEY.split(',')[0]!.trim();
  const file = join(process.env.DATA_DIR || '.data', VALIDATOR_HOTKEY_FILE);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return fail(`no validator hotkey: pass --validator, set VALIDATOR_HOTKEY, or start the local server (it writes ${file})`);
  }
}

function print(res: MinerResponse): void {
  console.log(`${res.status} ${JSON.stringify(res.json)}`);
  if (res.status >= 400) process.exitCode = 1;
}

async function main(): Promise<void> {
  const [command, task] = positionals;
  const keypair = devMiner(int('uid', values.uid));
  if (command === 'address') return void console.log(keypair.address);
  if (command !== 'submit') fail(command ? `unknown command "${command}"` : 'a command is required');
  const client = new MinerClient(keypair, validatorHotkey(), httpTransport(values.url));
  if (task === 'geo') {
    const queryTime = values.hour ? new Date(values.hour) : nextGeoHour(new Date());
    if (Number.isNaN(queryTime.getTime())) fail('--hour must be an ISO date-time');
    return print(await client.submitGeo({ queryTime, value: num('value', values.value) }));
  }
  if (task === 'soil') {
    const bounds = (values.bounds ?? '').split(',').map((v) => num('bounds', v));
    if (bounds.length !== 4) fail('--bounds takes 4 numbers: the region sentinelBounds');
    const v = values.value === undefined ? 0.25 : num('value', values.value);
    const grid = Array.from({ length: 11 }, () => Array<number>(11).fill(v));
    return print(await client.submitSoil({ regionId: int('region', values.region), surfaceSm: grid, rootzoneSm: grid, sentinelBounds: bounds, sentinelCrs: int('crs', values.crs) }));
  }
  fail('submit takes geo or soil');
}

main().catch((err: unknown) => {
  console.error(`miner: ${(err as Error)?.message ?? String(err)}`);
  process.exitCode = 1;
});
