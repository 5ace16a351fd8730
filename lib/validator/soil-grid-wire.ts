// Soil grids read in float8's binary form (array_send) instead of the array's text: a chunk reads ~62,000 grid
// values, and the text form costs the client a decimal parse per value (most of the step's client CPU), the
// binary one a byte read. Sent as base64 text, so every driver hands it over as the string it is (and Node
// decodes base64 several times faster than hex). Exact: the bits are the stored ones (NaN, -0 included).

/** SQL for `column` (a float8[]) in the form decodeGridWire reads. */
export const gridWire = (column: string): string => `encode(array_send(${column}), 'base64')`;

const FLOAT8_OID = 701;
/** Sized for an 11x11 grid (1,472 bytes); grows when a longer array comes. */
let scratch = Buffer.allocUnsafe(2048);
/** Packed doubles of the last decoded length: each result starts as a copy. */
let doubles: number[] = [];

/**
 * The values of a one-dimensional float8[] sent by gridWire. A NULL element comes back as null, as the text
 * parser returns it (the scoring math treats it as a wrong-shaped grid); an empty array as [].
 */
export function decodeGridWire(base64: string): number[] {
  // PostgreSQL breaks base64 into lines; Node's decoder skips them. Decoded into one reused buffer: a chunk
  // decodes ~500 grids, and a Buffer each would only feed the garbage collector.
  const size = (base64.length * 3) >>> 2;
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, 2 * scratch.length));
  const view = new DataView(scratch.buffer, scratch.byteOffset, scratch.write(base64, 'base64'));
  // Header: dimensions, has-nulls flag, element type, then (length, lower bound) per dimension.
  const ndim = view.getInt32(0);
  if (ndim === 0) return [];
  if (ndim !== 1 || view.getUint32(8) !== FLOAT8_OID) throw new RangeError(`expected a one-dimensional float8[], got ${ndim} dimensions of type ${view.getUint32(8)}`);
  const n = view.getInt32(12);
  if (doubles.length !== n) doubles = Array.from({ length: n }, () => 0.5);
  // A copy of a packed array of doubles, overwritten in place: exactly sized, and packed, which the scoring math
  // reads unboxed (from a holey one, as new Array(n) makes, V8 allocates a number for every value read).
  const out: (number | null)[] = doubles.slice();
  let at = 20;
  for (let i = 0; i < n; i++) {
    // Each element: its byte length (-1 for NULL), then the big-endian IEEE 754 double.
    const len = view.getInt32(at);
    at += 4;
    if (len < 0) {
      out[i] = null;
    } else {
      out[i] = view.getFloat64(at);
      at += len;
    }
  }
  // Typed as the text parser's arrays are: number[] that may hold null where the database has NULL.
  return out as number[];
}
