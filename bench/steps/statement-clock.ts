// Statement counts and the time spent in named phases (statements matching a pattern), taken by the same
// wrapper on every side of a comparison: the step's transactions and the hand-written baseline alike.
import type { AnySession, Sql } from '../../lib/validator';

export class StatementClock<P extends string> {
  statements = 0;
  /** Milliseconds per phase spent in its statements, from call to reply. */
  readonly phaseMs: Record<P, number>;

  constructor(private readonly phases: Record<P, RegExp>) {
    this.phaseMs = Object.fromEntries(Object.keys(phases).map((p) => [p, 0])) as Record<P, number>;
  }

  /** `q` with every query counted and timed; everything else passes through. */
  sql<T extends Sql>(q: T): T {
    const query: Sql['query'] = (text, params) => this.time(text, () => q.query(text, params));
    return passThrough(q, 'query', query);
  }

  /** `s` whose transactions hand their callback a clocked transaction (steps run their statements there). */
  session(s: AnySession): AnySession {
    const transaction: AnySession['transaction'] = (fn, options) => s.transaction((tx) => fn(this.sql(tx)), options);
    return passThrough(s, 'transaction', transaction);
  }

  private async time<R>(text: string, run: () => Promise<R>): Promise<R> {
    this.statements++;
    const phase = (Object.keys(this.phases) as P[]).find((p) => this.phases[p].test(text));
    if (phase === undefined) return run();
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      this.phaseMs[phase] += performance.now() - t0;
    }
  }
}

/** A proxy of `target` with one member replaced; the others are the target's own (methods bound to it). */
export function passThrough<T extends object>(target: T, name: string, replacement: unknown): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop === name) return replacement;
      const v: unknown = Reflect.get(t, prop, t);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
}
