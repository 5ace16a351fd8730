// The database of a stage, and what every function that uses it needs: link, permissions, vpc, environment.
// No database password reaches a function as an environment variable: secrets travel as SST links (encrypted into
// the bundle), RDS Proxy takes IAM tokens the function signs itself, the Data API its IAM permissions.
//
// Target, by precedence: DB_TARGET in the deploy environment > databaseTargetByStage > default
// (lib/app/functions.ts). `DB_TARGET=aurora-data-api npx sst deploy --stage x`.
//   neon             sst.Secret DatabaseUrl, linked; driver pg (or DB_NEON_DRIVER=neon-ws); PgBouncer
//                    profile when the URL is a `-pooler` host. No VPC. In `sst dev`, a stage without the
//                    secret falls back to the local PostgreSQL (DEV_DATABASE_URL).
//   aurora-proxy     Aurora PostgreSQL Serverless v2 + RDS Proxy (IAM auth required) in a Vpc; driver pg through
//                    the proxy (profile rds-proxy, DB_IAM_AUTH); functions run in the Vpc.
//   aurora-data-api  Aurora PostgreSQL Serverless v2 with the Data API; driver data-api over HTTPS (IAM
//                    permissions on the cluster and its secret); functions stay outside the Vpc.
// In `sst dev` both Aurora targets use the `dev` database (the local PostgreSQL, DEV_DATABASE_URL): nothing of
// Aurora is deployed and the functions, running on the laptop, reach it with pg through a DatabaseUrl link.
// DB_BASTION=true adds a bastion to the Vpc for `sst tunnel` (docs/OPERATIONS.md).
import {
  databaseEnvFor,
  databaseTargetFor,
  driverOfTarget,
  iamAuthOfTarget,
  lambdaBundleExternal,
  lambdaHandlerOf,
  neonProxyProfileFor,
  type AnyFunctionSpec,
  type DatabaseTarget,
  type DeployedDriver,
} from '../lib/app/functions';
import { DEV_DATABASE_URL_ENV, devDatabaseFor } from '../lib/app/dev-database';
import { METRICS_NAMESPACE, serviceNameFor } from '../lib/app/metrics';

type Env = Record<string, $util.Input<string>>;
type Permission = { actions: string[]; resources: $util.Input<$util.Input<string>[]> };

export type DatabaseWiring = {
  readonly target: DatabaseTarget;
  /** Linked to every function that uses the database (exposes Resource.X, encrypted; grants what it includes). */
  readonly link: unknown[];
  /** IAM permissions of every function that uses the database. */
  readonly permissions: Permission[];
  /** Functions join this Vpc (only when the database is reachable only from inside it). */
  readonly vpc: sst.aws.Vpc | undefined;
  /** DB_DRIVER, DB_PROXY_PROFILE and what else the driver needs that is not a secret. */
  readonly environment: Env;
  /** What must exist before the deployment's migrations can run (the Aurora cluster). */
  readonly resource: $util.Resource | undefined;
};

export const target: DatabaseTarget = databaseTargetFor($app.stage, process.env.DB_TARGET);
/** Where the functions run against the local database (`sst dev` on an Aurora target). */
const local = $dev && target !== 'neon';
/** DB_DRIVER of every function; its bundle carries this driver's packages only (lambdaBundleExternal). */
export const driver: DeployedDriver = local ? 'pg' : driverOfTarget(target, process.env.DB_NEON_DRIVER);
/** The functions sign RDS IAM tokens (and bundle the signer). */
export const iamAuth = !local && iamAuthOfTarget(target);

const DATABASE_NAME = 'gaia_validator';
const production = $app.stage === 'production';
// A paused cluster takes ~15 s to resume: longer than an API function's connect deadline.
const scaling = production
  ? { min: '0.5 ACU' as const, max: '8 ACU' as const }
  : { min: '0 ACU' as const, max: '2 ACU' as const, pauseAfter: '30 minutes' as const };
const dev = devDatabaseFor(process.env[DEV_DATABASE_URL_ENV]);
const region = aws.getRegionOutput().region;
const account = aws.getCallerIdentityOutput().accountId;

function neon(): DatabaseWiring {
  // A personal stage in `sst dev` without its own Neon branch runs on the local database (documented fallback).
  const url = new sst.Secret('DatabaseUrl', $dev ? dev.url : undefined);
  return {
    target: 'neon',
    link: [url],
    permissions: [],
    vpc: undefined,
    environment: { DB_DRIVER: driver, DB_PROXY_PROFILE: url.value.apply(neonProxyProfileFor) },
    resource: undefined,
  };
}

/** A Vpc for Aurora; DB_BASTION=true adds the bastion `sst tunnel` needs (a t4g.nano EC2 instance). */
function vpc(): sst.aws.Vpc {
  return new sst.aws.Vpc('Vpc', { bastion: process.env.DB_BASTION === 'true' });
}

/** The Aurora cluster of an Aurora target; `dev` makes `sst dev` use the local database instead. */
function aurora(options: { proxy: boolean; dataApi: boolean }, network: sst.aws.Vpc): sst.aws.Aurora {
  return new sst.aws.Aurora('Database', {
    engine: 'postgres',
    database: DATABASE_NAME,
    proxy: options.proxy,
    dataApi: options.dataApi,
    scaling,
    vpc: network,
    dev: { host: dev.host, port: dev.port, username: dev.username, password: dev.password, database: dev.database },
    transform: {
      // Clients authenticate to the proxy with IAM tokens only: no password exists outside Secrets Manager.
      proxy: (args) => {
        args.auths = $util.output(args.auths).apply((auths) => (auths ?? []).map((a) => ({ ...a, iamAuth: 'REQUIRED' })));
      },
    },
  });
}

