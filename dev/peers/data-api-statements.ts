// ExecuteStatement / BatchExecuteStatement on one pg client: bind parameters, run, and shape the response
// (records, columnMetadata, formattedRecords, numberOfRecordsUpdated, generatedFields) as Serverless v2 and
// provisioned clusters do (AWS Aurora User Guide, data-api.differences and data-api.troubleshooting).
import type pg from 'pg';
import { segments } from '../../lib/db';
import { badRequest, unsupportedResult, validation } from './data-api-errors.js';
import { toField, toJsonRecord, type ResultSetOptions } from './data-api-fields.js';
import { columnMetadata } from './data-api-metadata.js';
import { bindNamedParameters, type SqlParameter } from './data-api-params.js';

export type ExecuteRequest = {
  sql: string;
  parameters?: SqlParameter[];
  includeResultMetadata?: boolean;
  formatRecordsAs?: string;
  resultSetOptions?: ResultSetOptions;
  schema?: string;
};

type RawResult = { fields: pg.FieldDef[]; rows: (string | null)[][]; rowCount: number | null };

/**
 * Result types the service does not map ("UnsupportedResultException: The result contains the unsupported data
 * type ..."): the documented geometric and monetary types, and those reported from v2 clusters ("char" as "CHAR",
 * the reg* object identifier types). Named as the service names them.
 */
const UNSUPPORTED_TYPES: ReadonlyMap<number, string> = new Map([
  [18, '"CHAR"'],
  [790, 'money'],
  [600, 'point'],
  [601, 'lseg'],
  [602, 'path'],
  [603, 'box'],
  [604, 'polygon'],
  [628, 'line'],
  [718, 'circle'],
  [24, 'regproc'],
  [2202, 'regprocedure'],
  [2203, 'regoper'],
  [2204, 'regoperator'],
  [2205, 'regclass'],
  [2206, 'regtype'],
  [3734, 'regconfig'],
  [3769, 'regdictionary'],
  [4089, 'regnamespace'],
  [4096, 'regrole'],
  [4191, 'regcollation'],
]);
// Their array types, by element.
const UNSUPPORTED_ARRAYS: ReadonlyMap<number, number> = new Map([
  [1002, 18], [791, 790], [1017, 600], [1018, 601], [1019, 602], [1020, 603], [1027, 604], [629, 628], [719, 718],
  [1008, 24], [2207, 2202], [2208, 2203], [2209, 2204], [2210, 2205], [2211, 2206], [3735, 3734], [3770, 3769],
  [4090, 4089], [4097, 4096], [4192, 4191],
]);

/** Refusals the service makes before running anything. */
export function checkRequest(request: { sql: string; schema?: string }): void {
  if (typeof request.sql !== 'string' || request.sql.trim() === '') throw badRequest('SQL statement is required');
  // "Schema parameter behavior": v1 ignored it, v2 refuses it.
  if (request.schema !== undefined) throw validation("The schema parameter isn't supported");
  // "Multistatement support": v2 refuses them (a trailing semicolon is one statement).
  const code = segments(request.sql)
    .filter((s) => s.code)
    .map((s) => s.text)
    .join(' ');
  if (/;\s*\S/.test(code.replace(/;\s*$/, ''))) throw validation("Multistatements aren't supported.");
}

function checkResultTypes(fields: pg.FieldDef[]): void {
  for (const field of fields) {
    const oid = UNSUPPORTED_ARRAYS.get(field.dataTypeID) ?? field.dataTypeID;
    const name = UNSUPPORTED_TYPES.get(oid);
    if (name) throw unsupportedResult(`The result contains the unsupported data type ${name}.`);
  }
}

async function run(client: pg.ClientBase, sql: string, parameters: SqlParameter[] | undefined): Promise<RawResult> {
  const { text, values } = bindNamedParameters(sql, parameters);
  // Extended protocol always: one statement per call, parameters bound server-side.
  const result = await client.query({ text, values, rowMode: 'array', queryMode: 'extended' } as pg.QueryArrayConfig);
  return result as unknown as RawResult;
}

export async function executeStatement(client: pg.ClientBase, request: ExecuteRequest): Promise<Record<string, unknown>> {
  const result = await run(client, request.sql, request.parameters);
  const options = request.resultSetOptions ?? {};
  const returnsRows = result.fields.length > 0;
  const response: Record<string, unknown> = {};
  if (returnsRows) checkResultTypes(result.fields);
  if (returnsRows && request.formatRecordsAs === 'JSON') {
    // The JSON text is built by hand so int8 values keep every digit.
    response.formattedRecords = `[${result.rows.map((row) => toJsonRecord(row, result.fields, options)).join(',')}]`;
  } else if (returnsRows) {
    response.records = result.rows.map((row) => row.map((value, i) => toField(value, result.fields[i]!.dataTypeID, options)));
    if (request.includeResultMetadata) response.columnMetadata = await columnMetadata(client, result.fields);
  }
  // A statement that returns rows reports no update count (JDBC's -1), shown as 0.
  response.numberOfRecordsUpdated = returnsRows ? 0 : (result.rowCount ?? 0);
  // Aurora PostgreSQL never fills generatedFields (use RETURNING): an empty list on DML, absent on a result set.
  if (!returnsRows) response.generatedFields = [];
  return response;
}

export type BatchRequest = { sql: string; parameterSets?: SqlParameter[][]; schema?: string };

/**
 * Runs the statement once per parameter set; the caller supplies the surrounding transaction. Without parameter
 * sets nothing runs: the API reference asks for one or more empty sets to run a statement without parameters.
 */
export async function batchExecuteStatement(client: pg.ClientBase, request: BatchRequest): Promise<Record<string, unknown>> {
  const sets = request.parameterSets ?? [];
  for (const parameters of sets) await run(client, request.sql, parameters);
  return { updateResults: sets.map(() => ({ generatedFields: [] })) };
}

