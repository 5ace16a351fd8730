// `tsx scripts/sst-eval.ts <neon|aurora-proxy|aurora-data-api>` (run by scripts/sst-check.sh):
// runs sst.config.ts's run() offline, the way `sst deploy` evaluates it, but under Pulumi mocks and
// a stub of the SST CLI's RPC server: no AWS, no Pulumi engine, no bundling of the handlers.
// Then checks the resources it registered against the deployment tables: one function per row
// (nodejs22.x, arm64, memory, timeout, DB_* env from databaseEnvFor), every route key, every
// schedule, the alarms, and the database wiring of the target. Exits 1 on any mismatch.
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
  lambdaBundleExternal,
  lambdaHandlerOf,
  routeEnvFor,
  routeKeyOf,
  routes,
  schedules,
  type DatabaseTarget,
} from '../lib/app/functions';
import { HEALTH_METRICS, METRICS_NAMESPACE, serviceNameFor } from '../lib/app/metrics';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const platform = path.join(root, '.sst', 'platform');
const APP = 'gaia-validator';
const STAGE = process.env.SST_STAGE ?? 'ci';

type Registered = { type: string; name: string; inputs: Record<string, any> };
type BuildCall = { functionID: string; handler: string; properties: Record<string, any>; links: Record<string, unknown> };

const target = process.argv[2] as DatabaseTarget | undefined;
if (!target || !(DATABASE_TARGETS as readonly string[]).includes(target)) {
  console.error(`usage: tsx scripts/sst-eval.ts <${DATABASE_TARGETS.join('|')}>`);
  process.exit(2);
}
if (!existsSync(path.join(platform, 'config.d.ts'))) {
  console.error('sst-eval: .sst/platform is missing; run `npx sst install` first (scripts/sst-check.sh does)');
  process.exit(2);
}

