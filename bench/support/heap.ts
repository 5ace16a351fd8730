// Heap measurements after a full collection. Works with or without --expose-gc (the flag is switched on here).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFn: (() => void) | undefined;

function gc(): () => void {
  if (gcFn) return gcFn;
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return (gcFn = existing);
  // Without --expose-gc: turn the flag on at run time and take gc from a fresh context.
  setFlagsFromString('--expose-gc');
  gcFn = runInNewContext('gc') as () => void;
  return gcFn;
}

/** heapUsed in bytes after full collections, with a turn of the event loop between them for finalizers and timers. */
export async function settledHeapUsed(): Promise<number> {
  const collect = gc();
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

export const MB = 1024 * 1024;
