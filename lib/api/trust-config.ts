// Settings of signed requests and submission windows, from the environment (one table, bounds checked).
// VALIDATOR_HOTKEY: env > the SST secret ValidatorHotkey linked to the miner routes (infra/secrets.ts); read per
// request like the admin token. Miner routes answer 503 without it. A comma-separated list names the hotkeys
// requests may be signed for during a rotation (the new one and the old one; docs/OPERATIONS.md).
import { decodeSs58, NONCE_RETENTION_MINUTES, Ss58Error, type SubmissionWindows } from '../validator';
import { configuredValue } from './linked-secret';

type Env = Record<string, string | undefined>;

export const VALIDATOR_HOTKEY_ENV = 'VALIDATOR_HOTKEY';
export const VALIDATOR_HOTKEY_SECRET = 'ValidatorHotkey';

/** A uuid is remembered NONCE_RETENTION_MINUTES after its request arrived: the tolerance must stay within half of it. */
export const MAX_TIMESTAMP_TOLERANCE_MS = (NONCE_RETENTION_MINUTES * 60_000) / 2;

export const TRUST_SETTINGS = {
  toleranceMs: {
    env: 'EPISTULA_TOLERANCE_MS',
    default: 8_000,
    min: 1_000,
    max: MAX_TIMESTAMP_TOLERANCE_MS,
    doc: 'Largest difference between Epistula-Timestamp and the server clock.',
  },
  geoWindowMs: {
    env: 'SUBMISSION_GEO_WINDOW_MS',
    default: 3_600_000,
    min: 60_000,
    max: 86_400_000,
    doc: 'A geo prediction for the hour starting at H is accepted from H minus this.',
  },
  graceMs: {
    env: 'SUBMISSION_GRACE_MS',
    default: 0,
    min: 0,
    max: 60_000,
    doc: 'Accepted this long after a window closes (geo: H; soil: the region closesAt).',
  },
} as const;

export type TrustSettings = { toleranceMs: number; windows: SubmissionWindows };

export class TrustConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustConfigError';
  }
}

let memo: { key: string; value: TrustSettings } | undefined;

/** The numeric settings (memoized on the raw values: parsed once per container unless the environment changes). */
export function trustSettings(env: Env = process.env): TrustSettings {
  const raw = Object.values(TRUST_SETTINGS).map((s) => env[s.env] ?? '');
  const key = raw.join('\u0000');
  if (memo?.key === key) return memo.value;
  const n = (k: keyof typeof TRUST_SETTINGS) => intSetting(TRUST_SETTINGS[k], env[TRUST_SETTINGS[k].env]);
  const value = { toleranceMs: n('toleranceMs'), windows: { geoWindowMs: n('geoWindowMs'), graceMs: n('graceMs') } };
  memo = { key, value };
  return value;
}

function intSetting(s: { env: string; default: number; min: number; max: number }, raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return s.default;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < s.min || v > s.max) throw new TrustConfigError(`${s.env} must be an integer between ${s.min} and ${s.max}; got "${raw}"`);
  return v;
}

/** Decoded per configured value (one value per container, unless rotated). */
const validatorKeys = new Map<string, Uint8Array[]>();

/** The public keys Epistula-Signed-For may name (this validator's hotkey; two during a rotation), or undefined when not configured. */
export async function validatorPublicKeys(env: Env = process.env): Promise<Uint8Array[] | undefined> {
  const value = await configuredValue(VALIDATOR_HOTKEY_ENV, VALIDATOR_HOTKEY_SECRET, env);
  if (value === undefined) return undefined;
  const known = validatorKeys.get(value);
  if (known) return known;
  const keys = value.split(',').map((address, i) => {
    try {
      return decodeSs58(address.trim()).publicKey;
    } catch (err) {
      if (err instanceof Ss58Error) throw new TrustConfigError(`${VALIDATOR_HOTKEY_ENV}: entry ${i + 1} is not an ss58 address (${err.message})`);
      throw err;
    }
  });
  validatorKeys.set(value, keys);
  return keys;
}

