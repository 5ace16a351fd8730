// Positional parameters ($1) to the Data API's named ones (:p1). Typed values travel as typed fields (numbers,
// booleans, bytes, NULL; bigints as DECIMAL-hinted text, exact past 2^53). Text-form values (strings, Dates,
// arrays, objects) become untyped SQL literals instead: node-postgres sends them untyped and the server infers
// the type from the context, whereas a Data API stringValue is bound as varchar and cannot be assigned to a
// uuid, json, timestamp or enum column. The literal is an E'' string with every quote and backslash escaped.
import type { Field, SqlParameter, TypeHint } from '@aws-sdk/client-rds-data';
import { BadInputError } from '../../errors';
import { rewritePlaceholders } from '../../sql-scan';
import { textForm } from '../param-text';

export type BoundStatement = { sql: string; parameters: SqlParameter[] };

/** Rewrites `$n` placeholders (never inside literals or comments) for ExecuteStatement. */
export function bindParameters(text: string, params: readonly unknown[] | undefined): BoundStatement {
  const values = params ?? [];
  const parameters: SqlParameter[] = [];
  const named = new Set<number>();
  const sql = rewritePlaceholders(text, (n) => {
    if (n < 1 || n > values.length) throw new BadInputError(`the statement uses $${n} but ${values.length} parameter(s) were given`);
    const value = values[n - 1];
    const typed = typedField(value);
    if (!typed) return untypedLiteral(textForm(value));
    if (!named.has(n)) {
      named.add(n);
      parameters.push(typed.hint ? { name: `p${n}`, value: typed.field, typeHint: typed.hint } : { name: `p${n}`, value: typed.field });
    }
    return `:p${n}`;
  });
  return { sql, parameters };
}

function typedField(value: unknown): { field: Field; hint?: TypeHint } | undefined {
  if (value === null || value === undefined) return { field: { isNull: true } };
  if (typeof value === 'boolean') return { field: { booleanValue: value } };
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return { field: { longValue: value } };
    if (Number.isFinite(value)) return { field: { doubleValue: value } };
    return undefined; // NaN, Infinity: as text, like node-postgres
  }
  if (typeof value === 'bigint') return { field: { stringValue: value.toString() }, hint: 'DECIMAL' };
  if (value instanceof Uint8Array) return { field: { blobValue: value } };
  return undefined;
}

function untypedLiteral(text: string): string {
  if (text.includes('\u0000')) throw new BadInputError('text parameters cannot contain NUL characters');
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
