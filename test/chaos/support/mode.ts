// The two lengths of the suite: `full` (npm run chaos) and `short` (.ci/run: a few seconds per scenario).
export type Mode = {
  name: 'full' | 'short';
  /** Concurrent submitters (simulated containers) of the load scenarios. */
  submitters: number;
  /** How long the load of a scenario runs. */
  loadMs: number;
  /** The invocation's remaining time given to each request (a 10 s function in full). */
  remainingMs: number;
  /** How long the server stays SIGSTOPped in freeze/thaw. */
  freezeMs: number;
  /** How long the silent partition lasts: longer than the requests' deadline, or they would only wait it out. */
  partitionMs: number;
  /** Fan-out: simulated containers, and requests each sends one after the other. */
  fanOutContainers: number;
  fanOutRequests: number;
  /**
   * The direct fan-out database's CONNECTION LIMIT when fewer containers than max_connections run (short): the naive
   * setup must still run out of slots (53300, as 200 containers do against max_connections 100). null: no limit.
   */
  fanOutDatabaseLimit: number | null;
  /** Steps scenario: runs killed mid-run per step. */
  stepKills: number;
};

export const MODES: Record<Mode['name'], Mode> = {
  full: {
    name: 'full',
    submitters: 24,
    loadMs: 20_000,
    remainingMs: 10_000,
    freezeMs: 30_000,
    partitionMs: 15_000,
    fanOutContainers: 200,
    fanOutRequests: 10,
    fanOutDatabaseLimit: null,
    stepKills: 5,
  },
  short: {
    name: 'short',
    submitters: 16,
    loadMs: 4_000,
    remainingMs: 3_000,
    freezeMs: 6_000,
    partitionMs: 4_000,
    fanOutContainers: 50,
    fanOutRequests: 3,
    fanOutDatabaseLimit: 10,
    stepKills: 3,
  },
};
