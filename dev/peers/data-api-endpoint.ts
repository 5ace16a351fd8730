// Local RDS Data API over the local PostgreSQL, for the real AWS SDK v3 RDSDataClient:
//   new RDSDataClient({ endpoint: endpoint.url, region: 'us-east-1',
//                       credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })
// REST-JSON: POST /Execute, /BatchExecute, /BeginTransaction, /CommitTransaction,
// /RollbackTransaction. SigV4 signatures are accepted unchecked; resourceArn/secretArn are
// ignored; `database` picks the PostgreSQL database. Limits and errors follow the service.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { badRequest, databaseResuming, requestTooLarge, responseTooLarge, statementTimeout, toDataApiError } from './data-api-errors.js';
import { batchExecuteStatement, executeStatement, type BatchRequest, type ExecuteRequest } from './data-api-statements.js';
import { createTransactionRegistry } from './data-api-transactions.js';
import { BodyTooLargeError, closeServer, listen, readBody, sendJson, trackSockets } from './http-util.js';
import { definedOnly } from './options.js';
import { createPoolCache } from './pg-pools.js';

export type DataApiEndpointOptions = {
  port?: number;
  pgHost?: string;
  pgPort?: number;
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
  statementTimeoutMs: 45_000,
  transactionIdleMs: 180_000,
  maxResultBytes: 1024 * 1024,
  maxRequestBytes: 4 * 1024 * 1024,
};
// The user the secret would name; local trust auth makes it the only thing we need.
const DB_USER = 'postgres';

type Request = ExecuteRequest &
  BatchRequest & { database?: string; transactionId?: string; continueAfterTimeout?: boolean };

export async function startDataApiEndpoint(options: DataApiEndpointOptions = {}): Promise<DataApiEndpoint> {
  const config = { ...DEFAULTS, ...definedOnly(options) };
  // Aurora sessions default to UTC; timestamptz values are reported in UTC.
  const pools = createPoolCache({ host: config.pgHost, port: config.pgPort }, { settings: { TimeZone: 'UTC' }, applicationName: 'local-data-api' });
  const transactions = createTransactionRegistry(config.transactionIdleMs);
  let requestCount = 0;
  let resumingUntil = 0;

  const poolFor = (request: Request) => pools.get(DB_USER, request.database || 'postgres');

  const operations: Record<string, (request: Request) => Promise<Record<string, unknown>>> = {
    '/Execute': (request) => statement(request, (client) => executeStatement(client, request)),
    '/BatchExecute': (request) => statement(request, (client) => batchExecuteStatement(client, request), true),
    '/BeginTransaction': async (request) => ({ transactionId: await transactions.begin(poolFor(request)) }),
    '/CommitTransaction': async (request) => {
      const result = await transactions.finish(requireId(request), 'COMMIT');
      // COMMIT of a failed transaction comes back as ROLLBACK; the driver reports it as an error.
      if (result.command === 'ROLLBACK') throw badRequest('The database returned ROLLBACK, so the transaction cannot be committed.');
      return { transactionStatus: 'Transaction Committed' };
    },
    '/RollbackTransaction': async (request) => {
      await transactions.finish(requireId(request), 'ROLLBACK');
      return { transactionStatus: 'Rollback Complete' };
    },
  };

  /** Runs a statement in its transaction, or on its own (a batch atomically), under the time limit. */
  async function statement(request: Request, work: (client: pg.ClientBase) => Promise<Record<string, unknown>>, atomic = false) {
    if (typeof request.sql !== 'string' || request.sql.trim() === '') throw badRequest('SQL statement is required');
    let pid = 0;
    let execution: Promise<Record<string, unknown>>;
    if (request.transactionId) {
      execution = transactions.run(request.transactionId, (client) => {
        pid = backendPid(client);
        return work(client);
      });
    } else {
      const client = await poolFor(request).connect();
      pid = backendPid(client);
      execution = (atomic ? inTransaction(client, work) : work(client)).then(
        (result) => (client.release(), result),
        (error: unknown) => {
          client.release(error instanceof pg.DatabaseError ? undefined : (error as Error));
          throw error;
        },
      );
    }
    const result = await withTimeout(execution, pid, request, request.continueAfterTimeout === true);
    if (Buffer.byteLength(JSON.stringify(result)) > config.maxResultBytes) throw responseTooLarge();
    return result;
  }

  function withTimeout<T>(execution: Promise<T>, pid: number, request: Request, continueAfterTimeout: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Stop the statement unless the caller asked it to keep running (DDL, long writes).
        if (!continueAfterTimeout) cancelBackend(request.database || 'postgres', pid).catch(() => undefined);
        reject(statementTimeout(pid));
      }, config.statementTimeoutMs);
      execution.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }

  async function cancelBackend(database: string, pid: number): Promise<void> {
    const admin = new pg.Client({ host: config.pgHost, port: config.pgPort, user: DB_USER, database });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      await admin.query('SELECT pg_cancel_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
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

/** The server process id pg reads from BackendKeyData (not in @types/pg). */
function backendPid(client: pg.ClientBase): number {
  return (client as unknown as { processID?: number }).processID ?? 0;
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
