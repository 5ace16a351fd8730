// One typed loader for every setting of the layer. Precedence: argument > environment > default.
import { ConfigError } from './errors';
import { passwordOf, registerSecret } from './redact';

export const DRIVERS = ['pg', 'pglite', 'neon-ws', 'neon-http', 'data-api'] as const;
export type DriverName = (typeof DRIVERS)[number];
export const PROXY_PROFILES = ['auto', 'direct', 'pgbouncer', 'rds-proxy'] as const;
export type ProxyProfileName = (typeof PROXY_PROFILES)[number];
/** What the code needs: interactive transactions (callback with several round trips) or batches only. */
export const TRANSACTION_MODES = ['interactive', 'batch-only'] as const;
export type TransactionMode = (typeof TRANSACTION_MODES)[number];

/** The Data API's limits (AWS: 45 s per statement, a transaction expires after 3 minutes without a call). */
export const DATA_API_STATEMENT_LIMIT_MS = 45_000;
export const DATA_API_TRANSACTION_EXPIRY_MS = 180_000;

type IntSetting = { env: string; default: number; min: number; max: number; doc: string };

/** Every numeric setting: environment variable, default and bounds. Times are milliseconds. */
export const NUMERIC_SETTINGS = {
  poolMax: { env: 'DB_POOL_MAX', default: 2, min: 1, max: 1000, doc: 'Connections per container (Lambda runs one invocation at a time).' },
  connectTimeoutMs: { env: 'DB_CONNECT_TIMEOUT_MS', default: 5_000, min: 1, max: 600_000, doc: 'Opening one connection (TCP, TLS, startup).' },
  acquireTimeoutMs: { env: 'DB_ACQUIRE_TIMEOUT_MS', default: 5_000, min: 1, max: 600_000, doc: 'Waiting in the pool queue, then PoolExhaustedError.' },
  statementTimeoutMs: { env: 'DB_STATEMENT_TIMEOUT_MS', default: 10_000, min: 1, max: 3_600_000, doc: 'One statement (server statement_timeout).' },
  lockTimeoutMs: { env: 'DB_LOCK_TIMEOUT_MS', default: 3_000, min: 1, max: 3_600_000, doc: 'Waiting for one lock (server lock_timeout).' },
  idleInTransactionTimeoutMs: { env: 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', default: 10_000, min: 1, max: 3_600_000, doc: 'Server ends a session idle inside a transaction this long.' },
  transactionTimeoutMs: { env: 'DB_TRANSACTION_TIMEOUT_MS', default: 15_000, min: 1, max: 3_600_000, doc: 'The whole transaction callback; rolled back and connection destroyed past it.' },
  sessionTimeoutMs: { env: 'DB_SESSION_TIMEOUT_MS', default: 60_000, min: 1, max: 3_600_000, doc: 'A whole session when no deadline is given (the Lambda wrapper gives one).' },
  poolIdleTimeoutMs: { env: 'DB_POOL_IDLE_TIMEOUT_MS', default: 60_000, min: 1, max: 86_400_000, doc: 'An idle pooled connection is closed after this.' },
  maxLifetimeMs: { env: 'DB_POOL_MAX_LIFETIME_MS', default: 900_000, min: 1_000, max: 86_400_000, doc: 'A connection is retired after this age (jittered by up to 10%).' },
  validateAfterIdleMs: { env: 'DB_VALIDATE_AFTER_IDLE_MS', default: 5_000, min: 0, max: 86_400_000, doc: 'A connection idle longer than this (e.g. a Lambda freeze) is pinged before use.' },
  validationTimeoutMs: { env: 'DB_VALIDATION_TIMEOUT_MS', default: 1_000, min: 1, max: 60_000, doc: 'The ping of a stale connection; past it the connection is replaced.' },
  slowStatementMs: { env: 'DB_SLOW_STATEMENT_MS', default: 500, min: 0, max: 3_600_000, doc: 'Statements slower than this are logged (fingerprint only).' },
  retryMaxAttempts: { env: 'DB_RETRY_MAX_ATTEMPTS', default: 5, min: 1, max: 50, doc: 'Attempts of an opted-in retryable transaction (40001, 40P01).' },
  retryBaseDelayMs: { env: 'DB_RETRY_BASE_DELAY_MS', default: 10, min: 0, max: 60_000, doc: 'First backoff of a retried transaction (full jitter, doubling).' },
  retryMaxDelayMs: { env: 'DB_RETRY_MAX_DELAY_MS', default: 500, min: 0, max: 60_000, doc: 'Cap of the backoff of a retried transaction.' },
  dataApiTransactionExpiryMs: { env: 'DB_DATA_API_TRANSACTION_EXPIRY_MS', default: DATA_API_TRANSACTION_EXPIRY_MS, min: 1, max: DATA_API_TRANSACTION_EXPIRY_MS, doc: 'Data API: a transaction unused this long is gone (the service: 3 min); lower only for a local endpoint set shorter.' },
} as const satisfies Record<string, IntSetting>;

export type NumericSettings = { -readonly [K in keyof typeof NUMERIC_SETTINGS]: number };

export type DbConfig = NumericSettings & {
  driver: DriverName;
  /** Connection URL; never printed (non-enumerable on the resolved config). */
  url: string | undefined;
  proxyProfile: ProxyProfileName;
  applicationName: string;
  /** PGlite data folder; undefined = in memory. */
  pgliteDataDir: string | undefined;
  /** PgBouncer configured with max_prepared_statements > 0 (1.21+): named statements allowed. */
  preparedStatements: boolean;
  /**
   * Behind RDS Proxy, send statements that pin the client to its server connection (advisory locks, SET, sequence
   * functions): for a one-off unit such as the migrations, never for the request path. Session-state rules stay.
   */
  allowPinning: boolean;
  /**
   * Capture the stack of every transaction and statement so a leak report says where it was opened. Costs a few
   * microseconds per unit; off by default, and switched on for the container after its first leak.
   */
  leakStacks: boolean;
  /** 'batch-only': session.transaction is refused on every driver (required for neon-http); use session.batch. */
  transactions: TransactionMode;
  /** neon-ws: WebSocket proxy host[:port]/path without scheme (undefined = Neon's own, host/v2). */
  neonWsProxy: string | undefined;
  /** neon-ws: wss:// (true) or ws:// (a local proxy). */
  neonSecureWebSocket: boolean;
  /** neon-ws: pipeline startup + password + first query (needs cleartext password auth, as on Neon). */
  neonPipelineConnect: boolean;
  /** neon-ws: coalesce the writes of one event-loop turn into one WebSocket message. */
  neonCoalesceWrites: boolean;
  /** neon-http: SQL-over-HTTP endpoint URL (undefined = Neon's, https://<api host>/sql). Process-wide in the library. */
  neonFetchEndpoint: string | undefined;
  /** data-api: Aurora cluster ARN. */
  dataApiResourceArn: string | undefined;
  /** data-api: Secrets Manager secret ARN with the database credentials. */
  dataApiSecretArn: string | undefined;
  /** data-api: database name. */
  dataApiDatabase: string | undefined;
  /** data-api: endpoint URL override (a local endpoint); undefined = the regional AWS endpoint. */
  dataApiEndpoint: string | undefined;
  /** data-api: AWS region (undefined = the SDK's, e.g. AWS_REGION in Lambda). */
  dataApiRegion: string | undefined;
  /**
   * pg: authenticate with RDS IAM tokens instead of a password (RDS Proxy with IAM auth required). The URL names
   * the user and no password; each new connection gets a token signed with the function's own AWS credentials.
   */
  iamAuth: boolean;
  /** pg with iamAuth: the region the tokens are signed for (undefined = the SDK's, e.g. AWS_REGION in Lambda). */
  iamRegion: string | undefined;
};

export type DbConfigInput = Partial<DbConfig>;

const STRING_ENV = {
  url: 'DATABASE_URL',
  driver: 'DB_DRIVER',
  proxyProfile: 'DB_PROXY_PROFILE',
  applicationName: 'DB_APPLICATION_NAME',
  pgliteDataDir: 'DB_PGLITE_DATA_DIR',
  preparedStatements: 'DB_PREPARED_STATEMENTS',
  allowPinning: 'DB_ALLOW_PINNING',
  leakStacks: 'DB_LEAK_STACKS',
  transactions: 'DB_TRANSACTIONS',
  neonWsProxy: 'DB_NEON_WS_PROXY',
  neonSecureWebSocket: 'DB_NEON_SECURE_WEBSOCKET',
  neonPipelineConnect: 'DB_NEON_PIPELINE_CONNECT',
  neonCoalesceWrites: 'DB_NEON_COALESCE_WRITES',
  neonFetchEndpoint: 'DB_NEON_FETCH_ENDPOINT',
  dataApiResourceArn: 'DB_DATA_API_RESOURCE_ARN',
  dataApiSecretArn: 'DB_DATA_API_SECRET_ARN',
  dataApiDatabase: 'DB_DATA_API_DATABASE',
  dataApiEndpoint: 'DB_DATA_API_ENDPOINT',
  dataApiRegion: 'DB_DATA_API_REGION',
  iamAuth: 'DB_IAM_AUTH',
  iamRegion: 'DB_IAM_REGION',
} as const;

export const STRING_SETTINGS_DOC: Record<keyof typeof STRING_ENV, { env: string; default: string; doc: string }> = {
  url: { env: STRING_ENV.url, default: '(none)', doc: 'PostgreSQL URL. Without it the embedded PGlite driver is used.' },
  driver: { env: STRING_ENV.driver, default: 'pg if DATABASE_URL, else pglite', doc: `One of ${DRIVERS.join(', ')}.` },
  proxyProfile: { env: STRING_ENV.proxyProfile, default: 'auto', doc: `One of ${PROXY_PROFILES.join(', ')}; auto detects from the host name.` },
  applicationName: { env: STRING_ENV.applicationName, default: 'gaia-validator', doc: 'application_name seen in pg_stat_activity.' },
  pgliteDataDir: { env: STRING_ENV.pgliteDataDir, default: '(memory)', doc: 'PGlite data folder.' },
  preparedStatements: { env: STRING_ENV.preparedStatements, default: 'false', doc: 'Allow named prepared statements through a pooler that supports them.' },
  allowPinning: { env: STRING_ENV.allowPinning, default: 'false', doc: 'rds-proxy: allow statements that pin the client (advisory locks, SET); the migrations use it, requests must not.' },
  leakStacks: { env: STRING_ENV.leakStacks, default: 'false', doc: 'Capture where every transaction and statement was opened, for leak reports (on after the first leak anyway).' },
  transactions: { env: STRING_ENV.transactions, default: 'interactive', doc: `One of ${TRANSACTION_MODES.join(', ')}. batch-only refuses session.transaction (use session.batch); required by neon-http.` },
  neonWsProxy: { env: STRING_ENV.neonWsProxy, default: "(Neon's)", doc: 'neon-ws: WebSocket proxy host:port/path, no scheme (local: 127.0.0.1:<port>/v2).' },
  neonSecureWebSocket: { env: STRING_ENV.neonSecureWebSocket, default: 'true', doc: 'neon-ws: wss (true) or ws (false, a local proxy).' },
  neonPipelineConnect: { env: STRING_ENV.neonPipelineConnect, default: 'true', doc: 'neon-ws: pipeline the startup (needs password auth; false for a local trust-auth server).' },
  neonCoalesceWrites: { env: STRING_ENV.neonCoalesceWrites, default: 'true', doc: 'neon-ws: coalesce small writes into one WebSocket message.' },
  neonFetchEndpoint: { env: STRING_ENV.neonFetchEndpoint, default: "(Neon's)", doc: 'neon-http: SQL-over-HTTP endpoint URL (local: http://127.0.0.1:<port>/sql).' },
  dataApiResourceArn: { env: STRING_ENV.dataApiResourceArn, default: '(none)', doc: 'data-api: Aurora cluster ARN (required).' },
  dataApiSecretArn: { env: STRING_ENV.dataApiSecretArn, default: '(none)', doc: 'data-api: Secrets Manager secret ARN (required).' },
  dataApiDatabase: { env: STRING_ENV.dataApiDatabase, default: '(none)', doc: 'data-api: database name (required).' },
  dataApiEndpoint: { env: STRING_ENV.dataApiEndpoint, default: '(AWS)', doc: 'data-api: endpoint URL override (a local endpoint).' },
  dataApiRegion: { env: STRING_ENV.dataApiRegion, default: '(SDK default)', doc: 'data-api: AWS region.' },
  iamAuth: { env: STRING_ENV.iamAuth, default: 'false', doc: 'pg: RDS IAM auth tokens as the password (RDS Proxy); DATABASE_URL names the user, no password, sslmode only.' },
  iamRegion: { env: STRING_ENV.iamRegion, default: '(SDK default)', doc: 'pg with DB_IAM_AUTH: AWS region the tokens are signed for.' },
};

type Env = Record<string, string | undefined>;

/** Resolves and validates the configuration; throws ConfigError naming the offending setting. */
export function loadConfig(input: DbConfigInput = {}, env: Env = process.env): DbConfig {
  const numeric = {} as NumericSettings;
  for (const key of Object.keys(NUMERIC_SETTINGS) as (keyof NumericSettings)[]) {
    numeric[key] = resolveInt(key, input[key], env);
  }
  const url = input.url ?? nonEmpty(env[STRING_ENV.url]);
  const driver = oneOf(STRING_ENV.driver, input.driver ?? nonEmpty(env[STRING_ENV.driver]) ?? (url ? 'pg' : 'pglite'), DRIVERS);
  const proxyProfile = oneOf(STRING_ENV.proxyProfile, input.proxyProfile ?? nonEmpty(env[STRING_ENV.proxyProfile]) ?? 'auto', PROXY_PROFILES);
  if (!url && driver !== 'pglite' && driver !== 'data-api') {
    throw new ConfigError(`${STRING_ENV.url} is required for driver "${driver}"`);
  }
  if (url && !/^postgres(ql)?:\/\//i.test(url)) {
    throw new ConfigError(`${STRING_ENV.url} must start with postgres:// or postgresql://`);
  }
  // Unparsable, it would fail only at the first connect, untyped, and its password could not be registered for
  // redaction; the message never quotes the URL.
  if (url && !parsableUrl(url)) {
    throw new ConfigError(`${STRING_ENV.url} is not a valid URL (check the host, the port and the percent-encoding of user and password)`);
  }
  registerSecret(passwordOf(url));

  const config: DbConfig = {
    ...numeric,
    driver,
    url: undefined,
    proxyProfile,
    applicationName: input.applicationName ?? nonEmpty(env[STRING_ENV.applicationName]) ?? 'gaia-validator',
    pgliteDataDir: input.pgliteDataDir ?? nonEmpty(env[STRING_ENV.pgliteDataDir]),
    preparedStatements: input.preparedStatements ?? parseBool(STRING_ENV.preparedStatements, env[STRING_ENV.preparedStatements]),
    allowPinning: input.allowPinning ?? parseBool(STRING_ENV.allowPinning, env[STRING_ENV.allowPinning]),
    leakStacks: input.leakStacks ?? parseBool(STRING_ENV.leakStacks, env[STRING_ENV.leakStacks]),
    transactions: oneOf(STRING_ENV.transactions, input.transactions ?? nonEmpty(env[STRING_ENV.transactions]) ?? 'interactive', TRANSACTION_MODES),
    ...driverSettings(input, env),
  };
  // The URL carries the password: keep it off enumeration, JSON and inspect output.
  Object.defineProperty(config, 'url', { value: url, enumerable: false, writable: false });
  if (driver === 'pglite') config.poolMax = 1; // one embedded instance: exclusive access is the pool
  checkDriver(config);
  checkHierarchy(config);
  return config;
}

type DriverSettings = Pick<
  DbConfig,
  | 'neonWsProxy' | 'neonSecureWebSocket' | 'neonPipelineConnect' | 'neonCoalesceWrites' | 'neonFetchEndpoint'
  | 'dataApiResourceArn' | 'dataApiSecretArn' | 'dataApiDatabase' | 'dataApiEndpoint' | 'dataApiRegion'
  | 'iamAuth' | 'iamRegion'
>;

function driverSettings(input: DbConfigInput, env: Env): DriverSettings {
  const str = (key: keyof DriverSettings & keyof typeof STRING_ENV) => (input[key] as string | undefined) ?? nonEmpty(env[STRING_ENV[key]]);
  const bool = (key: 'neonSecureWebSocket' | 'neonPipelineConnect' | 'neonCoalesceWrites') =>
    input[key] ?? parseBool(STRING_ENV[key], env[STRING_ENV[key]], true);
  return {
    neonWsProxy: str('neonWsProxy'),
    neonSecureWebSocket: bool('neonSecureWebSocket'),
    neonPipelineConnect: bool('neonPipelineConnect'),
    neonCoalesceWrites: bool('neonCoalesceWrites'),
    neonFetchEndpoint: str('neonFetchEndpoint'),
    dataApiResourceArn: str('dataApiResourceArn'),
    dataApiSecretArn: str('dataApiSecretArn'),
    dataApiDatabase: str('dataApiDatabase'),
    dataApiEndpoint: str('dataApiEndpoint'),
    dataApiRegion: str('dataApiRegion'),
    iamAuth: input.iamAuth ?? parseBool(STRING_ENV.iamAuth, env[STRING_ENV.iamAuth]),
    iamRegion: str('iamRegion'),
  };
}

/** What a driver needs, and what it cannot do, refused here rather than in production. */
function checkDriver(c: DbConfig): void {
  if (c.driver === 'neon-http' && c.transactions !== 'batch-only') {
    throw new ConfigError(
      `driver "neon-http" cannot run interactive transactions (each HTTP request is one statement or one batch): ` +
        `declare ${STRING_ENV.transactions}=batch-only (transactions: 'batch-only') and write with session.batch()`,
    );
  }
  if (c.neonWsProxy !== undefined && /^[a-z]+:\/\//i.test(c.neonWsProxy)) {
    throw new ConfigError(`${STRING_ENV.neonWsProxy} must be host[:port]/path without a scheme (the driver adds ws:// or wss://)`);
  }
  for (const key of ['neonFetchEndpoint', 'dataApiEndpoint'] as const) {
    const v = c[key];
    if (v !== undefined && !/^https?:\/\//i.test(v)) throw new ConfigError(`${STRING_ENV[key]} must be an http:// or https:// URL`);
  }
  if (c.iamAuth) checkIamUrl(c);
  if (c.driver === 'data-api') {
    for (const key of ['dataApiResourceArn', 'dataApiSecretArn', 'dataApiDatabase'] as const) {
      if (!c[key]) throw new ConfigError(`${STRING_ENV[key]} is required for driver "data-api"`);
    }
    for (const key of ['dataApiResourceArn', 'dataApiSecretArn'] as const) {
      if (!c[key]!.startsWith('arn:')) throw new ConfigError(`${STRING_ENV[key]} must be an ARN (arn:...)`);
    }
    // The service stops a statement at 45 s: never promise more. (An unused transaction is forgotten after
    // dataApiTransactionExpiryMs; the driver reports that from its own clock, whatever the idle setting.)
    c.statementTimeoutMs = Math.min(c.statementTimeoutMs, DATA_API_STATEMENT_LIMIT_MS);
    c.lockTimeoutMs = Math.min(c.lockTimeoutMs, c.statementTimeoutMs);
  }
}

/** sslmode values of an IAM-authenticated URL: RDS Proxy requires TLS; `disable` is for a local test server only. */
export const IAM_SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;

/** IAM auth: pg only, a user and no password in the URL, and nothing in it the driver would not honour. */
function checkIamUrl(c: DbConfig): void {
  if (c.driver !== 'pg') throw new ConfigError(`${STRING_ENV.iamAuth} works with driver "pg" only (got "${c.driver}")`);
  const u = new URL(c.url!);
  if (!u.username) throw new ConfigError(`${STRING_ENV.iamAuth}: ${STRING_ENV.url} must name the database user the tokens are signed for`);
  if (u.password) throw new ConfigError(`${STRING_ENV.iamAuth}: ${STRING_ENV.url} must not carry a password (the IAM token is the password)`);
  for (const key of u.searchParams.keys()) {
    if (key !== 'sslmode') throw new ConfigError(`${STRING_ENV.iamAuth}: ${STRING_ENV.url} may carry sslmode only; got "${key}"`);
  }
  const mode = u.searchParams.get('sslmode');
  if (mode !== null && !(IAM_SSL_MODES as readonly string[]).includes(mode)) {
    throw new ConfigError(`${STRING_ENV.iamAuth}: sslmode must be one of ${IAM_SSL_MODES.join(', ')}; got "${mode}"`);
  }
}

function parsableUrl(url: string): boolean {
  try {
    const u = new URL(url);
    decodeURIComponent(u.username);
    decodeURIComponent(u.password);
    return true;
  } catch {
    return false;
  }
}

function checkHierarchy(c: DbConfig): void {
  const order: (keyof NumericSettings)[] = ['lockTimeoutMs', 'statementTimeoutMs', 'transactionTimeoutMs', 'sessionTimeoutMs'];
  for (let i = 1; i < order.length; i++) {
    const lower = order[i - 1]!;
    const upper = order[i]!;
    if (c[lower] > c[upper]) {
      throw new ConfigError(
        `${NUMERIC_SETTINGS[lower].env} (${c[lower]}) must not exceed ${NUMERIC_SETTINGS[upper].env} (${c[upper]}): ` +
          'the timeout hierarchy is lock <= statement <= transaction <= session',
      );
    }
  }
  if (c.retryBaseDelayMs > c.retryMaxDelayMs) {
    throw new ConfigError(`${NUMERIC_SETTINGS.retryBaseDelayMs.env} must not exceed ${NUMERIC_SETTINGS.retryMaxDelayMs.env}`);
  }
}

function resolveInt(key: keyof NumericSettings, arg: number | undefined, env: Env): number {
  const s: IntSetting = NUMERIC_SETTINGS[key];
  let value: number;
  let source: string;
  if (arg !== undefined) {
    value = arg;
    source = key;
  } else if (nonEmpty(env[s.env]) !== undefined) {
    const text = env[s.env]!.trim();
    if (!/^-?\d+$/.test(text)) throw new ConfigError(`${s.env} must be an integer, got "${text}"`);
    value = Number(text);
    source = s.env;
  } else {
    return s.default;
  }
  if (!Number.isInteger(value)) throw new ConfigError(`${source} must be an integer, got ${value}`);
  if (value < s.min || value > s.max) throw new ConfigError(`${source} must be between ${s.min} and ${s.max}, got ${value}`);
  return value;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}; got "${value}"`);
  }
  return value as T;
}

function parseBool(name: string, value: string | undefined, fallback = false): boolean {
  const v = nonEmpty(value)?.toLowerCase();
  if (v === undefined) return fallback;
  if (['1', 'true', 'yes'].includes(v)) return true;
  if (['0', 'false', 'no'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false; got "${value}"`);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}
