// The latency dimension: a TCP proxy that holds every chunk a fixed time in each direction (0.5 ms each way = 1 ms
// round trip, as between a Lambda and an RDS Proxy), so a suite's round trips show in its times, not only in counts.
// It runs as a child process of its own (pinned with the server side), so holding data costs the client nothing.
// Node timers have 1 ms granularity: the hold is timed by sleeping in short Atomics.wait slices between polls and
// spinning its last 100 us.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export type DelayProxy = { readonly port: number; readonly pid: number; close(): Promise<void> };

const SELF = fileURLToPath(import.meta.url);
const SPIN_NS = 100_000n;

/** Starts the proxy in front of `target`, delaying each direction by `delayMs`. */
export async function startDelayProxy(target: { host: string; port: number }, delayMs: number): Promise<DelayProxy> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, target.host, String(target.port), String(delayMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^listening (\d+)$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`delay proxy exited (${code}) before listening`)));
  });
  return {
    port,
    pid: child.pid!,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** In the child: forwards both ways, each chunk released `delayMs` after it arrived, in order. */
function serve(target: { host: string; port: number }, delayMs: number): void {
  const holdNs = BigInt(Math.round(delayMs * 1e6));
  type Held = { due: bigint; to: net.Socket; chunk: Buffer };
  const queue: Held[] = []; // one fixed delay: arrival order is release order
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  let pumping = false;

  const pump = () => {
    for (;;) {
      const head = queue[0];
      if (!head) return void (pumping = false);
      const wait = head.due - process.hrtime.bigint();
      if (wait <= SPIN_NS) {
        while (process.hrtime.bigint() < head.due); // the last stretch spun: a sleep overshoots by the timer slack
        queue.shift();
        if (!head.to.destroyed) head.to.write(head.chunk);
        continue;
      }
      // Sleep at most 50 us, then let the event loop read what arrived meanwhile (its arrival time stays exact).
      Atomics.wait(sleeper, 0, 0, Math.min(Number(wait - SPIN_NS) / 1e6, 0.05));
      return void setImmediate(pump);
    }
  };
  const hold = (to: net.Socket) => (chunk: Buffer) => {
    queue.push({ due: process.hrtime.bigint() + holdNs, to, chunk });
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  };

  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const upstream = net.connect(target);
    upstream.setNoDelay(true);
    client.on('data', hold(upstream));
    upstream.on('data', hold(client));
    const end = () => (client.destroy(), upstream.destroy());
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as net.AddressInfo).port}\n`));
  process.on('SIGTERM', () => process.exit(0));
}

if (process.argv[1] && fileURLToPath(new URL(`file://${process.argv[1]}`)) === SELF) {
  const [host, port, delay] = process.argv.slice(2);
  serve({ host: host!, port: Number(port) }, Number(delay));
}
