// `tsx scripts/sst-eval.ts <neon|aurora-proxy|aurora-data-api> [--dev]` (run by scripts/sst-check.sh):
// runs sst.config.ts's run() offline, the way `sst deploy` (or, with --dev, `sst dev`) evaluates it, but under
// Pulumi mocks and a stub of the SST CLI's RPC server: no AWS, no Pulumi engine, no bundling of the handlers.
// Then checks the resources it registered against the deployment tables: one function per row
// (nodejs22.x, arm64, memory, timeout, DB_* env from databaseEnvFor), every route key, every
// schedule with its failed-runs queue, the migration run on deploy, the alarms, no database password in any
// function's environment, and the database wiring of the target. Exits 1 on any mismatch.
//
// Needs .sst/platform (written by `sst install`). Mirrors what the CLI does before running a
// program: bundle sst.config.ts with esbuild, inject src/shim/run.js ($interpolate, $util, ...),
// define $app/$cli/$dev, and expose the `sst` and `aws` globals.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import {
  DATABASE_TARGETS,
  allFunctions,
  databaseEnvFor,
  driverOfTarget,
  iamAuthOfTarget,
  jobFunctionName,
  lambdaBundleExternal,
  lambdaHandlerOf,
  migrationFunction,
  routeEnvFor,
  routeKeyOf,
  routes,
  schedules,
  type DatabaseTarget,
} from '../lib/app/functions';
import { ALARM_THRESHOLDS, HEALTH_METRICS, INVOCATION_METRICS, METRICS_NAMESPACE, TIMEOUT_METRICS, cronPeriodSeconds, serviceNameFor } from '../lib/app/metrics';
import { migrationsHash } from '../lib/app/migrations-hash';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const platform = path.join(root, '.sst', 'platform');
const APP = 'gaia-validator';
const STAGE = process.env.SST_STAGE ?? 'ci';

type Registered = { type: string; name: string; inputs: Record<string, any> };
type BuildCall = { functionID: string; handler: string; properties: Record<string, any>; links: Record<string, unknown>; copyFiles?: unknown };

const target = process.argv[2] as DatabaseTarget | undefined;
/** Evaluate as `sst dev` does ($dev): the local database, no schedules firing, no alarms, no migration run. */
const dev = process.argv.includes('--dev');
if (!target || !(DATABASE_TARGETS as readonly string[]).includes(target)) {
  console.error(`usage: tsx scripts/sst-eval.ts <${DATABASE_TARGETS.join('|')}> [--dev]`);
  process.exit(2);
}
const mode = `${target}${dev ? ' (sst dev)' : ''}`;
if (!existsSync(path.join(platform, 'config.d.ts'))) {
  console.error('sst-eval: .sst/platform is missing; run `npx sst install` first (scripts/sst-check.sh does)');
  process.exit(2);
}

// The program reads these at load time: the target, and secret values (`sst secret set`).
process.env.DB_TARGET = target;
process.env.SST_SECRET_AdminToken = 'eval-admin-token';
process.env.SST_SECRET_ValidatorHotkey = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const NEON_PASSWORD = 'neon-eval-password';
process.env.SST_SECRET_DatabaseUrl = `postgresql://u:${NEON_PASSWORD}@ep-eval-1-pooler.us-east-2.aws.neon.tech/db?sslmode=require`;
process.env.SST_AWS_REGION = 'us-east-1';
// `sst dev` without the stage's secret: the documented fallback (DEV_DATABASE_URL, default local PostgreSQL).
if (dev) delete process.env.SST_SECRET_DatabaseUrl;
const AURORA_PASSWORD = 'evalpassword';

