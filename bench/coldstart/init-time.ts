// Module init of a bundle: a fresh node process imports it (as Lambda's runtime imports the handler) and reports the
// time of the import alone, node's own start-up excluded. The bundles sit in one empty folder, as in /var/task: no
// node_modules up the tree, so a package left external fails here as it would in Lambda.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export type InitTarget = { name: string; file: string };

/** Copies the bundles into one temporary task folder; `cleanup` removes it. */
export function taskFolder(bundles: readonly InitTarget[]): { targets: InitTarget[]; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'coldstart-task-'));
  const targets = bundles.map((b, i) => {
    const copy = path.join(dir, `${i}-${path.basename(b.file)}`);
    copyFileSync(b.file, copy);
    return { name: b.name, file: copy };
  });
  return { targets, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Milliseconds the import of `file` took in a fresh node process (no database variables: init must not connect). */
export function initMs(file: string): number {
  const code = `const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t0));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: path.dirname(file),
    env: { PATH: process.env.PATH, NODE_ENV: 'production' },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`init of ${path.basename(file)} failed: ${(child.stderr || child.stdout).split('\n').find((l) => /Error/.test(l)) ?? child.status}`);
  return Number(child.stdout);
}

/** Every target's init time, `runs` times, alternating per run (the order rotating) so drift lands on all alike. */
export function alternatingInit(targets: readonly InitTarget[], runs: number, log: (m: string) => void): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = Object.fromEntries(targets.map((t) => [t.name, new Float64Array(runs)]));
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < targets.length; k++) {
      const t = targets[(i + k) % targets.length]!;
      out[t.name]![i] = initMs(t.file);
    }
    if ((i + 1) % 5 === 0 || i + 1 === runs) log(`  init run ${i + 1}/${runs}`);
  }
  return out;
}
