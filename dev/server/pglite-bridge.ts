// One PGlite served over the PostgreSQL wire protocol on 127.0.0.1, so every handler module of the local server
// (each with its own database and pool, as each Lambda container has) talks to the SAME embedded database.
// PGlite is one backend with one session: a second PGlite on the same data folder silently diverges from the
// first, so handlers must never open it directly here.
//
// Each client connection gets the backend in turns: a batch of complete messages runs under a lock, and the lock
// stays with the connection while its session is inside a transaction (ReadyForQuery status T or E) or between a
// message batch and its Sync. A connection that closes mid-transaction is rolled back. (So a handler that waited
// inside a transaction on a second connection would wait until its transaction timeout: PGlite has one session.)
//
// Loopback is not private: any local process (or a browser page, through a rebound name) can open a socket to
// it. So a connection must give the password generated at start (random, in memory, handed to the handlers in
// DATABASE_URL only). Cleartext password authentication: the bytes never leave the machine.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

export type PgliteBridge = { url: string; port: number; dataDir: string; close(): Promise<void> };

type Turn = { owner: Conn | undefined; waiters: { conn: Conn; go: () => void }[] };
/** startup: before the StartupMessage; password: asked for it; ready: authenticated; refused: being closed. */
type Conn = { id: number; socket: Socket; stage: 'startup' | 'password' | 'ready' | 'refused'; buffer: Buffer; queue: Promise<void>; inTurn: boolean };

const USER = 'postgres';

