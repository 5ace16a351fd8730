// Local RDS Data API over the local PostgreSQL, for the real AWS SDK v3 RDSDataClient:
//   new RDSDataClient({ endpoint: endpoint.url, region: 'us-east-1',
//                       credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })
// REST-JSON: POST /Execute, /BatchExecute, /BeginTransaction, /CommitTransaction,
// /RollbackTransaction. SigV4 signatures are accepted unchecked; resourceArn/secretArn are
// ignored (the secret's user and password are options); `database` picks the PostgreSQL database.
// Limits, errors and transaction rules follow Aurora Serverless v2 / provisioned clusters; what it
// cannot emulate is listed in docs/DRIVERS.md ("Local peers").
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import {
  badRequest,
  DataApiError,
  databaseError,
  databaseResuming,
  databaseUnavailable,
  requestTooLarge,
  responseTooLarge,
  statementTimeout,
  toDataApiError,
} from './data-api-errors.js';
import { exactJson } from './data-api-fields.js';
import { batchExecuteStatement, checkRequest, executeStatement, type BatchRequest, type ExecuteRequest } from './data-api-statements.js';
import { createTransactionRegistry } from './data-api-transactions.js';
import { BodyTooLargeError, closeServer, listen, readBody, sendJson, trackSockets } from './http-util.js';
import { definedOnly } from './options.js';
import { cancelBackend, createPoolCache, endsConnection, lease, type Lease } from './pg-pools.js';

export type DataApiEndpointOptions = {
  port?: number;
  /** The PostgreSQL the endpoint fronts (default 127.0.0.1:5432). */
  pgHost?: string;
  pgPort?: number;
  /** What the secret would hold (default postgres, no password: local trust auth). */
  pgUser?: string;
  pgPassword?: string;
  /** The service's 45 s statement limit. */
  statementTimeoutMs?: number;
  /** Transactions idle this long are rolled back (service: 3 minutes). */
  transactionIdleMs?: number;
  /** Response size limit (service: 1 MiB). */
  maxResultBytes?: number;
  /** Request size limit, headers included (service: 4 MiB). */
  maxRequestBytes?: number;
};

export type DataApiEndpoint = {
  port: number;
  /** The value for RDSDataClient's `endpoint`. */
  url: string;
  requests(): number;
  /** Every request fails with DatabaseResumingException for the next `ms` milliseconds. */
  resumingFor(ms: number): void;
  close(): Promise<void>;
};

const DEFAULTS = {
  pgHost: '127.0.0.1',
  pgPort: 5432,
  pgUser: 'postgres',
  statementTimeoutMs: 45_000,
  transactionIdleMs: 180_000,
  maxResultBytes: 1024 * 1024,
  maxRequestBytes: 4 * 1024 * 1024,
};
/** Backends of the endpoint are told apart by this in pg_stat_activity. */
export const DATA_API_APPLICATION_NAME = 'local-data-api';

type Request = ExecuteRequest &
  BatchRequest & { database?: string; transactionId?: string; continueAfterTimeout?: boolean };

