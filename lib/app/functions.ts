// The deployment tables: plain data shared by infra/ (SST) and the local server (dev/).
// Every Lambda's timeout lives here once; database deadlines are derived from it.

export type FunctionSpec = {
  /** Handler file relative to the project root, exporting `handler`. */
  readonly handler: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Which database driver the function uses at most (keeps bundles lean). */
  readonly needsDatabase: boolean;
};

export type RouteSpec = FunctionSpec & {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  /** Admin routes require `Authorization: Bearer <admin token>`. */
  readonly admin: boolean;
  /**
   * Miner routes take Epistula v2 signed requests (lib/api/identity.ts); they are linked to the ValidatorHotkey
   * secret (infra/api.ts) and refused with 503 without it.
   */
  readonly miner?: boolean;
  /** Largest accepted request body in bytes. */
  readonly maxBodyBytes: number;
};

export type ScheduleSpec = FunctionSpec & {
  readonly name: 'soil' | 'geo' | 'weights' | 'cleanup' | 'health';
  /** EventBridge cron expression (6 fields, UTC). */
  readonly cron: `cron(${string})`;
  /** Interval used by the local server (milliseconds). */
  readonly localEveryMs: number;
};

const api = { memoryMb: 512, timeoutSeconds: 10, needsDatabase: true } as const;
const KiB = 1024;

export const routes: readonly RouteSpec[] = [
  { ...api, method: 'GET', path: '/health', handler: 'functions/api/health.ts', admin: false, maxBodyBytes: 0 },
  { ...api, method: 'GET', path: '/health/report', handler: 'functions/api/health-report.ts', admin: true, maxBodyBytes: 0 },
  { ...api, method: 'PUT', path: '/miners', handler: 'functions/api/miners-sync.ts', admin: true, maxBodyBytes: 256 * KiB },
  { ...api, method: 'GET', path: '/miners', handler: 'functions/api/miners-list.ts', admin: false, maxBodyBytes: 0 },
  { ...api, method: 'POST', path: '/soil/regions', handler: 'functions/api/soil-regions.ts', admin: true, maxBodyBytes: 1024 * KiB },
  { ...api, method: 'POST', path: '/soil/predictions', handler: 'functions/api/soil-predictions.ts', admin: false, miner: true, maxBodyBytes: 64 * KiB },
  { ...api, method: 'POST', path: '/geo/predictions', handler: 'functions/api/geo-predictions.ts', admin: false, miner: true, maxBodyBytes: 4 * KiB },
  { ...api, method: 'POST', path: '/ground-truth/geo', handler: 'functions/api/ground-truth-geo.ts', admin: true, maxBodyBytes: 64 * KiB },
  { ...api, method: 'POST', path: '/ground-truth/soil', handler: 'functions/api/ground-truth-soil.ts', admin: true, maxBodyBytes: 256 * KiB },
  { ...api, method: 'GET', path: '/scores', handler: 'functions/api/scores.ts', admin: false, maxBodyBytes: 0 },
  { ...api, method: 'GET', path: '/weights/latest', handler: 'functions/api/weights-latest.ts', admin: false, maxBodyBytes: 0 },
];

const job = { memoryMb: 1024, needsDatabase: true } as const;
const MINUTE = 60_000;

export const schedules: readonly ScheduleSpec[] = [
  { ...job, name: 'soil', handler: 'functions/jobs/soil.ts', cron: 'cron(15 */1 * * ? *)', localEveryMs: 10 * MINUTE, timeoutSeconds: 300 },
  { ...job, name: 'geo', handler: 'functions/jobs/geo.ts', cron: 'cron(5 * * * ? *)', localEveryMs: 5 * MINUTE, timeoutSeconds: 120 },
  { ...job, name: 'weights', handler: 'functions/jobs/scoring.ts', cron: 'cron(30 */1 * * ? *)', localEveryMs: 10 * MINUTE, timeoutSeconds: 120 },
  { ...job, name: 'cleanup', handler: 'functions/jobs/cleanup.ts', cron: 'cron(45 3 * * ? *)', localEveryMs: 60 * MINUTE, timeoutSeconds: 300 },
  { ...job, name: 'health', handler: 'functions/jobs/health.ts', cron: 'cron(*/5 * * * ? *)', localEveryMs: 1 * MINUTE, timeoutSeconds: 30, memoryMb: 256 },
];

