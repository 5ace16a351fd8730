// docs/openapi.json is the API reference generated from the routes' own contracts (lib/api/openapi.ts): it must be
// what the code checks today (regenerate with `npm run openapi`), cover every route of the table with its admin
// security, body and query schemas, and the headers a miner request carries.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { routeKeyOf, routes } from '../../lib/app/functions';
import { MINER_REQUEST_HEADERS, openApiDocument, type RouteContract } from '../../lib/api';
import { EPISTULA_HEADER_NAMES } from '../../lib/api/epistula';
import { OPENAPI_FILE, currentOpenApi } from '../../scripts/openapi';

type Doc = { openapi: string; paths: Record<string, Record<string, any>>; components: any };

describe('API reference (docs/openapi.json)', () => {
  it('is what the routes check today (run `npm run openapi` after changing a route)', async () => {
    const generated = await currentOpenApi();
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(generated);
  });

  it('is OpenAPI 3.1 with every route of the table, admin routes behind the bearer token', async () => {
    const doc = JSON.parse(await currentOpenApi()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(routes.map(routeKeyOf).sort());
    for (const r of routes) {
      const op = doc.paths[r.path]![r.method.toLowerCase()];
      expect(Boolean(op.security), routeKeyOf(r)).toBe(r.admin);
      expect(Boolean(op.responses['401']), routeKeyOf(r)).toBe(r.admin || r.miner === true);
      expect(Boolean(op.requestBody), routeKeyOf(r)).toBe(r.maxBodyBytes > 0);
    }
    expect(doc.components.securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it("carries each route's zod schema: required fields, bounds, no unknown fields, query parameters", async () => {
    const doc = JSON.parse(await currentOpenApi()) as Doc;
    const geo = doc.paths['/geo/predictions']!.post.requestBody.content['application/json'].schema;
    expect(geo).toMatchObject({ type: 'object', additionalProperties: false });
    expect(geo.required).toEqual(expect.arrayContaining(['queryTime', 'value']));
    expect(geo.properties.queryTime).toMatchObject({ type: 'string', format: 'date-time' });
    const sync = doc.paths['/miners']!.put.requestBody.content['application/json'].schema;
    expect(sync.properties.miners.items.properties.uid).toMatchObject({ type: 'integer', minimum: 0, maximum: 255 });
    const scores = doc.paths['/scores']!.get.parameters as { name: string; in: string; required: boolean }[];
    expect(scores.map((p) => [p.name, p.in, p.required])).toEqual([
      ['task', 'query', false],
      ['since', 'query', false],
      ['limit', 'query', false],
      ['before', 'query', false],
    ]);
  });

  it('documents the Epistula v2 headers a miner request must carry on every miner route, and on no other', async () => {
    const doc = JSON.parse(await currentOpenApi()) as Doc;
    expect(MINER_REQUEST_HEADERS.map((h) => h.name)).toEqual(Object.values(EPISTULA_HEADER_NAMES));
    const miner = routes.filter((r) => r.miner === true);
    expect(miner.length).toBeGreaterThan(0);
    for (const r of routes.filter((x) => x.miner !== true)) {
      const params = (doc.paths[r.path]![r.method.toLowerCase()].parameters ?? []) as { in: string }[];
      expect(params.filter((p) => p.in === 'header'), routeKeyOf(r)).toEqual([]);
    }
    for (const r of miner) {
      const names = ((doc.paths[r.path]![r.method.toLowerCase()].parameters ?? []) as { name: string; in: string; required: boolean }[])
        .filter((p) => p.in === 'header' && p.required)
        .map((p) => p.name);
      expect(names, routeKeyOf(r)).toEqual(MINER_REQUEST_HEADERS.map((h) => h.name));
    }
  });

  it('changes when a schema changes (the drift test can fail)', () => {
    const spec = routes.find((r) => r.method === 'POST' && !r.admin)!;
    const contract = (body: z.ZodType): RouteContract => ({ spec, body, query: undefined, miner: false });
    const info = { title: 't', version: '0' };
    const before = JSON.stringify(openApiDocument([contract(z.strictObject({ value: z.number() }))], info));
    const after = JSON.stringify(openApiDocument([contract(z.strictObject({ value: z.number().max(10) }))], info));
    expect(after).not.toBe(before);
  });
});
