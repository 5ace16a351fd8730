// What sessions and transactions share within one Database: config, pool, driver, logger, counters.
import type { DbConfig } from './config';
import type { Driver } from './driver';
import { ConnectionLostError, TimeoutError } from './errors';
import type { DbLogger } from './log';
import type { Pool } from './pool';
import type { ProxyProfile } from './profiles';
import type { StatementRules } from './statement-rules';
import type { LayerCounters } from './stats';
import type { Watchdog } from './watchdog';

export type Core = {
  readonly config: DbConfig;
  readonly driver: Driver;
  readonly pool: Pool;
  readonly profile: ProxyProfile;
  /** What callers may send, by scope (refusals, connections to retire); verdicts cached per statement text. */
  readonly statements: StatementRules;
  readonly logger: DbLogger;
  readonly counters: LayerCounters;
  readonly schema: Record<string, unknown> | undefined;
  /** Whether units record where they were opened (config.leakStacks, or switched on by the first leak). */
  readonly leakStacks: { on: boolean };
  /** The one timer behind every session deadline, transaction timeout and statement guard. */
  readonly watchdog: Watchdog;
  /** Counts an error once in the layer counters (timeouts by kind, connection losses); true the first time. */
  note(err: unknown): boolean;
};

export function errorNoter(counters: LayerCounters): (err: unknown) => boolean {
  const seen = new WeakSet<object>();
  return (err) => {
    if (typeof err !== 'object' || err === null || seen.has(err)) return false;
    seen.add(err);
    if (err instanceof TimeoutError) counters.timeouts[err.kind]++;
    else if (err instanceof ConnectionLostError) counters.connectionLosses++;
    else return false;
    return true;
  };
}
