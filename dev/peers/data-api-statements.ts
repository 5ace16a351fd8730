// ExecuteStatement / BatchExecuteStatement on one pg client: bind parameters, run, and shape
// the response (records, columnMetadata, formattedRecords, numberOfRecordsUpdated).
import type pg from 'pg';
import { toField, toJsonRecord, type ResultSetOptions } from './data-api-fields.js';
import { columnMetadata } from './data-api-metadata.js';
import { bindNamedParameters, type SqlParameter } from './data-api-params.js';

export type ExecuteRequest = {
  sql: string;
  parameters?: SqlParameter[];
  includeResultMetadata?: boolean;
  formatRecordsAs?: string;
  resultSetOptions?: ResultSetOptions;
};

type RawResult = { fields: pg.FieldDef[]; rows: (string | null)[][]; rowCount: number | null };

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
  if (returnsRows && request.formatRecordsAs === 'JSON') {
    // The JSON text is built by hand so int8 values keep every digit.
    response.formattedRecords = `[${result.rows.map((row) => toJsonRecord(row, result.fields, options)).join(',')}]`;
  } else if (returnsRows) {
    response.records = result.rows.map((row) => row.map((value, i) => toField(value, result.fields[i]!.dataTypeID, options)));
    if (request.includeResultMetadata) response.columnMetadata = await columnMetadata(client, result.fields);
  }
  // A statement that returns rows reports no update count (JDBC's -1), shown as 0.
  response.numberOfRecordsUpdated = returnsRows ? 0 : (result.rowCount ?? 0);
  // Aurora PostgreSQL never fills generatedFields (use RETURNING); the member is an empty list.
  response.generatedFields = [];
  return response;
}

export type BatchRequest = { sql: string; parameterSets?: SqlParameter[][] };

/** Runs the statement once per parameter set; the caller supplies the surrounding transaction. */
export async function batchExecuteStatement(client: pg.ClientBase, request: BatchRequest): Promise<Record<string, unknown>> {
  const sets = request.parameterSets?.length ? request.parameterSets : [[]];
  for (const parameters of sets) await run(client, request.sql, parameters);
  return { updateResults: (request.parameterSets ?? []).map(() => ({ generatedFields: [] })) };
}
