// Backends killed at random (a Poisson process of the given mean) under the whole load.
import { startKiller } from '../support/killer';
import { sleep } from '../support/load';
import type { LoadScenario } from '../support/scenario';

export function backendKills(meanMs: number): LoadScenario {
  return {
    name: `kills-${meanMs}ms`,
    description: `one of our backends terminated at random, mean ${meanMs} ms apart, under the whole load`,
    via: 'direct',
    settings: { killMeanMs: meanMs },
    async disrupt({ env, mode, database }) {
      const killer = startKiller(env, database, meanMs);
      await sleep(mode.loadMs);
      return { figures: { backendsKilled: await killer.stop() } };
    },
  };
}