// 1. A stub of the CLI's RPC server: Runtime.Build answers with an empty bundle folder.
const outDir = mkdtempSync(path.join(tmpdir(), 'sst-eval-'));
writeFileSync(path.join(outDir, 'index.mjs'), 'export const handler = () => {};\n');
const builds: BuildCall[] = [];
const rpc = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const { method, params } = JSON.parse(body) as { method: string; params: any[] };
    let result: unknown = {};
    // `sst dev` registers each function with the local runtime (AddTarget) instead of building it.
    if (method === 'Runtime.AddTarget') builds.push(params[0]);
    if (method === 'Runtime.Build') {
      builds.push(params[0]);
      result = { handler: params[0].handler, out: outDir, errors: [], sourcemaps: [] };
    } else if (method === 'Provider.Aws.Bootstrap') {
      result = { asset: 'eval-asset-bucket', assetEcrRegistryId: '0', assetEcrUrl: 'eval', state: 'eval-state', appsyncHttp: 'eval', appsyncRealtime: 'eval' };
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ result, error: null }));
  });
});
await new Promise<void>((resolve) => rpc.listen(0, '127.0.0.1', resolve));
process.env.SST_SERVER = `http://127.0.0.1:${(rpc.address() as AddressInfo).port}`;

// 2. Bundle the program as the CLI does, next to the platform's node_modules.
const entry = path.join(platform, 'eval-entry.ts');
const bundled = path.join(platform, `eval-${target}.mjs`);
writeFileSync(
  entry,
  [
    `import * as sst from ${JSON.stringify(path.join(platform, 'src/components/index.ts'))};`,
    `import * as aws from '@pulumi/aws';`,
    `Object.assign(globalThis, { sst, aws });`,
    `export { default } from ${JSON.stringify(path.join(root, 'sst.config.ts'))};`,
  ].join('\n'),
);
await build({
  entryPoints: [entry],
  outfile: bundled,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'esnext',
  external: ['@pulumi/*', '@pulumiverse/*', '@aws-sdk/*', 'esbuild', 'archiver', 'glob', 'undici', 'unenv', 'prettier', 'typescript', 'lightningcss'],
  inject: [path.join(platform, 'src/shim/run.js')],
  define: {
    $app: JSON.stringify({ name: APP, stage: STAGE, removal: STAGE === 'production' ? 'retain' : 'remove', providers: { aws: { version: '7.20.0' } }, protect: false }),
    $cli: JSON.stringify({ command: dev ? 'dev' : 'deploy', rpc: process.env.SST_SERVER, paths: { home: homedir(), root, work: path.join(root, '.sst'), platform }, state: { version: {} } }),
    $dev: String(dev),
  },
  banner: { js: `import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);` },
  logLevel: 'error',
});

