// Simulated Lambda containers: each one a separate instance of the bundled handlers (container.ts, bundled as for
// deployment by scripts/bundle.ts), so each has its own database and pool and, like a Lambda container, serves one
// request at a time. A container's database is made from the environment at its first request after a close, so
// the instances are reused from scenario to scenario (a module instance is never freed: fresh ones per scenario would
// grow the heap by ~25 MB each).
import { pathToFileURL } from 'node:url';
import type { AnyFunctionSpec } from '../../../lib/app/functions';
import { bundle } from '../../../scripts/bundle';
import type { HttpHandler } from '../../support/apigw';

export type Container = {
  geoPredictions: HttpHandler;
  groundTruthGeo: HttpHandler;
  minersSync: HttpHandler;
  closeSharedDatabase(): Promise<void>;
};

const built = new Map<string, Promise<string>>();
const instances: Container[] = [];

/** An entry bundled as for deployment (once per run); the container's by default. */
export function bundled(entry = 'test/chaos/support/container.ts'): Promise<string> {
  let file = built.get(entry);
  if (!file) built.set(entry, (file = bundle({ handler: entry, needsDatabase: true } as AnyFunctionSpec, { driver: 'pg', iamAuth: false }).then((b) => b.outFile)));
  return file;
}

/**
 * `count` containers with `env` in the environment (kept there: each container reads it at its first request). Call
 * stopContainers on the previous ones first: a container whose database is open keeps the environment it had.
 */
export async function startContainers(count: number, env: Record<string, string>): Promise<Container[]> {
  Object.assign(process.env, env);
  const url = pathToFileURL(await bundled()).href;
  while (instances.length < count) instances.push((await import(`${url}?container=${instances.length + 1}`)) as Container);
  return instances.slice(0, count);
}

/** Closes every container's database (the pools drain; a leaked connection would stay). */
export async function stopContainers(containers: readonly Container[]): Promise<void> {
  await Promise.allSettled(containers.map((c) => c.closeSharedDatabase()));
}
