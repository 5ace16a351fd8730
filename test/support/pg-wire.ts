// PostgreSQL wire-protocol framing for one direction of one connection, across any chunk boundaries.
// Typed messages are 1 byte type + int32 length (which counts itself); the client's first packets
// (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest) have no type byte: int32 length + int32 code.

export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;

export type Frame =
  /** A regular message; `type` is its one-letter code (e.g. 'Z' ReadyForQuery, 'Q' Query, 'S' Sync). */
  | { kind: 'typed'; type: string; length: number }
  /** A client packet before the startup completed; `code` is the protocol version or the request code. */
  | { kind: 'untyped'; code: number; length: number }
  /** The server's one-byte answer to an SSLRequest / GSSENCRequest ('S'/'G' yes, 'N' no). */
  | { kind: 'byte'; value: string };

export class WireFramer {
  private readonly head = Buffer.alloc(8);
  private filled = 0;
  private skip = 0;
  private singleBytes = 0;
  private untyped: boolean;

  constructor(
    side: 'client' | 'server',
    private readonly onFrame: (frame: Frame) => void,
  ) {
    this.untyped = side === 'client';
  }

  /** The server answers an SSLRequest / GSSENCRequest with one unframed byte; call on the server's framer. */
  expectByte(): void {
    this.singleBytes++;
  }

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      if (this.singleBytes > 0 && this.filled === 0) {
        this.singleBytes--;
        this.onFrame({ kind: 'byte', value: String.fromCharCode(chunk[i++]!) });
        continue;
      }
      const size = this.untyped ? 8 : 5;
      const n = Math.min(size - this.filled, chunk.length - i);
      chunk.copy(this.head, this.filled, i, i + n);
      this.filled += n;
      i += n;
      if (this.filled < size) return;
      this.filled = 0;
      if (this.untyped) this.untypedFrame();
      else this.typedFrame();
    }
  }

  private untypedFrame(): void {
    const length = this.head.readInt32BE(0);
    const code = this.head.readInt32BE(4);
    if (length < 8) throw new Error(`bad startup packet length ${length}`);
    this.skip = length - 8;
    // After the StartupMessage every client message is typed; the request packets keep the untyped framing.
    if (code !== SSL_REQUEST && code !== GSSENC_REQUEST && code !== CANCEL_REQUEST) this.untyped = false;
    this.onFrame({ kind: 'untyped', code, length });
  }

  private typedFrame(): void {
    const length = this.head.readInt32BE(1);
    if (length < 4) throw new Error(`bad message length ${length}`);
    this.skip = length - 4;
    this.onFrame({ kind: 'typed', type: String.fromCharCode(this.head[0]!), length });
  }
}
