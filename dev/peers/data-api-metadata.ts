// columnMetadata (includeResultMetadata: true) the way the service fills it from its JDBC driver's
// ResultSetMetaData: JDBC type codes, PostgreSQL type names, table/nullability from the catalog.
import type pg from 'pg';
import { arrayElementOid, OID } from './pg-types.js';

export type ColumnMetadata = {
  name: string;
  type: number;
  typeName: string;
  label: string;
  schemaName: string;
  tableName: string;
  isAutoIncrement: boolean;
  isSigned: boolean;
  isCurrency: boolean;
  isCaseSensitive: boolean;
  nullable: number;
  precision: number;
  scale: number;
  arrayBaseColumnType: number;
};

// java.sql.Types codes, as the PostgreSQL JDBC driver assigns them.
const JDBC = { BIT: -7, BIGINT: -5, BINARY: -2, CHAR: 1, NUMERIC: 2, INTEGER: 4, SMALLINT: 5, REAL: 7, DOUBLE: 8, VARCHAR: 12, DATE: 91, TIME: 92, TIMESTAMP: 93, OTHER: 1111, ARRAY: 2003 } as const;

const JDBC_TYPE: ReadonlyMap<number, number> = new Map([
  [OID.BOOL, JDBC.BIT],
  [OID.BYTEA, JDBC.BINARY],
  [OID.CHAR, JDBC.CHAR],
  [OID.NAME, JDBC.VARCHAR],
  [OID.INT8, JDBC.BIGINT],
  [OID.INT2, JDBC.SMALLINT],
  [OID.INT4, JDBC.INTEGER],
  [OID.TEXT, JDBC.VARCHAR],
  [OID.OID, JDBC.BIGINT],
  [OID.FLOAT4, JDBC.REAL],
  [OID.FLOAT8, JDBC.DOUBLE],
  [OID.MONEY, JDBC.DOUBLE],
  [OID.BPCHAR, JDBC.CHAR],
  [OID.VARCHAR, JDBC.VARCHAR],
  [OID.DATE, JDBC.DATE],
  [OID.TIME, JDBC.TIME],
  [OID.TIMETZ, JDBC.TIME],
  [OID.TIMESTAMP, JDBC.TIMESTAMP],
  [OID.TIMESTAMPTZ, JDBC.TIMESTAMP],
  [OID.NUMERIC, JDBC.NUMERIC],
]);

const NUMERIC_OIDS = new Set<number>([OID.INT2, OID.INT4, OID.INT8, OID.OID, OID.FLOAT4, OID.FLOAT8, OID.NUMERIC, OID.MONEY]);
const CASE_INSENSITIVE = new Set<number>([...NUMERIC_OIDS, OID.BOOL, OID.DATE, OID.TIME, OID.TIMETZ, OID.TIMESTAMP, OID.TIMESTAMPTZ, OID.INTERVAL]);
const UNBOUNDED = 2147483647;
const FIXED_PRECISION: ReadonlyMap<number, number> = new Map([
  [OID.INT2, 5],
  [OID.INT4, 10],
  [OID.INT8, 19],
  [OID.OID, 10],
  [OID.FLOAT4, 8],
  [OID.FLOAT8, 17],
  [OID.BOOL, 1],
  [OID.DATE, 13],
  [OID.TIME, 15],
  [OID.TIMETZ, 21],
  [OID.TIMESTAMP, 29],
  [OID.TIMESTAMPTZ, 35],
]);

function jdbcType(oid: number): number {
  return arrayElementOid(oid) !== undefined ? JDBC.ARRAY : (JDBC_TYPE.get(oid) ?? JDBC.OTHER);
}

function precisionAndScale(oid: number, modifier: number): [number, number] {
  if (oid === OID.NUMERIC) return modifier > 4 ? [((modifier - 4) >> 16) & 0xffff, (modifier - 4) & 0xffff] : [0, 0];
  if (oid === OID.VARCHAR || oid === OID.BPCHAR) return [modifier > 4 ? modifier - 4 : UNBOUNDED, 0];
  if (oid === OID.TIMESTAMP || oid === OID.TIMESTAMPTZ || oid === OID.TIME) return [FIXED_PRECISION.get(oid)!, modifier >= 0 ? modifier : 6];
  return [FIXED_PRECISION.get(oid) ?? UNBOUNDED, 0];
}

type CatalogColumn = { relname: string; attnotnull: boolean; autoincrement: boolean };

/** Reads type names and table columns for the result's fields with one catalog query. */
export async function columnMetadata(client: pg.ClientBase, fields: pg.FieldDef[]): Promise<ColumnMetadata[]> {
  const typeOids = [...new Set(fields.map((f) => f.dataTypeID))];
  const tableFields = fields.filter((f) => f.tableID !== 0);
  const { rows } = await client.query<{ kind: string; oid: string; num: string; name: string; notnull: string; auto: string }>({
    text: `SELECT 't' AS kind, oid::text AS oid, '0' AS num, typname::text AS name, 'f' AS notnull, 'f' AS auto
             FROM pg_type WHERE oid = ANY($1::oid[])
           UNION ALL
           SELECT 'c', a.attrelid::text, a.attnum::text, c.relname::text, a.attnotnull::text,
                  (a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%')::text
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE (a.attrelid, a.attnum) IN (SELECT * FROM unnest($2::oid[], $3::int2[]))`,
    values: [typeOids, tableFields.map((f) => f.tableID), tableFields.map((f) => f.columnID)],
  });
  // Raw text mode: booleans arrive as 't'/'f'.
  const typeNames = new Map(rows.filter((r) => r.kind === 't').map((r) => [Number(r.oid), r.name]));
  const columns = new Map<string, CatalogColumn>(
    rows.filter((r) => r.kind === 'c').map((r) => [`${r.oid}:${r.num}`, { relname: r.name, attnotnull: r.notnull === 't' || r.notnull === 'true', autoincrement: r.auto === 't' || r.auto === 'true' }]),
  );
  return fields.map((field) => {
    const column = columns.get(`${field.tableID}:${field.columnID}`);
    const [precision, scale] = precisionAndScale(field.dataTypeID, field.dataTypeModifier);
    const element = arrayElementOid(field.dataTypeID);
    let typeName = typeNames.get(field.dataTypeID) ?? 'unknown';
    // The JDBC driver reports serial columns by their pseudo-type name.
    if (column?.autoincrement && typeName === 'int4') typeName = 'serial';
    if (column?.autoincrement && typeName === 'int8') typeName = 'bigserial';
    return {
      name: field.name,
      type: jdbcType(field.dataTypeID),
      typeName,
      label: field.name,
      schemaName: '',
      tableName: column?.relname ?? '',
      isAutoIncrement: column?.autoincrement ?? false,
      isSigned: NUMERIC_OIDS.has(field.dataTypeID),
      isCurrency: field.dataTypeID === OID.MONEY,
      isCaseSensitive: !CASE_INSENSITIVE.has(field.dataTypeID),
      // 0 = no nulls, 1 = nullable, 2 = unknown (computed columns).
      nullable: column ? (column.attnotnull ? 0 : 1) : 2,
      precision,
      scale,
      arrayBaseColumnType: element !== undefined ? jdbcType(element) : 0,
    };
  });
}
