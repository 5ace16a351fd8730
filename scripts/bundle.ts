// `npm run bundle`: bundles every function of the deployment tables the way `sst deploy` does, once
// per database driver a target deploys with, into dist/<driver>/, and writes
//   bench/results/bundles.json         size (goal: <= 1.5 MiB) and cold import time (a report) per bundle
//   bench/results/bundle-drivers.json  per target and function: the driver packages bundled and left external
// It fails (exit 1) when a bundle does not build, is over 1.5 MiB, does not carry exactly the packages of
// its target's driver, or does not load in a fresh node without the external packages.
//
// esbuild options follow SST's Node runtime (pkg/runtime/node/build.go): platform node, format
// esm, bundle, minify (deploy), keepNames, mainFields module/main, the createRequire banner, and
// only `sharp` and `pg-native` external. SST does NOT externalize @aws-sdk/* (the SDK v3 is
// bundled even on nodejs22.x), so neither do we. SST targets esnext; we pin node22, the runtime.
// Plus lambdaBundleExternal(driver), which infra passes to SST as `nodejs.esbuild.external`, and the plugins of
// scripts/esbuild-plugins.mjs, which infra passes as `nodejs.plugins`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { figure, type Figure } from '../bench/support/figures';
import plugins from './esbuild-plugins.mjs';
import {
  DATABASE_TARGETS,
  DRIVER_PACKAGES,
  IAM_AUTH_PACKAGES,
  allFunctions,
  bundledPackages,
  defaultDatabaseTarget,
  driverOfTarget,
  iamAuthOfTarget,
  lambdaBundleExternal,
  type AnyFunctionSpec,
  type DeployedDriver,
} from '../lib/app/functions';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distDir = path.join(root, 'dist');
const resultsDir = path.join(root, 'bench', 'results');

/** 1.5 MiB: a bundle above it is a sign a driver or SDK leaked into a function that does not use it. */
const SIZE_LIMIT_BYTES = 1_572_864;
const COLD_IMPORT_RUNS = Number(process.env.BUNDLE_IMPORT_RUNS ?? 5);

/** SST's forced externals (native add-ons it installs instead of bundling). */
const SST_FORCE_EXTERNAL = ['sharp', 'pg-native'];
const SST_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
].join('\n');

/** Every driver package (and the IAM signer), recognised in a metafile by its folder under node_modules. */
const DRIVER_PACKAGE_NAMES = [...new Set([...Object.values(DRIVER_PACKAGES).flat(), ...IAM_AUTH_PACKAGES])];

/** A deployment's bundle flavour: its driver, and whether it signs IAM tokens (dist/<flavour>/). */
type Flavour = { driver: DeployedDriver; iamAuth: boolean };
const flavourName = (f: Flavour) => `${f.driver}${f.iamAuth ? '-iam' : ''}`;

/** What each deployment of a target runs: the default target first, then every target, Neon with each of its drivers. */
const TARGETS: ({ name: string } & Flavour)[] = [
  ...DATABASE_TARGETS.map((t) => ({ name: t, driver: driverOfTarget(t), iamAuth: iamAuthOfTarget(t) })),
  { name: 'neon (DB_NEON_DRIVER=neon-ws)', driver: driverOfTarget('neon', 'neon-ws'), iamAuth: false },
];
const DEFAULT_TARGET = TARGETS.find((t) => t.name === defaultDatabaseTarget)!;

export type Drivers = { bundled: string[]; external: string[] };

/** Bundles one handler to dist/<flavour>/<handler>.mjs (+ .meta.json) with SST's options and the flavour's externals. */
export async function bundle(spec: AnyFunctionSpec, flavour: Flavour): Promise<{ outFile: string; bytes: number; metafile: Metafile }> {
  const outFile = path.join(distDir, flavourName(flavour), spec.handler.replace(/\.[cm]?[jt]s$/, '.mjs'));
  const result = await build({
    entryPoints: [path.join(root, spec.handler)],
    outfile: outFile,
    absWorkingDir: root,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    bundle: true,
    minify: true,
    keepNames: true,
    mainFields: ['module', 'main'],
    external: [...SST_FORCE_EXTERNAL, ...lambdaBundleExternal(spec.needsDatabase ? flavour.driver : undefined, flavour.iamAuth)],
    banner: { js: SST_BANNER },
    plugins,
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
  });
  writeFileSync(outFile.replace(/\.mjs$/, '.meta.json'), JSON.stringify(result.metafile));
  const output = result.metafile.outputs[path.relative(root, outFile).split(path.sep).join('/')];
  return { outFile, bytes: output?.bytes ?? 0, metafile: result.metafile };
}

/** Driver packages bundled (their code is inside) and left external (the bundle still imports them). */
export function driversIn(metafile: Metafile): Drivers {
  const inputs = Object.keys(metafile.inputs);
  const externalImports = Object.values(metafile.inputs).flatMap((i) => i.imports.filter((imp) => imp.external).map((imp) => imp.path));
  return {
    bundled: DRIVER_PACKAGE_NAMES.filter((name) => inputs.some((i) => i.includes(`node_modules/${name}/`))),
    external: DRIVER_PACKAGE_NAMES.filter((name) => externalImports.some((p) => p === name || p.startsWith(`${name}/`))),
  };
}

