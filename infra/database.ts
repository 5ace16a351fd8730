// The database of a stage, and what every function that uses it needs: link, vpc, environment.
//
// Target, by precedence: DB_TARGET in the deploy environment > databaseTargetByStage > default
// (lib/app/functions.ts). `DB_TARGET=aurora-data-api npx sst deploy --stage x`.
//   neon             sst.Secret DatabaseUrl; driver pg (or DB_NEON_DRIVER=neon-ws); PgBouncer
//                    profile when the URL is a `-pooler` host. No VPC.
//   aurora-proxy     Aurora PostgreSQL Serverless v2 + RDS Proxy in a Vpc; driver pg through the
//                    proxy (profile rds-proxy); functions run in the Vpc.
//   aurora-data-api  Aurora PostgreSQL Serverless v2 with the Data API; driver data-api over
//                    HTTPS (IAM via the link); functions stay outside the Vpc.
import {
  databaseEnvFor,
  databaseTargetFor,
  driverOfTarget,
  lambdaBundleExternal,
  lambdaHandlerOf,
  neonProxyProfileFor,
  type AnyFunctionSpec,
  type DatabaseTarget,
  type DeployedDriver,
} from '../lib/app/functions';
import { METRICS_NAMESPACE, serviceNameFor } from '../lib/app/metrics';

type Env = Record<string, $util.Input<string>>;

export type DatabaseWiring = {
  readonly target: DatabaseTarget;
  /** Linked to every function that uses the database (grants IAM, exposes Resource.X). */
  readonly link: unknown[];
  /** Functions join this Vpc (only when the database is reachable only from inside it). */
  readonly vpc: sst.aws.Vpc | undefined;
  /** DB_DRIVER, DB_PROXY_PROFILE and DATABASE_URL or the DB_DATA_API_* variables. */
  readonly environment: Env;
};

export const target: DatabaseTarget = databaseTargetFor($app.stage, process.env.DB_TARGET);
/** DB_DRIVER of every function; its bundle carries this driver's packages only (lambdaBundleExternal). */
export const driver: DeployedDriver = driverOfTarget(target, process.env.DB_NEON_DRIVER);

const DATABASE_NAME = 'gaia_validator';
const production = $app.stage === 'production';
// A paused cluster takes ~15 s to resume: longer than an API function's connect deadline.
const scaling = production
  ? { min: '0.5 ACU' as const, max: '8 ACU' as const }
  : { min: '0 ACU' as const, max: '2 ACU' as const, pauseAfter: '30 minutes' as const };

function neon(): DatabaseWiring {
  const url = new sst.Secret('DatabaseUrl');
  return {
    target: 'neon',
    link: [url],
    vpc: undefined,
    environment: {
      DB_DRIVER: driver,
      DB_PROXY_PROFILE: url.value.apply(neonProxyProfileFor),
      DATABASE_URL: url.value,
    },
  };
}

function auroraProxy(): DatabaseWiring {
  const vpc = new sst.aws.Vpc('Vpc');
  const db = new sst.aws.Aurora('Database', {
    engine: 'postgres',
    database: DATABASE_NAME,
    proxy: true,
    scaling,
    vpc,
  });
  // RDS Proxy presents a publicly trusted (ACM) certificate: verify it.
  const url = $interpolate`postgresql://${db.username}:${db.password.apply(encodeURIComponent)}@${db.host}:${db.port}/${db.database}?sslmode=verify-full`;
  return {
    target: 'aurora-proxy',
    link: [db],
    vpc,
    environment: { DB_DRIVER: driver, DB_PROXY_PROFILE: 'rds-proxy', DATABASE_URL: $util.secret(url) },
  };
}

function auroraDataApi(): DatabaseWiring {
  const vpc = new sst.aws.Vpc('Vpc');
  const db = new sst.aws.Aurora('Database', {
    engine: 'postgres',
    database: DATABASE_NAME,
    dataApi: true,
    scaling,
    vpc,
  });
  return {
    target: 'aurora-data-api',
    link: [db],
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
  };
}

export const database: DatabaseWiring =
  target === 'neon' ? neon() : target === 'aurora-proxy' ? auroraProxy() : auroraDataApi();

/** Environment of every function: logging and metrics identity. */
const commonEnvironment: Env = {
  POWERTOOLS_SERVICE_NAME: serviceNameFor($app.stage),
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  DB_TARGET: target,
};

/**
 * The Lambda arguments of one function of the tables: nodejs22.x on arm64, memory and timeout
 * from the table, and, when it uses the database, the database wiring plus the DB_*_TIMEOUT_MS
 * deadlines derived from its timeout (databaseEnvFor).
 */
export function functionArgs(
  spec: AnyFunctionSpec,
  extra: { link?: unknown[]; environment?: Record<string, string> } = {},
): sst.aws.FunctionArgs {
  const db = spec.needsDatabase ? database : undefined;
  return {
    handler: lambdaHandlerOf(spec),
    runtime: 'nodejs22.x',
    architecture: 'arm64',
    memory: `${spec.memoryMb} MB`,
    timeout: `${spec.timeoutSeconds} seconds`,
    logging: { retention: '1 month' },
    // The other drivers' packages stay out of the bundle: a function carries only the driver it uses.
    nodejs: { esbuild: { external: lambdaBundleExternal(db ? driver : undefined) } },
    link: [...(db?.link ?? []), ...(extra.link ?? [])],
    ...(db?.vpc ? { vpc: db.vpc } : {}),
    environment: {
      ...commonEnvironment,
      ...(db ? { ...db.environment, ...databaseEnvFor(spec) } : {}),
      ...extra.environment,
    },
  };
}
