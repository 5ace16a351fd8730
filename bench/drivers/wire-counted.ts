// Counting on the wire: a counting proxy (test/support/counting-proxy.ts) in front of a PostgreSQL-protocol endpoint,
// both sides reaching it through a URL rewritten to the proxy. One ReadyForQuery ends each round trip.
import { startCountingProxy } from '../../test/support/counting-proxy';
import type { Counted, Sides } from './target';

export async function countedOnTheWire(endpoint: { host: string; port: number }, url: string, open: (url: string) => Promise<Sides>): Promise<Counted> {
  const proxy = await startCountingProxy(endpoint);
  try {
    const sides = await open(proxy.route(url));
    return {
      sides,
      count: () => proxy.readyForQuery,
      close: async () => {
        await sides.close();
        await proxy.close();
      },
    };
  } catch (err) {
    await proxy.close();
    throw err;
  }
}
