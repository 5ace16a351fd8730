// Data API named parameters (:name) -> PostgreSQL positional parameters ($n) with the types the
// service sends. The service binds through JDBC, so a stringValue arrives typed as varchar
// (hence its famous "column is of type uuid but expression is of type character varying"),
// longValue as int8, doubleValue as float8, and typeHint picks date/time/timestamp/numeric/
// json/uuid instead. We reproduce that with casts on the placeholders.
import { segments } from '../../lib/db';
import { badRequest } from './data-api-errors.js';

export type Field = {
  isNull?: boolean;
  booleanValue?: boolean;
  longValue?: number;
  doubleValue?: number;
  stringValue?: string;
  blobValue?: string;
  arrayValue?: unknown;
};

export type SqlParameter = { name?: string; value?: Field; typeHint?: string };

const HINT_CAST: Record<string, string> = {
  DATE: 'date',
  TIME: 'time',
  TIMESTAMP: 'timestamp',
  DECIMAL: 'numeric',
  JSON: 'json',
  UUID: 'uuid',
};

/**
 * The only text the date/time hints accept (API reference, SqlParameter.typeHint: DATE "YYYY-MM-DD", TIME
 * "HH:MM:SS[.FFF]", TIMESTAMP "YYYY-MM-DD HH:MM:SS[.FFF]"): no 'T', no zone, no offset, at most milliseconds.
 */
const HINT_FORMAT: Record<string, RegExp> = {
  DATE: /^\d{4}-\d{2}-\d{2}$/,
  TIME: /^\d{2}:\d{2}:\d{2}(\.\d{1,3})?$/,
  TIMESTAMP: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$/,
};

type Bound = { value: unknown; cast: string | undefined };

/** The pg value and placeholder cast for one Field. */
function bindField(parameter: SqlParameter): Bound {
  const field = parameter.value ?? {};
  if (field.arrayValue !== undefined) throw badRequest('Array parameters are not supported.');
  if (field.isNull) return { value: null, cast: undefined };
  if (field.stringValue !== undefined) {
    const hint = parameter.typeHint ? HINT_CAST[parameter.typeHint] : undefined;
    if (parameter.typeHint && !hint) throw badRequest(`Invalid type hint: ${parameter.typeHint}`);
    const format = parameter.typeHint ? HINT_FORMAT[parameter.typeHint] : undefined;
    if (format && !format.test(field.stringValue)) {
      throw badRequest(`Parameter "${parameter.name ?? ''}" does not match the ${parameter.typeHint} format: ${field.stringValue}`);
    }
    return { value: field.stringValue, cast: hint ?? 'varchar' };
  }
  if (field.longValue !== undefined) return { value: String(field.longValue), cast: 'int8' };
  if (field.doubleValue !== undefined) return { value: String(field.doubleValue), cast: 'float8' };
  if (field.booleanValue !== undefined) return { value: field.booleanValue, cast: 'bool' };
  if (field.blobValue !== undefined) return { value: Buffer.from(field.blobValue, 'base64'), cast: 'bytea' };
  throw badRequest(`Parameter "${parameter.name ?? ''}" has no value`);
}

export type BoundStatement = { text: string; values: unknown[] };

/** Rewrites :name placeholders (outside strings, identifiers, comments and :: casts). */
export function bindNamedParameters(sql: string, parameters: SqlParameter[] = []): BoundStatement {
  const byName = new Map(parameters.map((p) => [p.name ?? '', p]));
  const positions = new Map<string, number>();
  const values: unknown[] = [];
  const placeholder = (name: string): string => {
    const parameter = byName.get(name);
    if (!parameter) throw badRequest(`No value specified for parameter ${name}`);
    const bound = bindField(parameter);
    let position = positions.get(name);
    if (position === undefined) {
      values.push(bound.value);
      position = values.length;
      positions.set(name, position);
    }
    return bound.cast ? `$${position}::${bound.cast}` : `$${position}`;
  };
  // A literal segment never ends in ':', so the look-behind on a code segment sees every cast.
  const text = segments(sql)
    .map((s) => (s.code ? s.text.replace(/(?<!:):([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => placeholder(name)) : s.text))
    .join('');
  return { text, values };
}
