// Local stand-in for Neon's SQL-over-HTTP endpoint, backed by the local PostgreSQL, so the real
// neon() driver (@neondatabase/serverless) runs unchanged: point it here with
// neonConfig.fetchEndpoint = endpoint.url (or the fetchEndpoint option).
//
// A single query runs on its own with the extended protocol (one statement, like the proxy);
// a `queries` batch runs in ONE transaction with the requested isolation/read-only/deferrable.
// As Neon's proxy does (proxy/src/serverless/sql_over_http.rs): the connection string's password is
// checked (by the PostgreSQL behind, as the proxy checks it against the endpoint's role); a connection
// goes back to the pool only idle outside a transaction after a successful request, and is discarded
// after an error; a client that disconnects has its running query cancelled.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
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
import { cancelBackend, createPoolCache, lease, type Lease } from './pg-pools.js';

export type NeonHttpEndpointOptions = {
  port?: number;
  /** The PostgreSQL the endpoint fronts (default 127.0.0.1:5432). */
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
/** Backends of the endpoint are told apart by this in pg_stat_activity. */
export const NEON_HTTP_APPLICATION_NAME = 'local-neon-http';
/** How long a cancelled query may take to stop before its connection is discarded anyway (the proxy's). */
const CANCEL_WAIT_MS = 100;

class ResponseTooLargeError extends NeonRequestError {
  constructor(limit: number) {
    super(`response is too large (max is ${limit} bytes)`, 507);
  }
}

/** The request's connection and what the request did to it. */
type Held = { lease: Lease; pool: pg.Pool; cancelled: boolean };

export async function startNeonHttpEndpoint(options: NeonHttpEndpointOptions = {}): Promise<NeonHttpEndpoint> {
  const config = { ...DEFAULTS, ...definedOnly(options) };
  const pools = createPoolCache({ host: config.pgHost, port: config.pgPort }, { applicationName: NEON_HTTP_APPLICATION_NAME });
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
      const held = await connect(requestOptions);
      // The client hanging up before the answer: cancel what runs, and never reuse the connection.
      const onClose = () => {
        if (held.lease.released) return;
        held.cancelled = true;
        cancelBackend(held.pool, held.lease.pid).catch(() => undefined);
        setTimeout(() => held.lease.release(true), CANCEL_WAIT_MS).unref();
      };
      res.once('close', onClose);
      if (payload.kind === 'single') {
        sendJson(res, 200, await runSingle(held, payload.query, requestOptions), CORS);
      } else {
        const results = await runBatch(held, payload.queries, requestOptions);
        sendJson(res, 200, { results }, { ...CORS, ...batchResponseHeaders(requestOptions) });
      }
    } catch (error) {
      sendJson(res, statusFor(error), errorBody(error), CORS);
    }
  }

  /** A connection as the connection string's user, checked against its password by the PostgreSQL behind. */
  async function connect(options: RequestOptions): Promise<Held> {
    const pool = pools.get(options.user, options.database, options.password);
    try {
      return { lease: await lease(pool), pool, cancelled: false };
    } catch (error) {
      if (!isAuthFailure(error)) throw error;
      pools.drop(pool);
      throw new NeonRequestError(`password authentication failed for user '${options.user}'`);
    }
  }

  async function runSingle(held: Held, query: QueryData, options: RequestOptions): Promise<Record<string, unknown>> {
    try {
      const result = await runQuery(held.lease.client, query, options);
      held.lease.release(held.cancelled);
      return result;
    } catch (error) {
      held.lease.release(true);
      throw error;
    }
  }

  async function runBatch(held: Held, queries: QueryData[], options: RequestOptions): Promise<Record<string, unknown>[]> {
    const { client } = held.lease;
    let discard = true;
    try {
      await client.query(beginStatement(options));
      try {
        const results: Record<string, unknown>[] = [];
        for (const query of queries) results.push(await runQuery(client, query, options));
        await client.query('COMMIT');
        discard = held.cancelled;
        return results;
      } catch (error) {
        // Rolled back, the connection is as good as new (unless the request was cancelled).
        await client.query('ROLLBACK').then(() => (discard = held.cancelled), () => undefined);
        throw error;
      }
    } finally {
      held.lease.release(discard);
    }
  }

  async function runQuery(client: pg.ClientBase, query: QueryData, options: RequestOptions): Promise<Record<string, unknown>> {
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

/** The PostgreSQL behind refused the password (invalid_password, invalid_authorization_specification). */
function isAuthFailure(error: unknown): boolean {
  return error instanceof pg.DatabaseError && (error.code === '28P01' || error.code === '28000');
}