/** Why the bundle does not carry exactly the driver packages it should, or undefined when it does. */
function driverMismatch(d: Drivers, expected: readonly string[]): string | undefined {
  const extra = d.bundled.filter((p) => !expected.includes(p));
  const missing = expected.filter((p) => !d.bundled.includes(p));
  if (extra.length === 0 && missing.length === 0) return undefined;
  return [extra.length ? `carries ${extra.join(', ')} it does not use` : '', missing.length ? `lacks ${missing.join(', ')}` : ''].filter(Boolean).join('; ');
}

/**
 * Median wall time (ms) of a fresh `node` process importing the module; throws if the import fails.
 * The module is copied to an empty temporary folder first, as in /var/task: no node_modules up the
 * tree, so an external package imported at load time fails here as it would in Lambda.
 */
export function coldImportMs(file: string, runs = COLD_IMPORT_RUNS): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'cold-import-'));
  try {
    const copy = path.join(dir, path.basename(file));
    copyFileSync(file, copy);
    const code = `await import(${JSON.stringify(pathToFileURL(copy).href)})`;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      // No database variables: module scope must not connect (createDatabase is lazy).
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
        cwd: dir,
        env: { PATH: process.env.PATH, NODE_ENV: 'production' },
        encoding: 'utf8',
      });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (child.status !== 0) {
        const lines = (child.stderr || child.stdout).split('\n').filter((l) => /Error|error:/.test(l));
        throw new Error(`import failed: ${lines.slice(0, 3).join(' | ').slice(0, 500)}`);
      }
      times.push(ms);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  mkdirSync(distDir, { recursive: true });
  mkdirSync(resultsDir, { recursive: true });

  const trivial = path.join(distDir, 'trivial.mjs');
  writeFileSync(trivial, 'export const handler = async () => ({ statusCode: 200 });\n');
  const trivialMs = coldImportMs(trivial);

  const figures: Figure[] = [];
  const failures: string[] = [];
  const rows: string[][] = [];
  /** Per flavour and handler: what the bundle carries (targets of the same flavour share one bundle). */
  const carried = new Map<string, Drivers>();
  const specs = allFunctions.filter(({ handler }) => {
    if (existsSync(path.join(root, handler))) return true;
    console.log(`skip ${handler}: file does not exist yet`);
    return false;
  });

  const flavours = [...new Map(TARGETS.map((t) => [flavourName(t), { driver: t.driver, iamAuth: t.iamAuth }])).values()];
  for (const flavour of flavours) {
    const driver = flavourName(flavour);
    for (const spec of specs) {
      const { handler } = spec;
      const name = `${driver}:${handler}`;
      let built: Awaited<ReturnType<typeof bundle>>;
      try {
        built = await bundle(spec, flavour);
      } catch (err) {
        const errors = (err as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
        const message = errors?.map((e) => `${e.text}${e.location ? ` (${e.location.file}:${e.location.line})` : ''}`).join('; ');
        failures.push(`${name}: bundle failed: ${message ?? String(err)}`);
        continue;
      }
      const size = figure({ name: `bundle:${name}`, value: built.bytes, unit: 'bytes', goals: [{ on: 'value', op: '<=', limit: SIZE_LIMIT_BYTES }] });
      figures.push(size);
      if (!size.met) failures.push(`${name}: ${built.bytes} bytes, over the ${SIZE_LIMIT_BYTES} bytes (1.5 MiB) limit`);
      const d = driversIn(built.metafile);
      carried.set(name, d);
      const mismatch = driverMismatch(d, spec.needsDatabase ? bundledPackages(flavour.driver, flavour.iamAuth) : []);
      if (mismatch) failures.push(`${name}: ${mismatch}`);
      let importCell = 'failed';
      try {
        const ms = coldImportMs(built.outFile);
        // A report, not a goal: node's own start-up dominates and varies with the machine's load.
        figures.push({ ...figure({ name: `cold-import:${name}`, value: ms, baseline: trivialMs, unit: 'ms' }), goal: 'report' });
        importCell = `${ms.toFixed(1)} ms`;
      } catch (err) {
        failures.push(`${name}: ${(err as Error).message}`);
      }
      rows.push([driver, handler, `${(built.bytes / 1024).toFixed(1)} KiB`, importCell, d.bundled.join(', ') || '-']);
    }
  }

  const report = {
    defaultTarget: DEFAULT_TARGET.name,
    targets: Object.fromEntries(
      TARGETS.map((t) => [
        t.name,
        { driver: t.driver, iamAuth: t.iamAuth, functions: Object.fromEntries(specs.map((s) => [s.handler, carried.get(`${flavourName(t)}:${s.handler}`) ?? null])) },
      ]),
    ),
  };
  writeFileSync(path.join(resultsDir, 'bundles.json'), `${JSON.stringify(figures, null, 2)}\n`);
  writeFileSync(path.join(resultsDir, 'bundle-drivers.json'), `${JSON.stringify(report, null, 2)}\n`);

  const header = ['driver', 'handler', 'size', 'cold import', 'driver packages bundled'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\ntrivial module cold import: ${trivialMs.toFixed(1)} ms (median of ${COLD_IMPORT_RUNS} fresh node processes)`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log(`\ntargets: ${TARGETS.map((t) => `${t.name} -> ${flavourName(t)}`).join('; ')} (default: ${DEFAULT_TARGET.name})`);
  console.log(`wrote bench/results/bundles.json (${figures.length} figures), bench/results/bundle-drivers.json`);
  if (failures.length > 0) {
    console.error(`\nFailures:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

// Run as a script (`tsx scripts/bundle.ts`); importing the module only exposes the helpers.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