export async function startDataApiEndpoint(options: DataApiEndpointOptions = {}): Promise<DataApiEndpoint> {
  const config = { ...DEFAULTS, ...definedOnly(options) };
  // Aurora sessions default to UTC; timestamptz values are reported in UTC.
  const pools = createPoolCache({ host: config.pgHost, port: config.pgPort }, { settings: { TimeZone: 'UTC' }, applicationName: DATA_API_APPLICATION_NAME });
  const transactions = createTransactionRegistry(config.transactionIdleMs);
  let requestCount = 0;
  let resumingUntil = 0;

  const poolFor = (request: Request) => pools.get(config.pgUser, request.database || 'postgres', config.pgPassword);

  const operations: Record<string, (request: Request) => Promise<Record<string, unknown> | string>> = {
    '/Execute': (request) => statement(request, (client) => executeStatement(client, request)),
    '/BatchExecute': (request) => statement(request, (client) => batchExecuteStatement(client, request), true),
    '/BeginTransaction': async (request) => ({ transactionId: await connecting(() => transactions.begin(poolFor(request))) }),
    '/CommitTransaction': async (request) => {
      const result = await transactions.finish(requireId(request), 'COMMIT');
      // COMMIT of a failed transaction comes back as ROLLBACK; the driver reports it as an error.
      if (result.command === 'ROLLBACK') throw databaseError('The database returned ROLLBACK, so the transaction cannot be committed.');
      return { transactionStatus: 'Transaction Committed' };
    },
    '/RollbackTransaction': async (request) => {
      await transactions.finish(requireId(request), 'ROLLBACK');
      return { transactionStatus: 'Rollback Complete' };
    },
  };

  /**
   * Runs a statement in its transaction, or on its own (a batch atomically) on a connection that starts and ends
   * clean: the service commits every call without a transactionId, so a connection left inside a transaction (a
   * statement that was BEGIN) or broken is discarded, never handed to the next call.
   */
  async function statement(request: Request, work: (client: pg.ClientBase) => Promise<Record<string, unknown>>, atomic = false) {
    checkRequest(request);
    const pool = poolFor(request);
    let held: Lease | undefined;
    let execution: Promise<Record<string, unknown>>;
    if (request.transactionId) {
      execution = transactions.run(request.transactionId, (lease) => {
        held = lease;
        return work(lease.client);
      });
    } else {
      const own = await connecting(() => lease(pool));
      held = own;
      execution = (atomic ? inTransaction(own.client, work) : work(own.client)).then(
        (result) => (own.release(), result),
        (error: unknown) => {
          own.release(endsConnection(error));
          throw error;
        },
      );
    }
    const result = await withTimeout(execution, pool, () => held?.pid ?? 0, request.continueAfterTimeout === true);
    const body = exactJson(result);
    if (Buffer.byteLength(body) > config.maxResultBytes) throw responseTooLarge();
    return body;
  }

  function withTimeout<T>(execution: Promise<T>, pool: pg.Pool, pid: () => number, continueAfterTimeout: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Stop the statement unless the caller asked it to keep running (DDL, long writes).
        if (!continueAfterTimeout) cancelBackend(pool, pid()).catch(() => undefined);
        reject(statementTimeout(pid()));
      }, config.statementTimeoutMs);
      execution.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }

  const server = createServer((req, res) => {
    requestCount++;
    handle(req, res).catch(() => res.destroy());
  });
  const destroySockets = trackSockets(server);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = { 'x-amzn-RequestId': randomUUID() };
    try {
      // The service's request limit counts headers as well as the JSON body.
      const headerBytes = req.rawHeaders.reduce((sum, h) => sum + Buffer.byteLength(h) + 2, 0);
      const body = await readBody(req, Math.max(0, config.maxRequestBytes - headerBytes));
      if (Date.now() < resumingUntil) throw databaseResuming();
      const operation = req.method === 'POST' ? operations[new URL(req.url ?? '/', 'http://local').pathname] : undefined;
      if (!operation) throw badRequest(`Unsupported operation: ${req.method} ${req.url}`);
      sendJson(res, 200, await operation(parseRequest(body)), headers);
    } catch (caught) {
      const error = caught instanceof BodyTooLargeError ? requestTooLarge() : toDataApiError(caught);
      sendJson(res, error.status, error.body(), { ...headers, 'x-amzn-ErrorType': error.type });
    }
  }

  const port = await listen(server, options.port ?? 0);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests: () => requestCount,
    resumingFor: (ms) => {
      resumingUntil = Date.now() + ms;
    },
    close: async () => {
      await closeServer(server, destroySockets);
      await transactions.closeAll();
      await pools.closeAll();
    },
  };
}

/** Getting a connection: the database down or starting (restart, failover) is the service's "unavailable". */
async function connecting<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    if (error instanceof DataApiError) throw error;
    if (error instanceof pg.DatabaseError && error.code !== '57P03') throw error;
    throw databaseUnavailable();
  }
}

async function inTransaction<T>(client: pg.ClientBase, work: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function requireId(request: Request): string {
  if (!request.transactionId) throw badRequest('Transaction ID is required');
  return request.transactionId;
}

function parseRequest(body: Buffer): Request {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Request;
  } catch {
    // fall through to the service's generic refusal
  }
  throw badRequest('Request body is not valid JSON');
}
