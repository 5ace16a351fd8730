// The ExecuteStatement input the driver sends: result metadata only when rows can come back, and the service's
// 4 MiB request limit checked before sending without serializing every small request twice.
import type { ExecuteStatementCommandInput, SqlParameter } from '@aws-sdk/client-rds-data';
import { LimitExceededError } from '../../errors';
import { codeOnly } from '../../sql-scan';
import { memoByText } from '../../text-memo';

/** The service refuses requests over 4 MiB, headers included; this much is kept for headers and signing. */
const REQUEST_LIMIT_BYTES = 4 * 1024 * 1024;
const HEADER_ALLOWANCE_BYTES = 8 * 1024;
/** JSON's worst case per UTF-16 unit of text (a \u00XX escape); a typed parameter's JSON, text aside, is below this. */
const MAX_BYTES_PER_CHAR = 6;
const MAX_BYTES_PER_PARAMETER = 256;
const FIXED_BYTES = 1024;
const RESULT_OPTIONS = { longReturnType: 'STRING', decimalReturnType: 'STRING' } as const;
/** INSERT/UPDATE/DELETE without RETURNING: no result set, so no column metadata to ask for (the service builds it). */
const NO_RESULT_SET = /^\s*(?:insert|update|delete)\b/i;
const RETURNING = /\breturning\b/i;

export type DataApiTarget = { resourceArn: string; secretArn: string; database: string };

/** The input for one statement; `metadata`: column types for mapping rows (see mayReturnRows). */
export function executeInput(
  target: DataApiTarget,
  sql: string,
  parameters: SqlParameter[],
  transactionId: string | undefined,
  metadata: boolean,
): ExecuteStatementCommandInput {
  // One shape for every input (undefined members are not sent); int8 and numeric as exact text whatever comes back.
  const input: ExecuteStatementCommandInput = {
    resourceArn: target.resourceArn,
    secretArn: target.secretArn,
    database: target.database,
    sql,
    parameters: parameters.length > 0 ? parameters : undefined,
    transactionId,
    includeResultMetadata: metadata || undefined,
    resultSetOptions: RESULT_OPTIONS,
  };
  checkSize(input, parameters);
  return input;
}

/**
 * Whether a statement (as the caller wrote it) can return rows, whose column types are how they are mapped
 * (fields.ts). Conservative: only INSERT/UPDATE/DELETE without RETURNING in its code is known to return none.
 */
export const mayReturnRows = memoByText((sql: string): boolean => {
  if (!NO_RESULT_SET.test(sql)) return true;
  const code = codeOnly(sql);
  return !NO_RESULT_SET.test(code) || RETURNING.test(code);
});

function checkSize(input: ExecuteStatementCommandInput, parameters: SqlParameter[]): void {
  let chars = input.sql!.length + input.resourceArn!.length + input.secretArn!.length + (input.database?.length ?? 0) + (input.transactionId?.length ?? 0);
  let measure = false;
  for (const p of parameters) {
    if (p.value?.blobValue !== undefined) measure = true;
    chars += p.value?.stringValue?.length ?? 0;
  }
  // Far below the limit even at the worst case: nothing to measure (the common case, without a serialization).
  const worstCase = chars * MAX_BYTES_PER_CHAR + parameters.length * MAX_BYTES_PER_PARAMETER + FIXED_BYTES + HEADER_ALLOWANCE_BYTES;
  if (!measure && worstCase <= REQUEST_LIMIT_BYTES) return;
  const bytes = Buffer.byteLength(JSON.stringify(input)) + HEADER_ALLOWANCE_BYTES;
  if (bytes > REQUEST_LIMIT_BYTES) {
    throw new LimitExceededError(`request of about ${bytes} bytes is over the Data API 4 MiB limit; nothing was sent`);
  }
}
