// Simulated Lambda containers: each one a fresh instance of the bundled handlers (container.ts, bundled as for
// deployment by scripts/bundle.ts), so each has its own database and pool and, like a Lambda container, serves one
// request at a time. The environment is read at a container's first request: set it before.
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

export type HandlerName = Exclude<keyof Container, 'closeSharedDatabase'>;

const built = new Map<string, Promise<string>>();
let instances = 0;

/** An entry bundled as for deployment (once per run); the container's by default. */
export function bundled(entry = 'test/chaos/support/container.ts'): Promise<string> {
  let file = built.get(entry);
  if (!file) built.set(entry, (file = bundle({ handler: entry, needsDatabase: true } as AnyFunctionSpec, 'pg').then((b) => b.outFile)));
  return file;
}

/** `count` fresh containers with `env` in the environment (kept there: the layer reads it at first use). */
export async function startContainers(count: number, env: Record<string, string>): Promise<Container[]> {
  Object.assign(process.env, env);
  const url = pathToFileURL(await bundled()).href;
  return Promise.all(Array.from({ length: count }, () => import(`${url}?container=${++instances}`) as Promise<Container>));
}

/** Closes every container's database (the pools drain; a leaked connection would stay). */
export async function stopContainers(containers: readonly Container[]): Promise<void> {
  await Promise.allSettled(containers.map((c) => c.closeSharedDatabase()));
}