/** `sst dev` on an Aurora target: the local database, reached with pg through a link (never a deployed cluster). */
function localAurora(db: sst.aws.Aurora): DatabaseWiring {
  const url = new sst.Linkable('DatabaseUrl', {
    properties: { value: $interpolate`postgresql://${db.username}:${db.password.apply(encodeURIComponent)}@${db.host}:${db.port}/${db.database}` },
  });
  return { target, link: [url], permissions: [], vpc: undefined, environment: { DB_DRIVER: 'pg', DB_PROXY_PROFILE: 'direct' }, resource: undefined };
}

function auroraProxy(): DatabaseWiring {
  const network = vpc();
  const db = aurora({ proxy: true, dataApi: false }, network);
  if (local) return localAurora(db);
  // rds-db:connect on this proxy as this user. The proxy's resource id (prx-...) ends its ARN; the cluster's tag
  // names the proxy (SST's own reference).
  const proxyName = db.nodes.cluster!.tags.apply((tags) => tags?.['sst:ref:proxy'] ?? '');
  const proxyId = aws.rds.getProxyOutput({ name: proxyName }).arn.apply((arn) => arn.split(':').pop() ?? '');
  return {
    target: 'aurora-proxy',
    // Not linked: the Aurora link would carry the master password into the bundle.
    link: [],
    permissions: [{ actions: ['rds-db:connect'], resources: [$interpolate`arn:aws:rds-db:${region}:${account}:dbuser:${proxyId}/${db.username}`] }],
    vpc: network,
    environment: {
      DB_DRIVER: driver,
      DB_PROXY_PROFILE: 'rds-proxy',
      DB_IAM_AUTH: 'true',
      // No password in it: the IAM token is the password. RDS Proxy presents a publicly trusted certificate.
      DATABASE_URL: $interpolate`postgresql://${db.username}@${db.host}:${db.port}/${db.database}?sslmode=verify-full`,
    },
    resource: db,
  };
}

function auroraDataApi(): DatabaseWiring {
  const network = vpc();
  const db = aurora({ proxy: false, dataApi: true }, network);
  if (local) return localAurora(db);
  return {
    target: 'aurora-data-api',
    // Not linked (the link carries the password): the Data API reads the secret on the caller's permission.
    link: [],
    permissions: [
      {
        actions: ['rds-data:BatchExecuteStatement', 'rds-data:BeginTransaction', 'rds-data:CommitTransaction', 'rds-data:ExecuteStatement', 'rds-data:RollbackTransaction'],
        resources: [db.clusterArn],
      },
      { actions: ['secretsmanager:GetSecretValue'], resources: [db.secretArn] },
    ],
    vpc: undefined,
    environment: {
      DB_DRIVER: driver,
      // No session survives between Data API calls outside a transaction: like a transaction
      // pooler (no startup parameters, no named statements, SET LOCAL inside a transaction).
      DB_PROXY_PROFILE: 'pgbouncer',
      DB_DATA_API_RESOURCE_ARN: db.clusterArn,
      DB_DATA_API_SECRET_ARN: db.secretArn,
      DB_DATA_API_DATABASE: db.database,
    },
    resource: db,
  };
}

export const database: DatabaseWiring = target === 'neon' ? neon() : target === 'aurora-proxy' ? auroraProxy() : auroraDataApi();

/** Environment of every function: logging and metrics identity. */
const commonEnvironment: Env = {
  POWERTOOLS_SERVICE_NAME: serviceNameFor($app.stage),
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  DB_TARGET: target,
};

export type FunctionExtras = {
  link?: unknown[];
  environment?: Record<string, string>;
  permissions?: Permission[];
  /** Asynchronous invocations (the schedules) are not retried; a failed one is sent to this queue. */
  failuresTo?: $util.Input<string>;
};

/**
 * The Lambda arguments of one function of the tables: nodejs22.x on arm64, memory and timeout
 * from the table, and, when it uses the database, the database wiring plus the DB_*_TIMEOUT_MS
 * deadlines derived from its timeout (databaseEnvFor).
 */
export function functionArgs(spec: AnyFunctionSpec, extra: FunctionExtras = {}): sst.aws.FunctionArgs {
  const db = spec.needsDatabase ? database : undefined;
  const failures = extra.failuresTo;
  return {
    handler: lambdaHandlerOf(spec),
    runtime: 'nodejs22.x',
    architecture: 'arm64',
    memory: `${spec.memoryMb} MB`,
    timeout: `${spec.timeoutSeconds} seconds`,
    logging: { retention: '1 month' },
    // The other drivers' packages stay out of the bundle: a function carries only the driver it uses. The plugins
    // (relative to sst.config.ts) trim what init would compile for nothing (zod's locales).
    nodejs: { esbuild: { external: lambdaBundleExternal(db ? driver : undefined, db ? iamAuth : false) }, plugins: 'scripts/esbuild-plugins.mjs' },
    link: [...(db?.link ?? []), ...(extra.link ?? [])],
    permissions: [
      ...(db?.permissions ?? []),
      ...(extra.permissions ?? []),
      ...(failures ? [{ actions: ['sqs:SendMessage'], resources: [failures] }] : []),
    ],
    ...(db?.vpc ? { vpc: db.vpc } : {}),
    environment: {
      ...commonEnvironment,
      ...(db ? { ...db.environment, ...databaseEnvFor(spec) } : {}),
      ...extra.environment,
    },
    ...(failures
      ? { retries: 0, transform: { eventInvokeConfig: { destinationConfig: { onFailure: { destination: failures } } } } }
      : {}),
  };
}
