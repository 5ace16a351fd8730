// `npm run bundle`: bundles every function of the deployment tables the way `sst deploy` does,
// into dist/, and writes bench/results/bundles.json (size and cold import time per bundle) and
// bench/results/bundle-drivers.json (which database drivers each bundle carries).
//
// esbuild options follow SST's Node runtime (pkg/runtime/node/build.go): platform node, format
// esm, bundle, minify (deploy), keepNames, mainFields module/main, the createRequire banner, and
// only `sharp` and `pg-native` external. SST does NOT externalize @aws-sdk/* (the SDK v3 is
// bundled even on nodejs22.x), so neither do we. SST targets esnext; we pin node22, the runtime.
// Plus LAMBDA_BUNDLE_EXTERNAL, which infra passes to SST as `nodejs.esbuild.external`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_BUNDLE_EXTERNAL, allFunctions } from '../lib/app/functions';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distDir = path.join(root, 'dist');
const resultsDir = path.join(root, 'bench', 'results');

/** 1.5 MiB: a bundle above it is a sign a driver or SDK leaked into a function that does not use it. */
const SIZE_BASELINE_BYTES = 1_572_864;
const SIZE_MAX_RATIO = 1.0;
/** Cold import (a fresh `node` importing the bundle) at most this many times a trivial module's. */
const COLD_IMPORT_MAX_RATIO = 2.0;
const COLD_IMPORT_RUNS = Number(process.env.BUNDLE_IMPORT_RUNS ?? 7);

/** SST's forced externals (native add-ons it installs instead of bundling). */
const SST_FORCE_EXTERNAL = ['sharp', 'pg-native'];
const SST_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
].join('\n');

/** Database drivers, recognised by the package folder of a metafile input. */
const DRIVERS: Record<string, string> = {
  pg: 'node_modules/pg/',
  '@neondatabase/serverless': 'node_modules/@neondatabase/serverless/',
  '@aws-sdk/client-rds-data': 'node_modules/@aws-sdk/client-rds-data/',
  '@electric-sql/pglite': 'node_modules/@electric-sql/pglite/',
};

/** Same shape as the other files of bench/results (bench/support/figures.ts). */
type Figure = {
  name: string;
  value: number;
  baseline: number;
  ratio: number;
  unit: 'bytes' | 'ms';
  goal: string;
  met: boolean;
};

export type Drivers = { bundled: string[]; external: string[] };

const round = (n: number, digits = 4) => Number(n.toFixed(digits));

function figure(name: string, value: number, baseline: number, unit: Figure['unit'], maxRatio: number): Figure {
  const ratio = round(value / baseline);
  return { name, value: round(value, 2), baseline: round(baseline, 2), ratio, unit, goal: `ratio <= ${maxRatio.toFixed(1)}`, met: ratio <= maxRatio };
}

/** Bundles one handler to dist/<handler>.mjs (+ .meta.json) with SST's options. */
export async function bundle(handler: string): Promise<{ outFile: string; bytes: number; metafile: Metafile }> {
  const outFile = path.join(distDir, handler.replace(/\.[cm]?[jt]s$/, '.mjs'));
  const result = await build({
    entryPoints: [path.join(root, handler)],
    outfile: outFile,
    absWorkingDir: root,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    bundle: true,
    minify: true,
    keepNames: true,
    mainFields: ['module', 'main'],
    external: [...SST_FORCE_EXTERNAL, ...LAMBDA_BUNDLE_EXTERNAL],
    banner: { js: SST_BANNER },
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
  });
  writeFileSync(outFile.replace(/\.mjs$/, '.meta.json'), JSON.stringify(result.metafile));
  const output = result.metafile.outputs[path.relative(root, outFile).split(path.sep).join('/')];
  return { outFile, bytes: output?.bytes ?? 0, metafile: result.metafile };
}

/** Drivers bundled (their code is inside) and left external (the bundle still imports them). */
export function driversIn(metafile: Metafile): Drivers {
  const inputs = Object.keys(metafile.inputs);
  const externalImports = Object.values(metafile.inputs).flatMap((i) => i.imports.filter((imp) => imp.external).map((imp) => imp.path));
  const names = Object.keys(DRIVERS);
  return {
    bundled: names.filter((name) => inputs.some((i) => i.includes(DRIVERS[name]!))),
    external: names.filter((name) => externalImports.some((p) => p === name || p.startsWith(`${name}/`))),
  };
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
  const drivers: Record<string, Drivers> = {};
  const failures: string[] = [];
  const rows: string[][] = [];

  for (const { handler } of allFunctions) {
    if (!existsSync(path.join(root, handler))) {
      console.log(`skip ${handler}: file does not exist yet`);
      continue;
    }
    let built: Awaited<ReturnType<typeof bundle>>;
    try {
      built = await bundle(handler);
    } catch (err) {
      const errors = (err as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
      const message = errors?.map((e) => `${e.text}${e.location ? ` (${e.location.file}:${e.location.line})` : ''}`).join('; ');
      failures.push(`${handler}: bundle failed: ${message ?? String(err)}`);
      continue;
    }
    figures.push(figure(`bundle:${handler}`, built.bytes, SIZE_BASELINE_BYTES, 'bytes', SIZE_MAX_RATIO));
    const d = (drivers[handler] = driversIn(built.metafile));
    let importCell = 'failed';
    try {
      const ms = coldImportMs(built.outFile);
      figures.push(figure(`cold-import:${handler}`, ms, trivialMs, 'ms', COLD_IMPORT_MAX_RATIO));
      importCell = `${ms.toFixed(1)} ms`;
    } catch (err) {
      failures.push(`${handler}: ${(err as Error).message}`);
    }
    const driverCell = [...d.bundled, ...d.external.map((x) => `${x} (external)`)].join(', ') || '-';
    rows.push([handler, `${(built.bytes / 1024).toFixed(1)} KiB`, importCell, driverCell]);
  }

  writeFileSync(path.join(resultsDir, 'bundles.json'), `${JSON.stringify(figures, null, 2)}\n`);
  writeFileSync(path.join(resultsDir, 'bundle-drivers.json'), `${JSON.stringify(drivers, null, 2)}\n`);

  const header = ['handler', 'size', 'cold import', 'database drivers'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\ntrivial module cold import: ${trivialMs.toFixed(1)} ms (median of ${COLD_IMPORT_RUNS} fresh node processes)`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  const missed = figures.filter((f) => !f.met).map((f) => `${f.name}: ${f.value} ${f.unit} (ratio ${f.ratio}, goal ${f.goal})`);
  if (missed.length > 0) console.log(`\nGoals missed (cold import varies with machine load; re-run to confirm):\n  ${missed.join('\n  ')}`);
  console.log(`\nwrote bench/results/bundles.json (${figures.length} figures), bench/results/bundle-drivers.json`);
  if (failures.length > 0) {
    console.error(`\nFailures:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

// Run as a script (`tsx scripts/bundle.ts`); importing the module only exposes the helpers.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