/**
 * The migration function: invoked by `sst deploy` itself when drizzle/ changes (infra/migrations.ts), never by a
 * route or a schedule. Migrations may take longer than a request: its deadlines derive from 5 minutes.
 */
export const migrationFunction: FunctionSpec = { handler: 'functions/deploy/migrate.ts', memoryMb: 512, timeoutSeconds: 300, needsDatabase: true };

// ---------------------------------------------------------------------------------------------
// Helpers over the tables (pure; used by infra/, scripts/bundle.ts, dev/ and the tests).

export type AnyFunctionSpec = RouteSpec | ScheduleSpec | FunctionSpec;

/** Every function of the app: routes first, in table order, then the jobs, then the migration function. */
export const allFunctions: readonly AnyFunctionSpec[] = [...routes, ...schedules, migrationFunction];

/** `functions/api/miners-sync.ts` -> `functions/api/miners-sync.handler` (the Lambda handler string). */
export function lambdaHandlerOf(spec: Pick<FunctionSpec, 'handler'>): string {
  return `${spec.handler.replace(/\.[cm]?[jt]s$/, '')}.handler`;
}

/** `miners-sync` -> `MinersSync`. */
export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** `functions/api/miners-sync.ts` -> `MinersSync`: a stable PascalCase logical name. */
export function logicalNameOf(spec: Pick<FunctionSpec, 'handler'>): string {
  return pascalCase(spec.handler.split('/').pop()!.replace(/\.[cm]?[jt]s$/, ''));
}