// 3. Pulumi mocks: record every resource; answer the data sources the components call.
// @pulumi/pulumi lives in .sst/platform only, so its types are not visible here: the part we use.
type MockResourceArgs = { type: string; name: string; inputs: Record<string, any> };
type MockCallArgs = { token: string; inputs: Record<string, any> };
type PulumiMocks = {
  runtime: {
    setMocks(
      mocks: { newResource(args: MockResourceArgs): { id: string; state: Record<string, unknown> }; call(args: MockCallArgs): Record<string, unknown> },
      project: string,
      stack: string,
      preview: boolean,
    ): void;
  };
};
const pulumi = (await import(pathToFileURL(path.join(platform, 'node_modules/@pulumi/pulumi/index.js')).href)) as PulumiMocks;
const resources: Registered[] = [];
// A mock sees a secret input as Pulumi's wrapper { <signature key>: <secret signature>, value } (env derived from a
// secret, and everything computed from such a resource): the checks read the values inside.
const SECRET_SIG = ['4dabf18193072939515e22adb298388d', '1b47061264138c4ac30d75fd1eb44270'] as const;
function reveal(v: unknown): any {
  if (Array.isArray(v)) return v.map(reveal);
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  if (o[SECRET_SIG[0]] === SECRET_SIG[1]) return reveal(o.value);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, reveal(x)]));
}
pulumi.runtime.setMocks(
  {
    newResource(args: MockResourceArgs) {
      resources.push({ type: args.type, name: args.name, inputs: reveal(args.inputs) });
      const id = `${args.name}-id`;
      return {
        id,
        state: {
          ...args.inputs,
          id,
          arn: `arn:aws:eval:us-east-1:123456789012:${args.name}`,
          name: args.inputs.name ?? `${args.name}-name`,
          endpoint: `${args.name.toLowerCase()}.eval.rds.amazonaws.com`,
          readerEndpoint: `${args.name.toLowerCase()}-ro.eval.rds.amazonaws.com`,
          port: 5432,
          executionArn: `arn:aws:execute-api:us-east-1:123456789012:${id}`,
          apiEndpoint: `https://${id}.execute-api.us-east-1.amazonaws.com`,
          masterUsername: args.inputs.masterUsername ?? 'postgres',
          result: AURORA_PASSWORD,
          clusterIdentifier: `${args.name}-cluster`,
          cidrBlock: '10.0.0.0/16',
        },
      };
    },
    call(args: MockCallArgs) {
      const token = args.token;
      if (token.includes('getRegion')) return { id: 'us-east-1', name: 'us-east-1', region: 'us-east-1' };
      if (token.includes('getPartition')) return { id: 'aws', partition: 'aws', dnsSuffix: 'amazonaws.com' };
      if (token.includes('getCallerIdentity')) return { id: '123456789012', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root', userId: 'eval' };
      if (token.includes('getAvailabilityZones')) return { id: 'us-east-1', names: ['us-east-1a', 'us-east-1b', 'us-east-1c'], zoneIds: ['use1-az1', 'use1-az2', 'use1-az3'] };
      // The statements as given, so the checks below can read the permissions a function's role gets.
      if (token.includes('getPolicyDocument')) return { id: 'doc', statements: args.inputs.statements, json: JSON.stringify({ Version: '2012-10-17', Statement: args.inputs.statements ?? [] }) };
      if (token.includes('getProxy')) return { id: args.inputs.name, name: args.inputs.name, arn: `arn:aws:rds:us-east-1:123456789012:db-proxy:prx-0eval${String(args.inputs.name).length}` };
      return { id: 'eval', ...args.inputs };
    },
  },
  APP,
  STAGE,
  false,
);

// 4. Run the program, then wait until registrations settle (some happen inside apply callbacks).
const failures: string[] = [];
process.on('unhandledRejection', (err) => failures.push(`unhandled rejection: ${String((err as Error)?.stack ?? err)}`));
const config = (await import(pathToFileURL(bundled).href)).default as { run(): Promise<Record<string, unknown>> };
let outputs: Record<string, unknown> = {};
try {
  outputs = (await config.run()) ?? {};
} catch (err) {
  failures.push(`run() threw: ${String((err as Error)?.stack ?? err)}`);
}
// Settled = no new registration for 2 s (Aurora's outputs resolve through several apply chains).
for (let last = -1, quiet = 0, i = 0; quiet < 8 && i < 240; i++) {
  quiet = resources.length === last ? quiet + 1 : 0;
  last = resources.length;
  await new Promise((r) => setTimeout(r, 250));
}
rpc.close();
rmSync(outDir, { recursive: true, force: true });
rmSync(entry, { force: true });
rmSync(bundled, { force: true });

// 5. Check what was registered against the tables.
const of = (type: string) => resources.filter((r) => r.type === type);
const expect = (ok: boolean, what: string) => ok || failures.push(what);
const lambdas = of('aws:lambda/function:Function');
const byHandler = new Map(builds.map((b) => [b.handler, b]));
const local = dev && target !== 'neon';
const driver = local ? 'pg' : driverOfTarget(target, process.env.DB_NEON_DRIVER);
const iamAuth = !local && iamAuthOfTarget(target);
const service = serviceNameFor(STAGE);
const queueArn = of('aws:sqs/queue:Queue').map((q) => `arn:aws:eval:us-east-1:123456789012:${q.name}`);
/** The IAM statements of every role (inline policies), by role name. */
const statementsOf = (roleName: string): { actions?: string[]; resources?: string[] }[] =>
  (of('aws:iam/role:Role').find((r) => r.name === roleName)?.inputs.inlinePolicies ?? []).flatMap((p: { policy?: string }) => {
    try {
      return (JSON.parse(p.policy ?? '{}') as { Statement?: [] }).Statement ?? [];
    } catch {
      return [];
    }
  });
const grants = (roleName: string, action: string, resource: RegExp) =>
  statementsOf(roleName).some((st) => (st.actions ?? []).includes(action) && (st.resources ?? []).some((r) => resource.test(r)));

expect(lambdas.length === allFunctions.length, `expected ${allFunctions.length} Lambda functions, got ${lambdas.length}`);
for (const spec of allFunctions) {
  const handler = lambdaHandlerOf(spec);
  const buildCall = byHandler.get(handler);
  if (!buildCall) {
    failures.push(`${handler}: no function built`);
    continue;
  }
  const fn = lambdas.find((l) => l.name === `${buildCall.functionID}Function`);
  if (!fn) {
    failures.push(`${handler}: no aws:lambda Function for ${buildCall.functionID}`);
    continue;
  }
  const env: Record<string, string> = fn.inputs.environment?.variables ?? {};
  const role = `${buildCall.functionID}Role`;
  // In `sst dev` the deployed function is SST's bridge to the laptop (its own runtime and architecture).
  if (!dev) expect(fn.inputs.runtime === 'nodejs22.x', `${handler}: runtime ${fn.inputs.runtime}`);
  if (!dev) expect(JSON.stringify(fn.inputs.architectures) === '["arm64"]', `${handler}: architectures ${JSON.stringify(fn.inputs.architectures)}`);
  expect(fn.inputs.memorySize === spec.memoryMb, `${handler}: memory ${fn.inputs.memorySize} != ${spec.memoryMb}`);
  expect(fn.inputs.timeout === spec.timeoutSeconds, `${handler}: timeout ${fn.inputs.timeout} != ${spec.timeoutSeconds}`);
  // Each function's bundle leaves out every driver package but its target's driver's (and the IAM signer unless used).
  const external = lambdaBundleExternal(spec.needsDatabase ? driver : undefined, spec.needsDatabase && iamAuth);
  expect(JSON.stringify(buildCall.properties?.esbuild?.external) === JSON.stringify(external), `${handler}: esbuild.external ${JSON.stringify(buildCall.properties?.esbuild?.external)}`);
  for (const [k, v] of Object.entries(databaseEnvFor(spec))) expect(env[k] === v, `${handler}: ${k}=${env[k]} != ${v}`);
  expect(env.POWERTOOLS_SERVICE_NAME === service, `${handler}: POWERTOOLS_SERVICE_NAME=${env.POWERTOOLS_SERVICE_NAME}`);
  expect(env.POWERTOOLS_METRICS_NAMESPACE === METRICS_NAMESPACE, `${handler}: POWERTOOLS_METRICS_NAMESPACE=${env.POWERTOOLS_METRICS_NAMESPACE}`);
  expect(env.DB_TARGET === target, `${handler}: DB_TARGET=${env.DB_TARGET}`);
  // No database password in any environment variable, whatever the target.
  const envText = JSON.stringify(env);
  expect(!envText.includes(NEON_PASSWORD) && !envText.includes(AURORA_PASSWORD), `${handler}: a database password is in its environment`);
  expect(!('Database' in buildCall.links), `${handler}: the Aurora component is linked (its link carries the master password)`);
  const route = routes.find((r) => r.handler === spec.handler);
  if (route) {
    expect(env.MAX_BODY_BYTES === routeEnvFor(route).MAX_BODY_BYTES, `${handler}: MAX_BODY_BYTES=${env.MAX_BODY_BYTES}`);
    expect('AdminToken' in buildCall.links === route.admin, `${handler}: AdminToken linked=${'AdminToken' in buildCall.links}, admin=${route.admin}`);
    expect('ValidatorHotkey' in buildCall.links === (route.miner === true), `${handler}: ValidatorHotkey linked=${'ValidatorHotkey' in buildCall.links}, miner=${route.miner === true}`);
  }
  const inVpc = Boolean(fn.inputs.vpcConfig?.subnetIds?.length);
  if (target === 'neon' || local) {
    expect(env.DB_DRIVER === driver && !('DATABASE_URL' in env), `${handler}: ${mode} driver ${env.DB_DRIVER}, DATABASE_URL ${'DATABASE_URL' in env ? 'set' : 'unset'}`);
    expect(env.DB_PROXY_PROFILE === (local ? 'direct' : dev ? 'direct' : 'pgbouncer'), `${handler}: ${mode} profile ${env.DB_PROXY_PROFILE}`);
    const linked = buildCall.links.DatabaseUrl as { value?: string } | undefined;
    const expected = dev ? /^postgresql:\/\/postgres:postgres@localhost:5432\/gaia_validator$/ : new RegExp(`:${NEON_PASSWORD}@ep-eval-1-pooler`);
    expect(expected.test(linked?.value ?? ''), `${handler}: ${mode}: the DatabaseUrl link is ${linked?.value === undefined ? 'missing' : 'not the expected URL'}`);
    expect(!inVpc, `${handler}: ${mode} runs in a VPC`);
  } else if (target === 'aurora-proxy') {
    expect(env.DB_DRIVER === 'pg' && env.DB_PROXY_PROFILE === 'rds-proxy' && env.DB_IAM_AUTH === 'true', `${handler}: proxy driver/profile/IAM ${env.DB_DRIVER}/${env.DB_PROXY_PROFILE}/${env.DB_IAM_AUTH}`);
    expect(/^postgresql:\/\/postgres@databaseproxy\.eval\.rds\.amazonaws\.com:5432\/gaia_validator\?sslmode=verify-full$/.test(env.DATABASE_URL ?? ''), `${handler}: DATABASE_URL is not the proxy URL without password: ${env.DATABASE_URL}`);
    expect(grants(role, 'rds-db:connect', /^arn:aws:rds-db:us-east-1:123456789012:dbuser:prx-0eval\d+\/postgres$/), `${handler}: no rds-db:connect on the proxy for postgres`);
    expect(inVpc, `${handler}: aurora-proxy function outside the VPC`);
  } else {
    expect(env.DB_DRIVER === 'data-api', `${handler}: DB_DRIVER=${env.DB_DRIVER}`);
    expect(!('DATABASE_URL' in env), `${handler}: DATABASE_URL set for the Data API`);
    for (const k of ['DB_DATA_API_RESOURCE_ARN', 'DB_DATA_API_SECRET_ARN', 'DB_DATA_API_DATABASE']) expect(Boolean(env[k]), `${handler}: ${k} missing`);
    expect(grants(role, 'rds-data:ExecuteStatement', /DatabaseCluster$/) && grants(role, 'secretsmanager:GetSecretValue', /DatabaseProxySecret$/), `${handler}: Data API permissions missing`);
    expect(!inVpc, `${handler}: aurora-data-api function in the VPC`);
  }
}

const routeKeys = of('aws:apigatewayv2/route:Route').map((r) => r.inputs.routeKey as string).sort();
expect(JSON.stringify(routeKeys) === JSON.stringify(routes.map(routeKeyOf).sort()), `route keys ${JSON.stringify(routeKeys)}`);
const stageSettings = of('aws:apigatewayv2/stage:Stage')[0]?.inputs.defaultRouteSettings;
expect(Boolean(stageSettings?.throttlingRateLimit && stageSettings?.throttlingBurstLimit), `stage throttling ${JSON.stringify(stageSettings)}`);

// Schedules: enabled unless `sst dev`; a failed run is not retried and lands in the failed-runs queue, both when the
// scheduler cannot invoke (dead-letter config) and when the function fails (its on-failure destination).
const scheduled = of('aws:scheduler/schedule:Schedule');
const scheduleExpressions = scheduled.map((r) => r.inputs.scheduleExpression as string).sort();
expect(JSON.stringify(scheduleExpressions) === JSON.stringify(schedules.map((s) => s.cron).sort()), `schedules ${JSON.stringify(scheduleExpressions)}`);
expect(queueArn.length === 1, `expected one failed-runs queue, got ${queueArn.length}`);
for (const sch of scheduled) {
  expect(sch.inputs.state === (dev ? 'DISABLED' : 'ENABLED'), `schedule ${sch.name}: state ${sch.inputs.state}`);
  expect(sch.inputs.target?.retryPolicy?.maximumRetryAttempts === 0 && sch.inputs.target?.deadLetterConfig?.arn === queueArn[0], `schedule ${sch.name}: retries/dead-letter ${JSON.stringify(sch.inputs.target)}`);
}
const invokeConfigs = of('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig');
expect(invokeConfigs.length === schedules.length, `expected ${schedules.length} async invoke configs, got ${invokeConfigs.length}`);
for (const c of invokeConfigs) {
  expect(c.inputs.maximumRetryAttempts === 0 && c.inputs.destinationConfig?.onFailure?.destination === queueArn[0], `${c.name}: ${JSON.stringify(c.inputs)}`);
}

// Migrations: run by the deploy itself, keyed on the hash of drizzle/ (never in `sst dev`).
const invocations = of('aws:lambda/invocation:Invocation');
const hash = migrationsHash(path.join(root, 'drizzle'));
const migrateBuild = byHandler.get(lambdaHandlerOf(migrationFunction));
expect(JSON.stringify(migrateBuild?.copyFiles ?? migrateBuild?.properties?.copyFiles ?? []).includes('drizzle'), 'migration function: drizzle/ not copied next to the bundle');
if (dev) expect(invocations.length === 0, '`sst dev` invokes the migrations');
else {
  const inv = invocations[0];
  expect(invocations.length === 1 && inv!.inputs.triggers?.migrationsHash === hash && JSON.parse(inv!.inputs.input).migrationsHash === hash, `migration invocation ${JSON.stringify(inv?.inputs)}`);
  const migrateFn = lambdas.find((l) => l.name === `${migrateBuild?.functionID}Function`);
  expect(Boolean(migrateFn) && inv?.inputs.functionName === (migrateFn!.inputs.name ?? `${migrateFn!.name}-name`), `migration invocation calls ${inv?.inputs.functionName}`);
}

// Alarms (none in `sst dev`).
const alarms = of('aws:cloudwatch/metricAlarm:MetricAlarm');
const alarmNamed = (name: string) => alarms.find((a) => a.name === name);
if (dev) expect(alarms.length === 0, `sst dev creates ${alarms.length} alarms`);
else {
  for (const [name, metric] of [['HealthFailingAlarm', HEALTH_METRICS.HealthStatus], ['IdleInTransactionAlarm', HEALTH_METRICS.IdleInTransaction], ['ConnectionsNearMaxAlarm', HEALTH_METRICS.ConnectionsUsedRatio], ['ConnectionLeaksAlarm', INVOCATION_METRICS.Leaks]] as const) {
    const a = alarmNamed(name);
    expect(a?.inputs.metricName === metric && a.inputs.namespace === METRICS_NAMESPACE && JSON.stringify(a.inputs.dimensions) === JSON.stringify({ service }), `${name}: ${JSON.stringify(a?.inputs)}`);
  }
  const lambdaAlarms = alarms.filter((a) => a.inputs.namespace === 'AWS/Lambda');
  expect(lambdaAlarms.length === allFunctions.length * 3, `expected ${allFunctions.length * 3} Lambda alarms, got ${lambdaAlarms.length}`);
  for (const fn of lambdas) {
    // The mock names a resource `<logical name>-name` unless given a name.
    const mine = lambdaAlarms.filter((a) => a.inputs.dimensions?.FunctionName === (fn.inputs.name ?? `${fn.name}-name`));
    expect(mine.length === 3, `${fn.name}: ${mine.length} Lambda alarms`);
    expect(JSON.stringify(mine.map((a) => a.inputs.metricName).sort()) === '["Duration","Errors","Throttles"]', `${fn.name}: Lambda alarms ${mine.map((a) => a.inputs.metricName)}`);
    const duration = mine.find((a) => a.inputs.metricName === 'Duration');
    expect(duration?.inputs.extendedStatistic === 'p99' && duration.inputs.threshold === Math.round(fn.inputs.timeout * 1000 * ALARM_THRESHOLDS.durationOfTimeout), `${fn.name}: duration alarm ${JSON.stringify(duration?.inputs)}`);
  }
  const api5xx = alarmNamed('Api5xxRateAlarm');
  expect(JSON.stringify(api5xx?.inputs.metricQueries ?? []).includes('"metricName":"5xx"') && api5xx?.inputs.threshold === ALARM_THRESHOLDS.api5xxPercent, `Api5xxRateAlarm: ${JSON.stringify(api5xx?.inputs)}`);
  const failedRunsAlarm = alarmNamed('FailedJobRunsAlarm');
  expect(failedRunsAlarm?.inputs.namespace === 'AWS/SQS' && failedRunsAlarm.inputs.metricName === 'ApproximateNumberOfMessagesVisible', `FailedJobRunsAlarm: ${JSON.stringify(failedRunsAlarm?.inputs)}`);
  for (const job of schedules) {
    const hb = alarms.find((a) => a.inputs.metricName === INVOCATION_METRICS.JobSucceeded && a.inputs.dimensions?.function === jobFunctionName(job));
    const period = cronPeriodSeconds(job.cron);
    expect(
      hb?.inputs.period === period && hb.inputs.evaluationPeriods === ALARM_THRESHOLDS.jobMissedPeriods && hb.inputs.treatMissingData === 'breaching' && hb.inputs.comparisonOperator === 'LessThanThreshold',
      `job ${job.name}: heartbeat alarm ${JSON.stringify(hb?.inputs)}`,
    );
    // CloudWatch: period x evaluation periods at most 7 days, at most 1 day when the period is under an hour.
    const window = period * ALARM_THRESHOLDS.jobMissedPeriods;
    expect(window <= 604_800 && (period >= 3_600 || window <= 86_400), `job ${job.name}: heartbeat window ${window} s is longer than CloudWatch allows`);
  }
  for (const a of alarms) expect(JSON.stringify(a.inputs.alarmActions ?? []).includes('Alarms'), `${a.name}: does not notify the Alarms topic`);
}
const dashboard = JSON.parse(of('aws:cloudwatch/dashboard:Dashboard')[0]?.inputs.dashboardBody ?? '{"widgets":[]}') as { widgets: unknown[] };
const dashboardText = JSON.stringify(dashboard);
for (const metric of [...Object.values(HEALTH_METRICS), ...Object.values(INVOCATION_METRICS), ...Object.values(TIMEOUT_METRICS)]) expect(dashboardText.includes(metric), `dashboard lacks ${metric}`);

const clusters = of('aws:rds/cluster:Cluster');
const proxies = of('aws:rds/proxy:Proxy');
if (target === 'neon') expect(clusters.length === 0 && of('aws:ec2/vpc:Vpc').length === 0, 'neon stage creates a cluster or a VPC');
else if (local) expect(clusters.length === 0 && proxies.length === 0, `${mode}: a cluster is deployed (the dev database is local)`);
else if (target === 'aurora-proxy') {
  expect(clusters.length === 1 && proxies.length === 1 && !clusters[0]!.inputs.enableHttpEndpoint, 'aurora-proxy: one cluster with one RDS Proxy');
  expect(JSON.stringify(proxies[0]?.inputs.auths) === JSON.stringify(proxies[0]?.inputs.auths?.map((a: object) => ({ ...a, iamAuth: 'REQUIRED' }))), `aurora-proxy: IAM auth not required on the proxy ${JSON.stringify(proxies[0]?.inputs.auths)}`);
} else expect(clusters.length === 1 && proxies.length === 0 && clusters[0]!.inputs.enableHttpEndpoint === true, 'aurora-data-api: one cluster with the Data API');
// The bastion only when asked for (DB_BASTION=true): an EC2 instance costs money.
expect(of('aws:ec2/instance:Instance').length === (process.env.DB_BASTION === 'true' && target !== 'neon' ? 1 : 0), `bastion instances: ${of('aws:ec2/instance:Instance').length}`);

const outputNames = Object.keys(outputs).sort().join(', ');
console.log(
  `sst-eval ${mode}: ${resources.length} resources, ${lambdas.length} functions, ${routeKeys.length} routes, ` +
    `${scheduleExpressions.length} schedules, ${alarms.length} alarms; outputs: ${outputNames}`,
);
if (failures.length > 0) {
  console.error(`sst-eval ${mode}: ${failures.length} problem(s)\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
process.exit(0);
