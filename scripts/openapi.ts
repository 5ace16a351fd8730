// `npm run openapi`: docs/openapi.json, the API reference, from the routes' own contracts (lib/api/openapi.ts): the
// handlers of the table are loaded as the local server loads them, and each carries what it checks.
// `npm run openapi -- --check` exits 1 when the committed file differs (the test does the same).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { routes, type RouteSpec } from '../lib/app/functions';
import { openApiDocument, type HttpHandler, type RouteContract } from '../lib/api';
import { loadHandlers } from '../dev/server/load-handlers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OPENAPI_FILE = path.join(root, 'docs', 'openapi.json');

/** The document as committed: every route of the table, from its handler's contract. */
export async function currentOpenApi(): Promise<string> {
  const { loaded, missing } = await loadHandlers<RouteSpec, HttpHandler>(root, routes);
  if (missing.length) throw new Error(`handlers missing: ${missing.map((m) => m.handler).join(', ')}`);
  const contracts: RouteContract[] = loaded.map(({ spec, handler }) => {
    if (!handler.contract) throw new Error(`${spec.handler}: its handler is not an httpRoute (no contract)`);
    return handler.contract;
  });
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const doc = openApiDocument(contracts, {
    title: 'Gaia validator API',
    version: pkg.version,
    description: 'Generated from the routes (lib/app/functions.ts) and their zod schemas by `npm run openapi`. Errors: README, API.',
  });
  return `${JSON.stringify(doc, null, 2)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await currentOpenApi();
  if (process.argv.includes('--check')) {
    const same = readFileSync(OPENAPI_FILE, 'utf8') === text;
    console.log(same ? 'docs/openapi.json is current' : 'docs/openapi.json differs from the routes: run `npm run openapi`');
    process.exitCode = same ? 0 : 1;
  } else {
    writeFileSync(OPENAPI_FILE, text);
    console.log(`wrote docs/openapi.json (${routes.length} routes)`);
  }
}