export async function startPgliteBridge(dataDir: string): Promise<PgliteBridge> {
  mkdirSync(dirname(dataDir), { recursive: true, mode: 0o700 });
  // URL-safe (base64url), so it goes into DATABASE_URL as is.
  const password = randomBytes(24).toString('base64url');
  const { PGlite } = await import('@electric-sql/pglite');
  const db: PGlite = new PGlite(dataDir);
  await db.waitReady;
  const turn: Turn = { owner: undefined, waiters: [] };
  const sockets = new Set<Socket>();
  let nextId = 1;

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const conn: Conn = { id: nextId++, socket, stage: 'startup', buffer: Buffer.alloc(0), queue: Promise.resolve(), inTurn: false };
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      conn.buffer = Buffer.concat([conn.buffer, chunk]);
      conn.queue = conn.queue
        .then(() => pump(conn))
        .catch(() => void socket.destroy());
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      // After whatever is queued: roll back an open transaction and hand the backend on.
      conn.queue = conn.queue.then(async () => {
        if (conn.inTurn) {
          if (db.isInTransaction()) await db.exec('ROLLBACK').catch(() => undefined);
          release(turn, conn);
        }
      });
    });
  });

  async function pump(conn: Conn): Promise<void> {
    if (conn.stage === 'refused') return;
    if (conn.stage === 'startup' && !startup(conn)) return;
    if (conn.stage === 'password' && !authenticate(conn)) return;
    const frames = takeFrames(conn);
    if (frames.length === 0) return;
    if (frames.at(-1)!.type === 0x58 /* X: Terminate */) {
      frames.pop();
      conn.socket.end();
    }
    if (frames.length === 0) return;
    await acquire(turn, conn);
    const reply = await db.execProtocolRaw(Buffer.concat(frames.map((f) => f.bytes)));
    if (!conn.socket.destroyed) conn.socket.write(reply);
    const status = lastReadyStatus(reply);
    if (status === 'I') release(turn, conn); // idle, outside a transaction: others may go
  }

  /** Handles the untyped first messages; true once the password was asked for. */
  function startup(conn: Conn): boolean {
    while (conn.stage === 'startup' && conn.buffer.length >= 8) {
      const len = conn.buffer.readInt32BE(0);
      if (len < 8 || len > MAX_UNAUTHENTICATED_MESSAGE) return refuse(conn);
      if (conn.buffer.length < len) return false;
      const code = conn.buffer.readInt32BE(4);
      conn.buffer = conn.buffer.subarray(len);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        conn.socket.write('N'); // no encryption on loopback
      } else if (code === CANCEL_REQUEST) {
        conn.socket.end(); // a running WASM statement cannot be interrupted
        return false;
      } else if (code === PROTOCOL_3) {
        conn.stage = 'password';
        conn.socket.write(message('R', int32(AUTH_CLEARTEXT_PASSWORD)));
      } else {
        conn.socket.destroy();
        return false;
      }
    }
    return conn.stage !== 'startup';
  }

  /** The PasswordMessage: true once it matched (the session is started); a wrong one ends the connection. */
  function authenticate(conn: Conn): boolean {
    if (conn.buffer.length >= 5 && conn.buffer.readInt32BE(1) > MAX_UNAUTHENTICATED_MESSAGE) return refuse(conn);
    const [frame] = takeFrames(conn, 1);
    if (!frame) return false;
    const given = frame.type === 0x70 /* p */ ? frame.bytes.subarray(5, frame.bytes.length - 1) : Buffer.alloc(0);
    if (!passwordMatches(given, password)) return refuse(conn, fatal('28P01', `password authentication failed for user "${USER}"`));
    conn.stage = 'ready';
    conn.socket.write(startupReply(conn.id));
    return true;
  }

  /** Ends a connection that has not authenticated; nothing more it sends is read. */
  function refuse(conn: Conn, last?: Buffer): false {
    conn.stage = 'refused';
    conn.buffer = Buffer.alloc(0);
    if (last) conn.socket.end(last);
    else conn.socket.end();
    return false;
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });

  return {
    url: `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      await db.close();
    },
  };
}

function acquire(turn: Turn, conn: Conn): Promise<void> {
  if (turn.owner === conn) return Promise.resolve();
  if (turn.owner === undefined) {
    turn.owner = conn;
    conn.inTurn = true;
    return Promise.resolve();
  }
  return new Promise((go) => turn.waiters.push({ conn, go }));
}

function release(turn: Turn, conn: Conn): void {
  if (turn.owner !== conn) return;
  conn.inTurn = false;
  const next = turn.waiters.shift();
  turn.owner = next?.conn;
  if (next) {
    next.conn.inTurn = true;
    next.go();
  }
}

type Frame = { type: number; bytes: Buffer };

/** Complete typed messages at the head of the buffer, up to `max` (a partial one stays for the next chunk). */
function takeFrames(conn: Conn, max = Infinity): Frame[] {
  const frames: Frame[] = [];
  let at = 0;
  while (frames.length < max && conn.buffer.length - at >= 5) {
    const len = conn.buffer.readInt32BE(at + 1);
    if (conn.buffer.length - at < 1 + len) break;
    frames.push({ type: conn.buffer[at]!, bytes: conn.buffer.subarray(at, at + 1 + len) });
    at += 1 + len;
  }
  conn.buffer = conn.buffer.subarray(at);
  return frames;
}

/** Status byte of the last ReadyForQuery in a backend reply ('I', 'T', 'E'), if any. */
function lastReadyStatus(reply: Uint8Array): string | undefined {
  const buf = Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength);
  let at = 0;
  let status: string | undefined;
  while (buf.length - at >= 5) {
    const type = buf[at]!;
    const len = buf.readInt32BE(at + 1);
    if (type === 0x5a /* Z */ && len === 5) status = String.fromCharCode(buf[at + 5]!);
    at += 1 + len;
  }
  return status;
}

/** AuthenticationOk, the parameters clients read, BackendKeyData, ReadyForQuery(idle). */
function startupReply(id: number): Buffer {
  const parts: Buffer[] = [message('R', int32(0))];
  const params: [string, string][] = [
    ['server_version', '17.0 (PGlite)'],
    ['server_encoding', 'UTF8'],
    ['client_encoding', 'UTF8'],
    ['DateStyle', 'ISO, MDY'],
    ['TimeZone', 'UTC'],
    ['integer_datetimes', 'on'],
    ['standard_conforming_strings', 'on'],
  ];
  for (const [k, v] of params) parts.push(message('S', Buffer.from(`${k}\0${v}\0`)));
  parts.push(message('K', Buffer.concat([int32(id), int32(0)])));
  parts.push(message('Z', Buffer.from('I')));
  return Buffer.concat(parts);
}

const AUTH_CLEARTEXT_PASSWORD = 3;
/** Before authentication only small messages (startup parameters, the password) are buffered. */
const MAX_UNAUTHENTICATED_MESSAGE = 10_000;

/** Equal-length digests: the comparison takes the same time wherever (or whether) the password differs. */
function passwordMatches(given: Buffer, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** An ErrorResponse of severity FATAL (the client reports it and closes). */
function fatal(code: string, text: string): Buffer {
  const field = (t: string, v: string) => Buffer.from(`${t}${v}\0`);
  return message('E', Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', code), field('M', text), Buffer.from([0])]));
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
