// Thresholds and policy of the health check: one typed loader, one defaults table, variables HEALTH_*.
// Precedence: argument > environment > default. Bad values fail with a ConfigError naming the setting.
import { ConfigError } from '../errors';

type Env = Record<string, string | undefined>;
type NumberSetting = { env: string; default: number; min: number; max: number; integer: boolean; doc: string };

/** Every numeric threshold of the check. Times are milliseconds, ratios are fractions of max_connections. */
export const HEALTH_SETTINGS = {
  checkTimeoutMs: { env: 'HEALTH_CHECK_TIMEOUT_MS', default: 5_000, min: 100, max: 120_000, integer: true, doc: 'The whole check (acquire, connect, queries). Past it the report is failing, never a hung function.' },
  statementTimeoutMs: { env: 'HEALTH_STATEMENT_TIMEOUT_MS', default: 3_000, min: 10, max: 60_000, integer: true, doc: "The check's unit from acquire to COMMIT; what is left of it at BEGIN is the server statement_timeout (SET LOCAL)." },
  rttDegradedMs: { env: 'HEALTH_RTT_DEGRADED_MS', default: 500, min: 1, max: 60_000, integer: true, doc: 'Round trip slower than this: degraded.' },
  longRunningMs: { env: 'HEALTH_LONG_RUNNING_MS', default: 5_000, min: 1, max: 86_400_000, integer: true, doc: 'A statement active longer than this is long-running (degraded).' },
  idleInTransactionMs: { env: 'HEALTH_IDLE_IN_TRANSACTION_MS', default: 5_000, min: 1, max: 86_400_000, integer: true, doc: 'A session idle inside a transaction longer than this is reported (degraded).' },
  blockedMs: { env: 'HEALTH_BLOCKED_MS', default: 1_000, min: 1, max: 86_400_000, integer: true, doc: 'A session waiting on a lock longer than this is blocked (degraded).' },
  oldestTransactionMs: { env: 'HEALTH_OLDEST_TRANSACTION_MS', default: 60_000, min: 1, max: 604_800_000, integer: true, doc: 'An open transaction older than this: degraded (it holds back vacuum).' },
  connectionsDegradedRatio: { env: 'HEALTH_CONNECTIONS_DEGRADED_RATIO', default: 0.8, min: 0.001, max: 1, integer: false, doc: 'Server connections in use / max_connections at or above this: degraded.' },
  connectionsFailingRatio: { env: 'HEALTH_CONNECTIONS_FAILING_RATIO', default: 0.95, min: 0.001, max: 1, integer: false, doc: 'Server connections in use / max_connections at or above this: failing.' },
  maxListed: { env: 'HEALTH_MAX_LISTED', default: 20, min: 1, max: 1_000, integer: true, doc: 'Sessions listed per category in the report (counts are always complete).' },
} as const satisfies Record<string, NumberSetting>;

export const HEALTH_SCOPES = ['database', 'server'] as const;
export type HealthScope = (typeof HEALTH_SCOPES)[number];
export const HEALTH_SCOPE_ENV = 'HEALTH_SCOPE';

export type HealthThresholds = { -readonly [K in keyof typeof HEALTH_SETTINGS]: number } & {
  /** Sessions of this database only (default), or of the whole server. Connection counts are always server-wide. */
  scope: HealthScope;
};
export type HealthThresholdsInput = Partial<HealthThresholds>;

/** Policy on this application's own offenders: off (default), dry-run (report only) or enforce. */
export const POLICY_MODES = ['off', 'dry-run', 'enforce'] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];
export const POLICY_MODE_ENV = 'HEALTH_POLICY';

export const POLICY_SETTINGS = {
  cancelAfterMs: { env: 'HEALTH_CANCEL_AFTER_MS', default: 60_000, min: 100, max: 86_400_000, integer: true, doc: "Our statements active longer than this are cancelled (pg_cancel_backend)." },
  terminateIdleAfterMs: { env: 'HEALTH_TERMINATE_IDLE_AFTER_MS', default: 60_000, min: 100, max: 86_400_000, integer: true, doc: 'Our sessions idle in transaction longer than this are terminated (pg_terminate_backend).' },
} as const satisfies Record<string, NumberSetting>;