/** `GET /miners`: the API Gateway v2 route key. */
export function routeKeyOf(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** The row of the schedule table with this name. */
export function scheduleOf(name: ScheduleSpec['name']): ScheduleSpec {
  const spec = schedules.find((s) => s.name === name);
  if (!spec) throw new Error(`no schedule "${name}" in lib/app/functions.ts`);
  return spec;
}

/** `job soil`: a job's name in logs and in the `function` dimension of its metrics. */
export function jobFunctionName(job: Pick<ScheduleSpec, 'name'>): string {
  return `job ${job.name}`;
}

/** A function's name in logs and metrics: the route key of a route, `job <name>` of a job, else its logical name. */
export function functionNameOf(spec: AnyFunctionSpec): string {
  if ('cron' in spec) return jobFunctionName(spec);
  if ('method' in spec) return routeKeyOf(spec);
  return logicalNameOf(spec);
}

// ---------------------------------------------------------------------------------------------
// Database deadlines: derived once from the function timeout, so every database deadline fits
// inside the invocation. Invariants (checked by test/infra/tables.test.ts):
//   connect <= acquire <= session
//   lock <= statement <= transaction <= session,  idle-in-transaction <= transaction
//   session + margin == timeout (margin >= 1 s: rollback, release, logs, response)

/** The policy, as data: each deadline is a fraction of the session budget, capped. */
export const DEADLINE_POLICY = {
  /** Reserved at the end of the invocation: 10% of the timeout, between 1 s and 5 s. */
  margin: { fraction: 0.1, minMs: 1_000, maxMs: 5_000 },
  /** Opening one connection (TCP, TLS, startup; a Neon compute may be waking up). */
  connect: { fraction: 0.3, maxMs: 5_000 },
  /** Pool queue wait on top of connect. */
  acquireExtra: { fraction: 0.1, maxMs: 5_000 },
  /** One statement (server statement_timeout). */
  statement: { fraction: 0.5, maxMs: 60_000 },
  /** One lock wait, as a fraction of the statement deadline. */
  lockOfStatement: { fraction: 0.25, maxMs: 5_000 },
  /** The whole transaction callback. */
  transaction: { fraction: 0.8, maxMs: 120_000 },
  /** Server ends a session idle inside a transaction (a frozen Lambda), fraction of transaction. */
  idleOfTransaction: { fraction: 0.25, maxMs: 10_000 },
} as const;

/** Lambda accepts 1..900 s; below 2 s no database deadline can fit with its margin. */
export const MIN_DATABASE_TIMEOUT_SECONDS = 2;
export const MAX_LAMBDA_TIMEOUT_SECONDS = 900;

export type DatabaseDeadlines = {
  readonly connectMs: number;
  readonly acquireMs: number;
  readonly lockMs: number;
  readonly statementMs: number;
  readonly idleInTransactionMs: number;
  readonly transactionMs: number;
  readonly sessionMs: number;
  /** Function timeout minus session: time left to clean up and answer. */
  readonly marginMs: number;
};

/** The database deadlines (milliseconds) of a function with this timeout. */
export function databaseDeadlinesFor(spec: Pick<FunctionSpec, 'timeoutSeconds'>): DatabaseDeadlines {
  const t = spec.timeoutSeconds;
  if (!Number.isInteger(t) || t < MIN_DATABASE_TIMEOUT_SECONDS || t > MAX_LAMBDA_TIMEOUT_SECONDS) {
    throw new RangeError(
      `timeoutSeconds must be an integer between ${MIN_DATABASE_TIMEOUT_SECONDS} and ${MAX_LAMBDA_TIMEOUT_SECONDS}; got ${t}`,
    );
  }
  const p = DEADLINE_POLICY;
  const timeoutMs = t * 1000;
  const part = (base: number, rule: { fraction: number; maxMs: number }) =>
    Math.max(1, Math.min(rule.maxMs, Math.floor(base * rule.fraction)));

  const marginMs = Math.min(p.margin.maxMs, Math.max(p.margin.minMs, Math.round(timeoutMs * p.margin.fraction)));
  const sessionMs = timeoutMs - marginMs;
  const connectMs = part(sessionMs, p.connect);
  const acquireMs = connectMs + part(sessionMs, p.acquireExtra);
  const statementMs = part(sessionMs, p.statement);
  const lockMs = part(statementMs, p.lockOfStatement);
  const transactionMs = Math.max(statementMs, part(sessionMs, p.transaction));
  const idleInTransactionMs = part(transactionMs, p.idleOfTransaction);
  return { connectMs, acquireMs, lockMs, statementMs, idleInTransactionMs, transactionMs, sessionMs, marginMs };
}

/** The environment variable of each deadline, as lib/db/config.ts reads them. */
export const DATABASE_DEADLINE_ENV = {
  connectMs: 'DB_CONNECT_TIMEOUT_MS',
  acquireMs: 'DB_ACQUIRE_TIMEOUT_MS',
  lockMs: 'DB_LOCK_TIMEOUT_MS',
  statementMs: 'DB_STATEMENT_TIMEOUT_MS',
  idleInTransactionMs: 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS',
  transactionMs: 'DB_TRANSACTION_TIMEOUT_MS',
  sessionMs: 'DB_SESSION_TIMEOUT_MS',
} as const satisfies Partial<Record<keyof DatabaseDeadlines, string>>;

export type DatabaseDeadlineEnv = Record<(typeof DATABASE_DEADLINE_ENV)[keyof typeof DATABASE_DEADLINE_ENV], string>;

/** The DB_*_TIMEOUT_MS environment of a function, derived from its timeout (the one place). */
export function databaseEnvFor(spec: Pick<FunctionSpec, 'timeoutSeconds'>): DatabaseDeadlineEnv {
  const d = databaseDeadlinesFor(spec);
  const env = {} as DatabaseDeadlineEnv;
  for (const key of Object.keys(DATABASE_DEADLINE_ENV) as (keyof typeof DATABASE_DEADLINE_ENV)[]) {
    env[DATABASE_DEADLINE_ENV[key]] = String(d[key]);
  }
  return env;
}

/** Per-route environment: the body limit the handler enforces (API Gateway v2 only caps at 10 MB). */
export function routeEnvFor(route: Pick<RouteSpec, 'maxBodyBytes'>): { MAX_BODY_BYTES: string } {
  return { MAX_BODY_BYTES: String(route.maxBodyBytes) };
}

// ---------------------------------------------------------------------------------------------
// API limits and deployment targets (plain data; infra/ turns them into resources).

/** API Gateway v2 stage throttling (default route settings), requests per second. */
export const apiThrottle = { rateLimit: 50, burstLimit: 100 } as const;
/** API Gateway v2 gives up on an integration after 30 s, whatever the Lambda timeout. */
export const API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS = 30;

export const DATABASE_TARGETS = ['neon', 'aurora-proxy', 'aurora-data-api'] as const;
export type DatabaseTarget = (typeof DATABASE_TARGETS)[number];

/**
 * Which database a stage deploys against. Precedence: `DB_TARGET` in the deploy environment >
 * this stage map > `defaultDatabaseTarget`.
 */
export const databaseTargetByStage: Readonly<Record<string, DatabaseTarget>> = {
  production: 'aurora-proxy',
};
export const defaultDatabaseTarget: DatabaseTarget = 'neon';

/** Resolves the database target of a stage; throws naming DB_TARGET on an unknown value. */
export function databaseTargetFor(stage: string, override?: string): DatabaseTarget {
  const chosen = override?.trim() || databaseTargetByStage[stage] || defaultDatabaseTarget;
  if (!(DATABASE_TARGETS as readonly string[]).includes(chosen)) {
    throw new Error(`DB_TARGET must be one of ${DATABASE_TARGETS.join(', ')}; got "${chosen}"`);
  }
  return chosen as DatabaseTarget;
}

/** Drivers a Neon stage may use (`DB_NEON_DRIVER` at deploy time; default pg over TCP). */
export const NEON_DRIVERS = ['pg', 'neon-ws'] as const;
export type NeonDriver = (typeof NEON_DRIVERS)[number];

export function neonDriverFor(override?: string): NeonDriver {
  const chosen = override?.trim() || 'pg';
  if (!(NEON_DRIVERS as readonly string[]).includes(chosen)) {
    throw new Error(`DB_NEON_DRIVER must be one of ${NEON_DRIVERS.join(', ')}; got "${chosen}"`);
  }
  return chosen as NeonDriver;
}

/** Neon's pooled endpoints (`ep-x-pooler.region.aws.neon.tech`) run PgBouncer in transaction mode. */
export function neonProxyProfileFor(url: string): 'pgbouncer' | 'direct' {
  // No URL class here: this file is also typechecked for infra/ without DOM or Node types.
  const host = /^postgres(?:ql)?:\/\/(?:[^@/?#]*@)?([^:/?#]+)/i.exec(url.trim())?.[1] ?? '';
  return /-pooler\./i.test(host) ? 'pgbouncer' : 'direct';
}

// ---------------------------------------------------------------------------------------------
// Bundles: each function carries the one database driver its target uses.

/** The npm packages each lib/db driver loads (with import(), at its first connect). */
export const DRIVER_PACKAGES = {
  pg: ['pg'],
  'neon-ws': ['@neondatabase/serverless', 'ws'],
  'neon-http': ['@neondatabase/serverless'],
  'data-api': ['@aws-sdk/client-rds-data'],
  pglite: ['@electric-sql/pglite'],
} as const satisfies Record<string, readonly string[]>;

/** The drivers a deployed function may use (PGlite is the local/test driver). */
export type DeployedDriver = NeonDriver | 'data-api';

/** The driver (DB_DRIVER) of a target; `neonDriver` is DB_NEON_DRIVER, read only for Neon. */
export function driverOfTarget(target: DatabaseTarget, neonDriver?: string): DeployedDriver {
  if (target === 'aurora-data-api') return 'data-api';
  if (target === 'aurora-proxy') return 'pg';
  return neonDriverFor(neonDriver);
}

/** The package of RDS IAM authentication (lib/db's pg driver with DB_IAM_AUTH, loaded at its first connect). */
export const IAM_AUTH_PACKAGES = ['@aws-sdk/rds-signer'] as const;

/** Targets whose functions sign RDS IAM tokens instead of holding a database password (RDS Proxy). */
export function iamAuthOfTarget(target: DatabaseTarget): boolean {
  return target === 'aurora-proxy';
}

/** The packages a function's bundle carries: its driver's, and the IAM signer when it authenticates by IAM. */
export function bundledPackages(driver: DeployedDriver | undefined, iamAuth = false): string[] {
  if (!driver) return [];
  return [...DRIVER_PACKAGES[driver], ...(iamAuth ? IAM_AUTH_PACKAGES : [])];
}

/**
 * Packages left out of a Lambda bundle (SST `nodejs.esbuild.external`, also scripts/bundle.ts): every driver
 * package (and the IAM signer) but those the function uses (bundledPackages; none when it uses no database). An
 * external that is never loaded costs nothing: lib/db imports a driver and its package only at the first connect.
 * PGlite is always external (a bundled copy would not work in Lambda anyway: its .wasm/.data files are not bundled).
 */
export function lambdaBundleExternal(driver: DeployedDriver | undefined, iamAuth = false): string[] {
  const used = new Set(bundledPackages(driver, iamAuth));
  return [...new Set([...Object.values(DRIVER_PACKAGES).flat(), ...IAM_AUTH_PACKAGES])].filter((p) => !used.has(p));
}
