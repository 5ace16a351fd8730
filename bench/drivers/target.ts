// What the drivers suite needs from each driver target: both sides connected on the same transport, a counter of
// the target's traffic, and how many calls to measure.
import type { TestDatabase } from '../../test/support/postgres';

export type Call = () => Promise<unknown>;

/**
 * One piece of work done through the layer and with the raw client library used directly, twice: `rawB` is a second
 * raw client of its own, measured the same way (the A/A control).
 */
export type Pair = { layer: Call; raw: Call; rawB: Call };

/**
 * The write, plus the raw client sending exactly what the layer sends for it (its extra statement or call
 * included): splits the layer's extra latency into the transport's share and the share of its own code.
 */
export type WritePair = Pair & { rawSameWork: Call };

/** Both sides of one target, each with connections (or clients) of its own; close() ends both. */
export type Sides = { read: Pair; write: WritePair; close(): Promise<void> };

/** Sides whose traffic a counter sees: round trips on the wire, HTTP requests or API calls, all so far. */
export type Counted = { sides: Sides; count(): number; close(): Promise<void> };

/** A target set up on one test database; close() ends every peer it started. */
export type TargetEnv = {
  open(): Promise<Sides>;
  counted(): Promise<Counted>;
  close(): Promise<void>;
  /** Server-side processes besides the database's backends (a pooler), pinned with them. */
  serverPids?(): number[];
};

/** What the counter counts per write, and the count each side should show (omitted: informational). */
export type WriteCost = { label: string; unit: string; expected?: { layer: number; raw: number } };

export type DriverTarget = {
  name: string;
  /** What the write is called in figure names (neon-http writes with a batch, not a transaction). */
  writeName: string;
  /** What the layer sends for a write beyond what the raw client sends (what `rawSameWork` adds). */
  layerExtra: string;
  /** A peer (wsproxy, HTTP endpoint) runs in this process: its CPU is in the CPU-per-call figures too. */
  inProcessPeer: boolean;
  /** Measured calls per variant at BENCH_SCALE=1, sized to the driver's latency so the suite stays near 3 minutes. */
  calls: { read: number; write: number };
  writeCost: WriteCost;
  setup(tdb: TestDatabase): Promise<TargetEnv>;
};
