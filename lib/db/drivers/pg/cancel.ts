// PostgreSQL CancelRequest: a fresh socket carrying (pid, secret key); the server cancels the running statement.
import net from 'node:net';

const CANCEL_REQUEST_CODE = 80877102;

export function sendCancelRequest(host: string, port: number, pid: number, secretKey: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    // Best effort by design: a cancel that cannot be delivered is followed by destroying the connection anyway.
    const timer = setTimeout(done, timeoutMs);
    socket.once('error', done);
    socket.once('close', done);
    socket.once('connect', () => {
      const msg = Buffer.alloc(16);
      msg.writeInt32BE(16, 0);
      msg.writeInt32BE(CANCEL_REQUEST_CODE, 4);
      msg.writeInt32BE(pid, 8);
      msg.writeInt32BE(secretKey, 12);
      // Like libpq: send, then wait for the server to close (it has processed the request by then). Closing first
      // races the request, and PgBouncer 1.18 aborts on a cancel client that hangs up before it forwarded it.
      socket.write(msg);
    });
  });
}
