// Data API named parameters (:name) -> PostgreSQL positional parameters ($n) with the types the
// service sends. The service binds through JDBC, so a stringValue arrives typed as varchar
// (hence its famous "column is of type uuid but expression is of type character varying"),
// longValue as int8, doubleValue as float8, and typeHint picks date/time/timestamp/numeric/
// json/uuid instead. We reproduce that with casts on the placeholders.
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

type Bound = { value: unknown; cast: string | undefined };

/** The pg value and placeholder cast for one Field. */
function bindField(parameter: SqlParameter): Bound {
  const field = parameter.value ?? {};
  if (field.arrayValue !== undefined) throw badRequest('Array parameters are not supported.');
  if (field.isNull) return { value: null, cast: undefined };
  if (field.stringValue !== undefined) {
    const hint = parameter.typeHint ? HINT_CAST[parameter.typeHint] : undefined;
    if (parameter.typeHint && !hint) throw badRequest(`Invalid type hint: ${parameter.typeHint}`);
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
  let text = '';
  let i = 0;
  while (i < sql.length) {
    const skip = skipLiteral(sql, i);
    if (skip > i) {
      text += sql.slice(i, skip);
      i = skip;
      continue;
    }
    const name = sql[i] === ':' && sql[i + 1] !== ':' && sql[i - 1] !== ':' ? /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))?.[0] : undefined;
    if (!name) {
      text += sql[i];
      i++;
      continue;
    }
    const parameter = byName.get(name);
    if (!parameter) throw badRequest(`No value specified for parameter ${name}`);
    let position = positions.get(name);
    let cast: string | undefined;
    if (position === undefined) {
      const bound = bindField(parameter);
      values.push(bound.value);
      position = values.length;
      positions.set(name, position);
      cast = bound.cast;
    } else {
      cast = bindField(parameter).cast;
    }
    text += cast ? `$${position}::${cast}` : `$${position}`;
    i += name.length + 1;
  }
  return { text, values };
}

/** Index just past a string, quoted identifier, comment or dollar-quoted body starting at i; i if none. */
function skipLiteral(sql: string, i: number): number {
  const c = sql[i];
  const next = sql[i + 1];
  if (c === "'") {
    // E'...' strings honour backslash escapes; standard strings only double the quote.
    const escapes = /[eE]/.test(sql[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? '');
    return skipQuoted(sql, i, "'", escapes);
  }
  if (c === '"') return skipQuoted(sql, i, '"', false);
  if (c === '-' && next === '-') {
    const end = sql.indexOf('\n', i);
    return end === -1 ? sql.length : end;
  }
  if (c === '/' && next === '*') return skipBlockComment(sql, i);
  if (c === '$') {
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))?.[0];
    if (tag && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
      const end = sql.indexOf(tag, i + tag.length);
      return end === -1 ? sql.length : end + tag.length;
    }
  }
  return i;
}

function skipQuoted(sql: string, start: number, quote: string, escapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    if (escapes && sql[i] === '\\') {
      i += 2;
      continue;
    }
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

/** Block comments nest in PostgreSQL. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}
