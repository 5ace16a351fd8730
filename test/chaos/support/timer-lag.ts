// How late this process's timers fire. All simulated containers share one process (and, on a loaded machine, few
// CPUs): a deadline timer cannot fire before the event loop gets to it. An answer later than its deadline by more
// than the timers' own lag at that moment is a real hang; one within it is the host's, not the layer's.
const EVERY_MS = 20;

export type TimerLag = {
  /** The largest lag seen between `from` and `to` (ms since the epoch). */
  maxBetween(from: number, to: number): number;
  /** The largest lag seen at all. */
  max(): number;
  stop(): void;
};

export function watchTimerLag(): TimerLag {
  const samples: { at: number; lag: number }[] = [];
  let expected = Date.now() + EVERY_MS;
  const timer = setInterval(() => {
    const now = Date.now();
    samples.push({ at: now, lag: Math.max(0, now - expected) });
    expected = now + EVERY_MS;
  }, EVERY_MS);
  timer.unref();
  return {
    // A sample taken after `to` also tells of a stall that began before it: look one sample further.
    maxBetween: (from, to) => samples.filter((s) => s.at >= from && s.at <= to + EVERY_MS + s.lag).reduce((m, s) => Math.max(m, s.lag), 0),
    max: () => samples.reduce((m, s) => Math.max(m, s.lag), 0),
    stop: () => clearInterval(timer),
  };
}
