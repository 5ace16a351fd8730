// Frontend messages of the extended query protocol for unnamed statements and portals (PostgreSQL protocol 3.0,
// "Message Formats"): Parse, Bind, Describe (portal), Execute, Sync, encoded into one buffer so a whole unit
// leaves in one network write. Unnamed statements live until the next Parse, so transaction-mode poolers
// (PgBouncer without prepared statement support, RDS Proxy) can carry them.
import { BadInputError } from '../../errors';
import { wireValue, type WireValue } from './wire-values';

export type WireStatement = { text: string; params?: readonly unknown[] };

/** Parse/Bind/Describe/Execute for each statement, then one Sync. Bad input throws before anything is sent. */
export function encodeUnit(statements: readonly WireStatement[]): Buffer {
  const w = new Writer();
  for (const st of statements) {
    if (st.text.includes('\0')) throw new BadInputError('statement text contains a NUL character');
    const values = (st.params ?? []).map((v) => wireValue(v));
    if (values.length > 65_535) throw new BadInputError(`a statement takes at most 65535 parameters; got ${values.length}`);
    parse(w, st.text);
    bind(w, values);
    describePortal(w);
    execute(w);
  }
  w.message(0x53 /* S: Sync */, 0);
  return w.done();
}

function parse(w: Writer, text: string): void {
  const sql = Buffer.from(text, 'utf8');
  // statement name "" (unnamed), the text, no parameter types (the server infers them, as pg lets it).
  w.message(0x50 /* P */, 1 + sql.length + 1 + 2);
  w.byte(0);
  w.bytes(sql);
  w.byte(0);
  w.int16(0);
}

function bind(w: Writer, values: readonly WireValue[]): void {
  const binary = values.some((v) => Buffer.isBuffer(v));
  const data = values.map((v) => (v === null || Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8')));
  let size = 1 + 1 + 2 + (binary ? 2 * values.length : 0) + 2 + 2;
  for (const d of data) size += 4 + (d === null ? 0 : d.length);
  w.message(0x42 /* B */, size);
  w.byte(0); // portal ""
  w.byte(0); // statement ""
  // Format codes: none means all text; a Buffer goes in binary, as node-postgres sends it.
  if (binary) {
    w.int16(values.length);
    for (const v of values) w.int16(Buffer.isBuffer(v) ? 1 : 0);
  } else w.int16(0);
  w.int16(data.length);
  for (const d of data) {
    if (d === null) w.int32(-1);
    else {
      w.int32(d.length);
      w.bytes(d);
    }
  }
  w.int16(0); // results: all text
}

function describePortal(w: Writer): void {
  w.message(0x44 /* D */, 2);
  w.byte(0x50); // 'P': the portal, so a RowDescription (or NoData) precedes its rows
  w.byte(0);
}

function execute(w: Writer): void {
  w.message(0x45 /* E */, 1 + 4);
  w.byte(0); // portal ""
  w.int32(0); // every row
}

/** Appends messages to a growing list of chunks; done() joins them once. */
class Writer {
  private chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(0);
  private at = 0;

  /** Starts a message: type byte and length (which counts itself, not the type), then `size` bytes of body. */
  message(type: number, size: number): void {
    this.reserve(5 + size);
    this.byte(type);
    this.int32(4 + size);
  }

  byte(v: number): void {
    this.buf[this.at++] = v;
  }

  /** Counts and format codes (the server reads counts as unsigned: up to 65535 parameters). */
  int16(v: number): void {
    this.at = this.buf.writeUInt16BE(v, this.at);
  }

  int32(v: number): void {
    this.at = this.buf.writeInt32BE(v, this.at);
  }

  bytes(b: Buffer): void {
    this.at += b.copy(this.buf, this.at);
  }

  done(): Buffer {
    this.flushChunk();
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
  }

  private reserve(n: number): void {
    if (this.buf.length - this.at >= n) return;
    this.flushChunk();
    this.buf = Buffer.allocUnsafe(Math.max(n, 16_384));
    this.at = 0;
  }

  private flushChunk(): void {
    if (this.at > 0) this.chunks.push(this.buf.subarray(0, this.at));
  }
}
