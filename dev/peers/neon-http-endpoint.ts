// Local stand-in for Neon's SQL-over-HTTP endpoint, backed by the local PostgreSQL, so the real
// neon() driver (@neondatabase/serverless) runs unchanged: point it here with
// neonConfig.fetchEndpoint = endpoint.url (or the fetchEndpoint option).
//
// A single query runs on its own with the extended protocol (one statement, like the proxy);
// a `queries` batch runs in ONE transaction with the requested isolation/read-only/deferrable.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type pg from 'pg';
import { BodyTooLargeError, closeServer, listen, readBody, sendJson, trackSockets } from './http-util.js';
import {
  batchResponseHeaders,
  beginStatement,
  errorBody,
  isPgError,
  NeonRequestError,
  parsePayload,
  parseRequestOptions,
  shapeResult,
  type PgRawResult,
  type QueryData,
  type RequestOptions,
} from './neon-http-protocol.js';
import { definedOnly } from './options.js';
import { createPoolCache } from './pg-pools.js';

export type NeonHttpEndpointOptions = {
  port?: number;
  pgHost?: string;
  pgPort?: number;
  /** The proxy's limits (both default to 10 MiB). */
  maxRequestBytes?: number;
  maxResponseBytes?: number;
};

export type NeonHttpEndpoint = {
  port: number;
  /** The value for neonConfig.fetchEndpoint. */
  url: string;
  /** HTTP requests received so far (a batch is exactly one). */
  requests(): number;
  close(): Promise<void>;
};

const DEFAULTS = { pgHost: '127.0.0.1', pgPort: 5432, maxRequestBytes: 10 * 1024 * 1024, maxResponseBytes: 10 * 1024 * 1024 };
const CORS = { 'Access-Control-Allow-Origin': '*' };

class ResponseTooLargeError extends NeonRequestError {
  constructor(limit: number) {
    super(`response is too large (max is ${limit} bytes)`, 507);
  }
}

export async function startNeonHttpEndpoint(options: NeonHttpEndpointOptions = {}): Promise<NeonHttpEndpoint> {
  const config = { ...DEFAULTS, ...definedOnly(options) };
  const pools = createPoolCache({ host: config.pgHost, port: config.pgPort });
  let requestCount = 0;

  const server = createServer((req, res) => {
    requestCount++;
    handle(req, res).catch((error: unknown) => sendJson(res, 500, errorBody(error), CORS));
  });
  const destroySockets = trackSockets(server);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'POST' }).end();
      return;
    }
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://local').pathname !== '/sql') {
      req.resume();
      sendJson(res, 404, { message: 'Not found' }, CORS);
      return;
    }
    try {
      const requestOptions = parseRequestOptions(req.headers);
      const payload = parsePayload(await readBody(req, config.maxRequestBytes));
      const pool = pools.get(requestOptions.user, requestOptions.database);
      if (payload.kind === 'single') {
        sendJson(res, 200, await runSingle(pool, payload.query, requestOptions), CORS);
      } else {
        const results = await runBatch(pool, payload.queries, requestOptions);
        sendJson(res, 200, { results }, { ...CORS, ...batchResponseHeaders(requestOptions) });
      }
    } catch (error) {
      sendJson(res, statusFor(error), errorBody(error), CORS);
    }
  }

  async function runSingle(pool: pg.Pool, query: QueryData, options: RequestOptions): Promise<Record<string, unknown>> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await runQuery(client, query, options);
    } catch (error) {
      broken = connectionBreaking(error);
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async function runBatch(pool: pg.Pool, queries: QueryData[], options: RequestOptions): Promise<Record<string, unknown>[]> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(beginStatement(options));
      try {
        const results: Record<string, unknown>[] = [];
        for (const query of queries) results.push(await runQuery(client, query, options));
        await client.query('COMMIT');
        return results;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      }
    } catch (error) {
      broken ??= connectionBreaking(error);
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async function runQuery(client: pg.PoolClient, query: QueryData, options: RequestOptions): Promise<Record<string, unknown>> {
    const result = await client.query({
      text: query.query,
      values: query.params,
      rowMode: 'array',
      // The proxy always uses the extended protocol: one statement per query, like neon.
      queryMode: 'extended',
    } as pg.QueryArrayConfig);
    const shaped = shapeResult(result as unknown as PgRawResult, options.rawOutput, query.arrayMode ?? options.arrayMode);
    if (Buffer.byteLength(JSON.stringify(shaped.rows)) > config.maxResponseBytes) throw new ResponseTooLargeError(config.maxResponseBytes);
    return shaped;
  }

  const port = await listen(server, options.port ?? 0);
  return {
    port,
    url: `http://127.0.0.1:${port}/sql`,
    requests: () => requestCount,
    close: async () => {
      await closeServer(server, destroySockets);
      await pools.closeAll();
    },
  };
}

function statusFor(error: unknown): number {
  if (error instanceof NeonRequestError) return error.status;
  if (error instanceof BodyTooLargeError) return 413;
  // PostgreSQL errors (including connecting to a missing database) are the user's: 400.
  if (isPgError(error)) return 400;
  return 500;
}

/** An error that leaves the connection unusable (not an SQL error, not our own refusal). */
function connectionBreaking(error: unknown): Error | undefined {
  return isPgError(error) || error instanceof NeonRequestError ? undefined : (error as Error);
}
