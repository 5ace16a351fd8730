// The API reference as OpenAPI 3.1, generated from what the routes actually check: each httpRoute's contract (its row
// of the table, its zod body and query schemas, admin and miner flags). docs/openapi.json is this document, written by
// `npm run openapi`; a test fails when the two drift. JSON Schemas come from zod 4 (`z.toJSONSchema`, draft 2020-12,
// what OpenAPI 3.1 uses), for the input side: what a client sends.
import { z } from 'zod';
import { logicalNameOf, routeKeyOf, type RouteSpec } from '../app/functions';
import { EPISTULA_FORMATS, EPISTULA_HEADER_NAMES, EPISTULA_VERSION } from './epistula';
import { ApiErrorCode } from './http-error';
import type { ErrorBody } from './reply';
import { REQUEST_ID_HEADER } from './reply';

/** What a route checks, attached by httpRoute to the handler it returns (`handler.contract`). */
export type RouteContract = {
  spec: RouteSpec;
  body: z.ZodType | undefined;
  query: z.ZodType | undefined;
  /** Speaks for a miner: identified by its signed-request headers (MINER_REQUEST_HEADERS). */
  miner: boolean;
};

export type HeaderDoc = { name: string; description: string; schema: Record<string, unknown> };

const N = EPISTULA_HEADER_NAMES;
// As a body's hotkey field (fields.hotkey): a string the server decodes as ss58, checksum verified (no pattern says that).
const ss58 = { type: 'string', description: 'ss58 address of a 32-byte key' };

/** The headers every miner route's request carries to prove who sent it (Epistula v2, lib/api/epistula.ts). */
export const MINER_REQUEST_HEADERS: readonly HeaderDoc[] = [
  { name: N.version, description: 'the Epistula version', schema: { type: 'string', const: EPISTULA_VERSION } },
  { name: N.timestamp, description: 'milliseconds since the epoch, decimal; within EPISTULA_TOLERANCE_MS of the server clock', schema: { type: 'string', pattern: EPISTULA_FORMATS.timestamp.source } },
  { name: N.uuid, description: 'a UUID this signer never sent before (a replay is 409)', schema: { type: 'string', format: 'uuid', pattern: EPISTULA_FORMATS.uuid.source } },
  { name: N.signedBy, description: "the miner's hotkey (ss58, any network prefix): the signer, registered in the metagraph", schema: ss58 },
  { name: N.signedFor, description: "this validator's hotkey (ss58)", schema: ss58 },
  {
    name: N.signature,
    description: 'sr25519 signature ("substrate" context) of the UTF-8 text `<sha256 hex of the body>.<uuid>.<timestamp>.<signed-for>` (or of it wrapped in <Bytes>...</Bytes>)',
    schema: { type: 'string', pattern: EPISTULA_FORMATS.signature.source },
  },
];

/** The error body every refusal answers with (reply.ts ErrorBody), as a schema; built only by the generator. */
function errorBodySchema() {
  return z.object({
    error: z.object({
      code: z.enum(Object.values(ApiErrorCode) as [ApiErrorCode, ...ApiErrorCode[]]),
      message: z.string(),
      requestId: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  });
}
// The schema above and the type the replies are built with must agree, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const agrees: Same<z.infer<ReturnType<typeof errorBodySchema>>, ErrorBody> = true;
void agrees;

/** Statuses a route can answer besides success, from what its contract checks (lib/api/index.ts, one rule per status). */
function refusals(c: RouteContract): Record<string, string> {
  const out: Record<string, string> = {};
  if (c.spec.admin) out['401'] = 'missing or wrong admin token';
  if (c.miner) out['401'] = 'the signed-request headers were refused (the message names the header; WWW-Authenticate: Epistula version="2"), or body.hotkey is not the signer';
  if (c.body) out['400'] = 'the body is missing, not UTF-8 or not JSON';
  if (c.body) out['409'] = c.miner ? 'a replayed Epistula-Uuid, or a conflict with stored data; nothing was written' : 'conflicts with stored data; nothing was written';
  out['413'] = c.spec.maxBodyBytes === 0 ? 'this route takes no body' : `the body is over ${c.spec.maxBodyBytes} bytes`;
  out['422'] = c.miner
    ? 'a field breaks the schema or a rule the database decides, or the prediction is outside its submission window'
    : 'a field (or query parameter) breaks the schema, or a rule the database decides';
  out['500'] = 'internal error (quote the request id)';
  const closed = c.spec.admin ? ', or no admin token is configured' : c.miner ? ", or this validator's hotkey is not configured" : '';
  out['503'] = `no database connection right now, or the schema is behind the code${closed} (Retry-After)`;
  out['504'] = 'a database deadline passed; nothing was committed unless a later read shows it';
  return out;
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function queryParameters(query: z.ZodType | undefined): Record<string, unknown>[] {
  if (!query) return [];
  const s = jsonSchema(query) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: (s.required ?? []).includes(name), schema }));
}

function operation(c: RouteContract): Record<string, unknown> {
  const key = routeKeyOf(c.spec);
  const responses: Record<string, unknown> = {
    '2XX': {
      description: 'success (JSON)',
      headers: { [REQUEST_ID_HEADER]: { $ref: '#/components/headers/RequestId' } },
      content: { 'application/json': {} },
    },
  };
  for (const [status, description] of Object.entries(refusals(c))) responses[status] = { $ref: `#/components/responses/Error${status}`, description };
  const headers = c.miner ? MINER_REQUEST_HEADERS.map((h) => ({ name: h.name, in: 'header', required: true, description: h.description, schema: h.schema })) : [];
  return {
    operationId: logicalNameOf(c.spec),
    summary: key,
    tags: [c.spec.path.split('/')[1] ?? ''],
    ...(c.spec.admin ? { security: [{ adminToken: [] }] } : {}),
    ...(headers.length || c.query ? { parameters: [...headers, ...queryParameters(c.query)] } : {}),
    ...(c.body
      ? {
          requestBody: {
            required: true,
            description: `JSON, at most ${c.spec.maxBodyBytes} bytes${c.miner ? '; speaks for the miner whose identity the request carries' : ''}`,
            content: { 'application/json': { schema: jsonSchema(c.body) } },
          },
        }
      : {}),
    responses,
  };
}

export type OpenApiInfo = { title: string; version: string; description?: string };

/** The OpenAPI 3.1 document of these routes, in the order given (the table's). */
export function openApiDocument(contracts: readonly RouteContract[], info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const c of contracts) (paths[c.spec.path] ??= {})[c.spec.method.toLowerCase()] = operation(c);
  const statuses = [...new Set(contracts.flatMap((c) => Object.keys(refusals(c))))].sort();
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'the admin token (AdminToken secret), at least 16 characters' } },
      headers: { RequestId: { description: 'the request id, also in error bodies: quote it', schema: { type: 'string' } } },
      schemas: { ErrorBody: jsonSchema(errorBodySchema()) },
      responses: Object.fromEntries(
        statuses.map((status) => [
          `Error${status}`,
          {
            description: `refused (${status})`,
            headers: { [REQUEST_ID_HEADER]: { $ref: '#/components/headers/RequestId' } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
          },
        ]),
      ),
    },
  };
}