export type HealthPolicy = { mode: PolicyMode } & { -readonly [K in keyof typeof POLICY_SETTINGS]: number };
export type HealthPolicyInput = Partial<HealthPolicy>;

export const POLICY_OFF: HealthPolicy = {
  mode: 'off',
  cancelAfterMs: POLICY_SETTINGS.cancelAfterMs.default,
  terminateIdleAfterMs: POLICY_SETTINGS.terminateIdleAfterMs.default,
};

/** The liveness answer of GET /health (liveness.ts). */
export const LIVENESS_SETTINGS = {
  cacheMs: { env: 'HEALTH_LIVENESS_CACHE_MS', default: 5_000, min: 0, max: 60_000, integer: true, doc: 'A container answers GET /health from its last liveness check this long (0: every call checks).' },
} as const satisfies Record<string, NumberSetting>;

export type LivenessSettings = { -readonly [K in keyof typeof LIVENESS_SETTINGS]: number };

export function loadLivenessSettings(input: Partial<LivenessSettings> = {}, env: Env = process.env): LivenessSettings {
  return { cacheMs: resolveNumber('cacheMs', LIVENESS_SETTINGS.cacheMs, input.cacheMs, env) };
}

export function loadHealthThresholds(input: HealthThresholdsInput = {}, env: Env = process.env): HealthThresholds {
  const t = { scope: oneOf(HEALTH_SCOPE_ENV, 'scope', input.scope, env, HEALTH_SCOPES, 'database') } as HealthThresholds;
  for (const key of Object.keys(HEALTH_SETTINGS) as (keyof typeof HEALTH_SETTINGS)[]) {
    t[key] = resolveNumber(key, HEALTH_SETTINGS[key], input[key], env);
  }
  if (t.statementTimeoutMs >= t.checkTimeoutMs) {
    throw new ConfigError(
      `${HEALTH_SETTINGS.statementTimeoutMs.env} (${t.statementTimeoutMs}) must be less than ${HEALTH_SETTINGS.checkTimeoutMs.env} (${t.checkTimeoutMs}): the statement runs inside the check`,
    );
  }
  if (t.connectionsDegradedRatio > t.connectionsFailingRatio) {
    throw new ConfigError(
      `${HEALTH_SETTINGS.connectionsDegradedRatio.env} (${t.connectionsDegradedRatio}) must not exceed ${HEALTH_SETTINGS.connectionsFailingRatio.env} (${t.connectionsFailingRatio})`,
    );
  }
  return t;
}

export function loadHealthPolicy(input: HealthPolicyInput = {}, env: Env = process.env): HealthPolicy {
  const p = { mode: oneOf(POLICY_MODE_ENV, 'mode', input.mode, env, POLICY_MODES, 'off') } as HealthPolicy;
  for (const key of Object.keys(POLICY_SETTINGS) as (keyof typeof POLICY_SETTINGS)[]) {
    p[key] = resolveNumber(key, POLICY_SETTINGS[key], input[key], env);
  }
  return p;
}

function resolveNumber(key: string, s: NumberSetting, arg: number | undefined, env: Env): number {
  let value: number;
  let source: string;
  if (arg !== undefined) {
    value = arg;
    source = key;
  } else if (env[s.env] !== undefined && env[s.env]!.trim() !== '') {
    const text = env[s.env]!.trim();
    const pattern = s.integer ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
    if (!pattern.test(text)) throw new ConfigError(`${s.env} must be ${s.integer ? 'an integer' : 'a number'}, got "${text}"`);
    value = Number(text);
    source = s.env;
  } else {
    return s.default;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || (s.integer && !Number.isInteger(value))) {
    throw new ConfigError(`${source} must be ${s.integer ? 'an integer' : 'a number'}, got ${String(value)}`);
  }
  if (value < s.min || value > s.max) throw new ConfigError(`${source} must be between ${s.min} and ${s.max}, got ${value}`);
  return value;
}

function oneOf<T extends string>(envName: string, key: string, arg: string | undefined, env: Env, allowed: readonly T[], fallback: T): T {
  const fromEnv = env[envName]?.trim();
  const value = arg ?? (fromEnv ? fromEnv : fallback);
  const source = arg !== undefined ? key : envName;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${source} must be one of ${allowed.join(', ')}; got "${value}"`);
  }
  return value as T;
}
