// Finds the suites: every .ts file directly in bench/ except the runner. Adding bench/<name>.ts adds suite <name>.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isSuite, type Suite } from './suite';

export type NamedSuite = { name: string; suite: Suite };

const NOT_SUITES = new Set(['run.ts']);

export async function suiteNames(benchDir: string): Promise<string[]> {
  const files = await readdir(benchDir, { withFileTypes: true });
  return files
    .filter((f) => f.isFile() && f.name.endsWith('.ts') && !f.name.endsWith('.d.ts') && !NOT_SUITES.has(f.name))
    .map((f) => f.name.slice(0, -'.ts'.length))
    .sort();
}

/** Loads the named suites (all when `wanted` is empty); an unknown name is an error listing the known ones. */
export async function loadSuites(benchDir: string, wanted: readonly string[]): Promise<NamedSuite[]> {
  const known = await suiteNames(benchDir);
  const unknown = wanted.filter((w) => !known.includes(w));
  if (unknown.length > 0) throw new Error(`unknown suite(s): ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const names = wanted.length > 0 ? [...new Set(wanted)] : known;
  const loaded: NamedSuite[] = [];
  for (const name of names) {
    const mod = (await import(pathToFileURL(path.join(benchDir, `${name}.ts`)).href)) as { default?: unknown };
    if (!isSuite(mod.default)) throw new Error(`bench/${name}.ts must default-export defineSuite({ description, run })`);
    loaded.push({ name, suite: mod.default });
  }
  return loaded;
}
