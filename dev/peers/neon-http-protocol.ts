// Wire shapes of Neon's SQL-over-HTTP endpoint (POST /sql), as the proxy sends and the
// @neondatabase/serverless neon() driver parses them: request headers and body in, result
// objects and error bodies out. No I/O here.
import pg, { type FieldDef } from 'pg';
import { textToJson } from './neon-http-values.js';

export const HEADER = {
  CONNECTION_STRING: 'neon-connection-string',
  RAW_TEXT_OUTPUT: 'neon-raw-text-output',
  ARRAY_MODE: 'neon-array-mode',
  ISOLATION_LEVEL: 'neon-batch-isolation-level',
  READ_ONLY: 'neon-batch-read-only',
  DEFERRABLE: 'neon-batch-deferrable',
} as const;

/** A request the proxy refuses before reaching PostgreSQL; `status` is the HTTP status it uses. */
export class NeonRequestError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const ISOLATION_SQL: Record<string, string> = {
  Serializable: 'SERIALIZABLE',
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
};

export type RequestOptions = {
  user: string;
  /** Never echoed back or logged. */
  password: string | undefined;
  database: string;
  rawOutput: boolean;
  arrayMode: boolean;
  isolationLevel: string | undefined;
  readOnly: boolean;
  deferrable: boolean;
};

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads the Neon-* headers. Only the exact value "true" turns a flag on, as in the proxy. */
export function parseRequestOptions(headers: Headers): RequestOptions {
  const connectionString = header(headers, HEADER.CONNECTION_STRING);
  if (!connectionString) throw new NeonRequestError(`invalid header: ${HEADER.CONNECTION_STRING}`);
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch (error) {
    throw new NeonRequestError(`invalid connection string: ${(error as Error).message}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new NeonRequestError('incorrect scheme');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new NeonRequestError('missing database name');
  const user = decodeURIComponent(url.username);
  if (!user) throw new NeonRequestError('missing username');
  // Checked by the PostgreSQL behind (a trusting one accepts any); never echoed back.
  const password = url.password ? decodeURIComponent(url.password) : undefined;

  const isolation = header(headers, HEADER.ISOLATION_LEVEL);
  if (isolation !== undefined && !(isolation in ISOLATION_SQL)) throw new NeonRequestError('invalid isolation level');
  return {
    user,
    password,
    database,
    rawOutput: header(headers, HEADER.RAW_TEXT_OUTPUT) === 'true',
    arrayMode: header(headers, HEADER.ARRAY_MODE) === 'true',
    isolationLevel: isolation,
    readOnly: header(headers, HEADER.READ_ONLY) === 'true',
    deferrable: header(headers, HEADER.DEFERRABLE) === 'true',
  };
}

export type QueryData = { query: string; params: (string | null)[]; arrayMode?: boolean };
export type Payload = { kind: 'single'; query: QueryData } | { kind: 'batch'; queries: QueryData[] };

/** Parses `{query, params, arrayMode?}` or `{queries: [...]}` (the proxy's untagged enum). */
export function parsePayload(body: Buffer): Payload {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new NeonRequestError(`could not parse the HTTP request body: ${(error as Error).message}`);
  }
  if (isObject(json) && typeof json.query === 'string') return { kind: 'single', query: toQueryData(json) };
  if (isObject(json) && Array.isArray(json.queries)) {
    return { kind: 'batch', queries: json.queries.map((q) => (isObject(q) && typeof q.query === 'string' ? toQueryData(q) : invalidBody())) };
  }
  return invalidBody();
}

function invalidBody(): never {
  throw new NeonRequestError('could not parse the HTTP request body: data did not match any variant of untagged enum Payload');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toQueryData(json: Record<string, unknown>): QueryData {
  const params = Array.isArray(json.params) ? json.params.map(jsonToPgText) : [];
  return { query: json.query as string, params, arrayMode: typeof json.arrayMode === 'boolean' ? json.arrayMode : undefined };
}

/** JSON parameter -> PostgreSQL text, as the proxy does (arrays become array literals). */
function jsonToPgText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return jsonArrayToPgArray(value);
  return JSON.stringify(value);
}

function jsonArrayToPgArray(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return `{${value.map(jsonArrayToPgArray).join(',')}}`;
  // Inside an array literal strings must be quoted and escaped; JSON quoting does exactly that.
  if (typeof value === 'object') return JSON.stringify(JSON.stringify(value));
  return JSON.stringify(value);
}

export function beginStatement(options: RequestOptions): string {
  const parts = ['BEGIN'];
  if (options.isolationLevel) parts.push(`ISOLATION LEVEL ${ISOLATION_SQL[options.isolationLevel]}`);
  if (options.readOnly) parts.push('READ ONLY');
  if (options.deferrable) parts.push('DEFERRABLE');
  return parts.join(' ');
}

/** Response headers the proxy echoes for a batch (transaction) request. */
export function batchResponseHeaders(options: RequestOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (options.readOnly) headers['Neon-Batch-Read-Only'] = 'true';
  if (options.deferrable) headers['Neon-Batch-Deferrable'] = 'true';
  if (options.isolationLevel) headers['Neon-Batch-Isolation-Level'] = options.isolationLevel;
  return headers;
}

export type PgRawResult = { fields: FieldDef[]; rows: (string | null)[][]; command: string | null; rowCount: number | null };

/** Shapes one statement result the way the proxy serializes it (key order included). */
export function shapeResult(result: PgRawResult, rawOutput: boolean, arrayMode: boolean): Record<string, unknown> {
  const fields = result.fields.map((f) => ({
    name: f.name,
    dataTypeID: f.dataTypeID,
    tableID: f.tableID,
    columnID: f.columnID,
    dataTypeSize: f.dataTypeSize,
    dataTypeModifier: f.dataTypeModifier,
    format: 'text',
  }));
  const rows = result.rows.map((row) => {
    const values = row.map((value, i) => (value === null || rawOutput ? value : textToJson(value, result.fields[i]!.dataTypeID)));
    if (arrayMode) return values;
    return Object.fromEntries(values.map((value, i) => [result.fields[i]!.name, value]));
  });
  return { rowAsArray: arrayMode, fields, rows, command: result.command ?? '', rowCount: result.rowCount ?? null };
}

const ERROR_FIELDS = ['detail', 'hint', 'where', 'table', 'column', 'schema', 'dataType', 'constraint', 'file', 'line', 'routine'] as const;

type PgErrorLike = Partial<Record<(typeof ERROR_FIELDS)[number] | 'code' | 'severity' | 'position' | 'internalPosition' | 'internalQuery', string>> & {
  message: string;
};

/** True for errors PostgreSQL itself reported (they carry a SQLSTATE). */
export function isPgError(error: unknown): error is PgErrorLike {
  return error instanceof pg.DatabaseError;
}

/** The proxy's error body: every field present, null when PostgreSQL did not send it. */
export function errorBody(error: unknown): Record<string, unknown> {
  const pgError = isPgError(error) ? error : undefined;
  const body: Record<string, unknown> = {
    message: error instanceof Error ? error.message : String(error),
    code: pgError?.code ?? '',
    detail: null,
    hint: null,
    position: pgError?.position ?? null,
    internalPosition: pgError?.internalPosition ?? null,
    internalQuery: pgError?.internalQuery ?? null,
    severity: pgError?.severity ?? '',
  };
  for (const name of ERROR_FIELDS) body[name] = pgError?.[name] ?? null;
  return body;
}
