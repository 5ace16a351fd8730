// PostgreSQL CancelRequest: a fresh socket carrying (pid, secret key); the server cancels the running statement.
import net from 'node:net';

const CANCEL_REQUEST_CODE = 80877102;
/** The most a cancel socket outlives the caller's wait when the server or pooler never closes it. */
export const CANCEL_SOCKET_BACKSTOP_MS = 30_000;

/**
 * Resolves when the server has closed the cancel socket (it has processed the request) or after `waitMs`, whichever
 * is first; never rejects. Like libpq, the socket is left for the server to close, also after the caller stopped
 * waiting: PgBouncer 1.18 aborts the whole process when a cancel client hangs up before the pooler has forwarded its
 * request (pgbouncer#801, fixed in #846), which a slow pooler under load makes likely within a 1 s wait. The socket is
 * destroyed only on error or after CANCEL_SOCKET_BACKSTOP_MS, and never holds the process open.
 */
export function sendCancelRequest(host: string, port: number, pid: number, secretKey: number, waitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const backstop = setTimeout(() => socket.destroy(), CANCEL_SOCKET_BACKSTOP_MS).unref();
    // Best effort by design: a cancel that cannot be delivered is followed by destroying the connection anyway.
    const wait = setTimeout(resolve, waitMs);
    const closed = () => {
      clearTimeout(wait);
      clearTimeout(backstop);
      socket.destroy();
      resolve();
    };
    socket.once('error', closed);
    socket.once('close', closed);
    socket.once('connect', () => {
      socket.unref();
      const msg = Buffer.alloc(16);
      msg.writeInt32BE(16, 0);
      msg.writeInt32BE(CANCEL_REQUEST_CODE, 4);
      msg.writeInt32BE(pid, 8);
      msg.writeInt32BE(secretKey, 12);
      socket.write(msg);
    });
  });
}
