// Loads the handlers of the tables by dynamic import of their files, exactly the modules Lambda would load.
// A file that does not exist yet is reported and skipped (the server serves what is there).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FunctionSpec } from '../../lib/app/functions';

export type Loaded<S extends FunctionSpec, H> = { spec: S; handler: H };

export async function loadHandlers<S extends FunctionSpec, H>(root: string, specs: readonly S[]): Promise<{ loaded: Loaded<S, H>[]; missing: S[] }> {
  const loaded: Loaded<S, H>[] = [];
  const missing: S[] = [];
  for (const spec of specs) {
    const file = resolve(root, spec.handler);
    if (!existsSync(file)) {
      missing.push(spec);
      continue;
    }
    const mod = (await import(pathToFileURL(file).href)) as { handler?: unknown };
    if (typeof mod.handler !== 'function') throw new Error(`${spec.handler} does not export a handler function`);
    loaded.push({ spec, handler: mod.handler as H });
  }
  return { loaded, missing };
}
