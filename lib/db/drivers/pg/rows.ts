// One statement's result from the backend's messages, shaped as node-postgres shapes query() results (its
// Result class): rows as objects keyed by column name (a later duplicate name wins) or as arrays, every value
// parsed by the type parser for its column, rowCount from the command tag.
import type { QueryResult, RowMode } from '../../driver';

export type TypeParsers = { getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown };

/** What RowDescription says of each column (pg-protocol's Field). */
export type FieldDescription = { name: string; dataTypeID: number; format?: string };

/** "INSERT 0 5", "UPDATE 3", "SELECT 2"; a command without a count (BEGIN, CREATE TABLE) has none. */
const COMMAND_TAG = /^([A-Za-z]+)(?: (\d+))?(?: (\d+))?/;

export class ResultBuilder {
  readonly rows: unknown[] = [];
  private names: string[] = [];
  /** Every column as an own property (null), in order: spreading it makes a column named __proto__ a plain key. */
  private template: Record<string, null> = {};
  private parsers: ((value: string) => unknown)[] = [];

  constructor(
    private readonly rowMode: RowMode,
    private readonly types: TypeParsers,
  ) {}

  describe(fields: readonly FieldDescription[]): void {
    this.names = fields.map((f) => f.name);
    const template: Record<string, null> = Object.create(null) as Record<string, null>;
    for (const name of this.names) template[name] = null;
    this.template = template;
    // Results are always requested in text format (drivers/pg/frontend.ts).
    this.parsers = fields.map((f) => this.types.getTypeParser(f.dataTypeID, 'text'));
  }

  /** One DataRow; throws when a type parser does (the caller keeps the first error). */
  add(values: readonly (string | null)[]): void {
    const n = values.length;
    if (this.rowMode === 'array') {
      const row = new Array<unknown>(n);
      for (let i = 0; i < n; i++) row[i] = values[i] === null ? null : this.parsers[i]!(values[i]!);
      this.rows.push(row);
      return;
    }
    const row: Record<string, unknown> = { ...this.template };
    for (let i = 0; i < n; i++) row[this.names[i]!] = values[i] === null ? null : this.parsers[i]!(values[i]!);
    this.rows.push(row);
  }

  /** The statement's result once its CommandComplete (tag) or EmptyQueryResponse (no tag) arrived. */
  complete(tag: string | undefined): QueryResult {
    const m = tag === undefined ? null : COMMAND_TAG.exec(tag);
    const count = m?.[3] ?? m?.[2];
    return { rows: this.rows, rowCount: count === undefined ? null : Number.parseInt(count, 10) };
  }
}
