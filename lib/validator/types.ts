// Inputs of the repositories (what callers hand in); stored rows are the schema's inferred types.
import type { BBox, SOIL_REGION_STATUSES, TaskName, WeightsInputs } from './schema';

/** One metagraph slot as read from the chain. */
export type MinerInput = {
  uid: number;
  hotkey: string;
  coldkey?: string | null;
  ip?: string | null;
  ipType?: number | null;
  port?: number | null;
  incentive?: number | null;
  stake?: number | null;
  trust?: number | null;
  vtrust?: number | null;
  protocol?: number | null;
};

export type SyncMetagraphResult = {
  upserted: number;
  /** Uids whose hotkey changed (or whose hotkey moved to another uid): the old hotkey's data is purged. */
  deregistered: { uid: number; oldHotkey: string }[];
};

export type RegionInput = {
  /** YYYY-MM-DD */
  regionDate: string;
  targetTime: Date;
  bbox: BBox;
  /** Four floats, echoed back by miners. */
  sentinelBounds: readonly number[];
  sentinelCrs: number;
  status?: (typeof SOIL_REGION_STATUSES)[number];
  inputRaster?: Uint8Array | null;
  arrayShape?: readonly number[] | null;
  /** Predictions are accepted while the server's clock is before this; default (and latest) the target time. */
  closesAt?: Date;
};

/** An 11x11 grid, row-major; NaN marks a missing pixel (JSON null must be mapped to NaN by the caller). */
export type GridInput = readonly (readonly number[])[];

/** What a soil prediction carries: its grids and the echo of its region's sentinel bounds and CRS. */
export type SoilGridsInput = {
  surfaceSm: GridInput;
  rootzoneSm: GridInput;
  uncertaintySurface?: GridInput | null;
  uncertaintyRootzone?: GridInput | null;
  /** Must equal the region's, element for element. */
  sentinelBounds: readonly number[];
  sentinelCrs: number;
};

export type SoilPredictionInput = SoilGridsInput & { regionId: number; uid: number; hotkey: string };

export type SoilTruthInput = { surface: GridInput; rootzone: GridInput };

export type GeoPredictionInput = { hotkey: string; uid: number; queryTime: Date; value: number };

/** Raw Dst in nT; stored divided by 100. */
export type GeoTruthInput = { hour: Date; dst: number };

export type SubmitResult = { id: number; replaced: boolean };

export type ScoreRowInput = {
  taskName: TaskName;
  /** Target time; task_id is its epoch seconds. */
  taskTime: Date;
  /** 256 scores indexed by uid, NaN = no score. */
  score: ArrayLike<number>;
  status?: string;
  /** Kept from the first write of the row (the weights' age); default now(). */
  createdAt?: Date;
};

export type ListScoresOptions = {
  task?: TaskName;
  since?: Date;
  limit: number;
  /** The last row of the previous page: rows after it in the listing's order. */
  before?: { taskTime: Date; id: number };
};

export type WeightsInput = {
  computedAt: Date;
  windowStart: Date;
  windowEnd: Date;
  /** 256 weights indexed by uid. */
  weights: ArrayLike<number>;
  inputs: WeightsInputs;
};