// The program reads these at load time: the target, and secret values (`sst secret set`).
process.env.DB_TARGET = target;
process.env.SST_SECRET_AdminToken = 'eval-admin-token';
process.env.SST_SECRET_ValidatorHotkey = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
process.env.SST_SECRET_DatabaseUrl = 'postgresql://u:p@ep-eval-1-pooler.us-east-2.aws.neon.tech/db?sslmode=require';
process.env.SST_AWS_REGION = 'us-east-1';

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
    $cli: JSON.stringify({ command: 'deploy', rpc: process.env.SST_SERVER, paths: { home: homedir(), root, work: path.join(root, '.sst'), platform }, state: { version: {} } }),
    $dev: 'false',
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
pulumi.runtime.setMocks(
  {
    newResource(args: MockResourceArgs) {
      resources.push({ type: args.type, name: args.name, inputs: args.inputs });
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
          result: 'evalpassword',
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
      if (token.includes('getPolicyDocument')) return { id: 'doc', json: JSON.stringify({ Version: '2012-10-17', Statement: [] }) };
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
const driver = driverOfTarget(target, process.env.DB_NEON_DRIVER);

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
  expect(fn.inputs.runtime === 'nodejs22.x', `${handler}: runtime ${fn.inputs.runtime}`);
  expect(JSON.stringify(fn.inputs.architectures) === '["arm64"]', `${handler}: architectures ${JSON.stringify(fn.inputs.architectures)}`);
  expect(fn.inputs.memorySize === spec.memoryMb, `${handler}: memory ${fn.inputs.memorySize} != ${spec.memoryMb}`);
  expect(fn.inputs.timeout === spec.timeoutSeconds, `${handler}: timeout ${fn.inputs.timeout} != ${spec.timeoutSeconds}`);
  // Each function's bundle leaves out every driver package but its target's driver's.
  const external = lambdaBundleExternal(spec.needsDatabase ? driver : undefined);
  expect(JSON.stringify(buildCall.properties?.esbuild?.external) === JSON.stringify(external), `${handler}: esbuild.external ${JSON.stringify(buildCall.properties?.esbuild?.external)}`);
  for (const [k, v] of Object.entries(databaseEnvFor(spec))) expect(env[k] === v, `${handler}: ${k}=${env[k]} != ${v}`);
  expect(env.POWERTOOLS_SERVICE_NAME === serviceNameFor(STAGE), `${handler}: POWERTOOLS_SERVICE_NAME=${env.POWERTOOLS_SERVICE_NAME}`);
  expect(env.POWERTOOLS_METRICS_NAMESPACE === METRICS_NAMESPACE, `${handler}: POWERTOOLS_METRICS_NAMESPACE=${env.POWERTOOLS_METRICS_NAMESPACE}`);
  expect(env.DB_TARGET === target, `${handler}: DB_TARGET=${env.DB_TARGET}`);
  const route = routes.find((r) => r.handler === spec.handler);
  if (route) {
    expect(env.MAX_BODY_BYTES === routeEnvFor(route).MAX_BODY_BYTES, `${handler}: MAX_BODY_BYTES=${env.MAX_BODY_BYTES}`);
    expect('AdminToken' in buildCall.links === route.admin, `${handler}: AdminToken linked=${'AdminToken' in buildCall.links}, admin=${route.admin}`);
    expect('ValidatorHotkey' in buildCall.links === (route.miner === true), `${handler}: ValidatorHotkey linked=${'ValidatorHotkey' in buildCall.links}, miner=${route.miner === true}`);
  }
  const inVpc = Boolean(fn.inputs.vpcConfig?.subnetIds?.length);
  if (target === 'neon') {
    expect(env.DB_DRIVER === driver && env.DB_PROXY_PROFILE === 'pgbouncer', `${handler}: neon driver/profile ${env.DB_DRIVER}/${env.DB_PROXY_PROFILE}`);
    expect(env.DATABASE_URL === process.env.SST_SECRET_DatabaseUrl, `${handler}: DATABASE_URL is not the DatabaseUrl secret`);
    expect('DatabaseUrl' in buildCall.links && !inVpc, `${handler}: neon link/vpc`);
  } else if (target === 'aurora-proxy') {
    expect(env.DB_DRIVER === 'pg' && env.DB_PROXY_PROFILE === 'rds-proxy', `${handler}: proxy driver/profile ${env.DB_DRIVER}/${env.DB_PROXY_PROFILE}`);
    expect(/^postgresql:\/\/postgres:evalpassword@databaseproxy\.eval\.rds\.amazonaws\.com:5432\/gaia_validator\?sslmode=verify-full$/.test(env.DATABASE_URL ?? ''), `${handler}: DATABASE_URL is not the proxy URL`);
    expect('Database' in buildCall.links && inVpc, `${handler}: aurora-proxy link/vpc`);
  } else {
    expect(env.DB_DRIVER === 'data-api', `${handler}: DB_DRIVER=${env.DB_DRIVER}`);
    expect(!('DATABASE_URL' in env), `${handler}: DATABASE_URL set for the Data API`);
    for (const k of ['DB_DATA_API_RESOURCE_ARN', 'DB_DATA_API_SECRET_ARN', 'DB_DATA_API_DATABASE']) expect(Boolean(env[k]), `${handler}: ${k} missing`);
    expect('Database' in buildCall.links && !inVpc, `${handler}: aurora-data-api link/vpc`);
  }
}

const routeKeys = of('aws:apigatewayv2/route:Route').map((r) => r.inputs.routeKey as string).sort();
expect(JSON.stringify(routeKeys) === JSON.stringify(routes.map(routeKeyOf).sort()), `route keys ${JSON.stringify(routeKeys)}`);
const stageSettings = of('aws:apigatewayv2/stage:Stage')[0]?.inputs.defaultRouteSettings;
expect(Boolean(stageSettings?.throttlingRateLimit && stageSettings?.throttlingBurstLimit), `stage throttling ${JSON.stringify(stageSettings)}`);

const scheduleExpressions = of('aws:scheduler/schedule:Schedule').map((r) => r.inputs.scheduleExpression as string).sort();
expect(JSON.stringify(scheduleExpressions) === JSON.stringify(schedules.map((s) => s.cron).sort()), `schedules ${JSON.stringify(scheduleExpressions)}`);

const alarms = of('aws:cloudwatch/metricAlarm:MetricAlarm');
const alarmed = alarms.map((a) => a.inputs.metricName).sort();
expect(JSON.stringify(alarmed) === JSON.stringify([HEALTH_METRICS.ConnectionsUsedRatio, HEALTH_METRICS.HealthStatus, HEALTH_METRICS.IdleInTransaction, HEALTH_METRICS.Leaks].sort()), `alarms on ${alarmed}`);
for (const a of alarms) {
  expect(a.inputs.namespace === METRICS_NAMESPACE && a.inputs.dimensions?.service === serviceNameFor(STAGE), `alarm ${a.name}: ${a.inputs.namespace} ${JSON.stringify(a.inputs.dimensions)}`);
}
const dashboard = JSON.parse(of('aws:cloudwatch/dashboard:Dashboard')[0]?.inputs.dashboardBody ?? '{"widgets":[]}') as { widgets: unknown[] };
for (const metric of Object.values(HEALTH_METRICS)) expect(JSON.stringify(dashboard).includes(metric), `dashboard lacks ${metric}`);

const clusters = of('aws:rds/cluster:Cluster');
const proxies = of('aws:rds/proxy:Proxy');
if (target === 'neon') expect(clusters.length === 0 && of('aws:ec2/vpc:Vpc').length === 0, 'neon stage creates a cluster or a VPC');
if (target === 'aurora-proxy') expect(clusters.length === 1 && proxies.length === 1 && !clusters[0]!.inputs.enableHttpEndpoint, 'aurora-proxy: one cluster with one RDS Proxy');
if (target === 'aurora-data-api') expect(clusters.length === 1 && proxies.length === 0 && clusters[0]!.inputs.enableHttpEndpoint === true, 'aurora-data-api: one cluster with the Data API');

const outputNames = Object.keys(outputs).sort().join(', ');
console.log(
  `sst-eval ${target}: ${resources.length} resources, ${lambdas.length} functions, ${routeKeys.length} routes, ` +
    `${scheduleExpressions.length} schedules, ${alarms.length} alarms; outputs: ${outputNames}`,
);
if (failures.length > 0) {
  console.error(`sst-eval ${target}: ${failures.length} problem(s)\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
process.exit(0);
