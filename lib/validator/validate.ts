// Input checks at the repository boundary: bad input fails with BadInputError before anything is sent.
// (The schema's CHECKs would refuse most of it too, but only after a round trip and with a less useful message.)
import { BadInputError } from '../db';
import { GRID_CELLS, UID_COUNT } from './schema';

const GRID_SIDE = 11;
const HOUR_MS = 3_600_000;
/** Longest accepted hotkey/coldkey text (an ss58 address is 48 characters). */
const MAX_KEY_LENGTH = 128;

export function fail(message: string): never {
  throw new BadInputError(message);
}

export function checkBatch(name: string, items: readonly unknown[], max: number): void {
  if (!Array.isArray(items)) fail(`${name} must be an array`);
  if (items.length > max) fail(`${name}: at most ${max} per call, got ${items.length}`);
}

export function checkUid(name: string, v: unknown): asserts v is number {
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= UID_COUNT) fail(`${name} must be an integer in 0..${UID_COUNT - 1}`);
}

export function checkKey(name: string, v: unknown): asserts v is string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_KEY_LENGTH) fail(`${name} must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`);
}

export function checkFinite(name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${name} must be a finite number`);
}

export function checkInt(name: string, v: unknown): asserts v is number {
  if (!Number.isInteger(v)) fail(`${name} must be an integer`);
}

export function checkOptional<T>(name: string, v: T | null | undefined, check: (name: string, v: unknown) => void): void {
  if (v !== null && v !== undefined) check(name, v);
}

export function checkDate(name: string, v: unknown): asserts v is Date {
  if (!(v instanceof Date) || Number.isNaN(v.getTime())) fail(`${name} must be a valid Date`);
}

export function checkHour(name: string, v: unknown): asserts v is Date {
  checkDate(name, v);
  if (v.getTime() % HOUR_MS !== 0) fail(`${name} must be the start of an hour (UTC)`);
}

/** Exactly n finite numbers. */
export function checkFloats(name: string, v: unknown, n: number): asserts v is readonly number[] {
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    fail(`${name} must be ${n} finite numbers`);
  }
}

/** An 11x11 grid of numbers (NaN allowed: a missing pixel), flattened row-major to the 121 values stored. */
export function flatGrid(name: string, grid: unknown): number[] {
  if (!Array.isArray(grid) || grid.length !== GRID_SIDE) fail(`${name} must be an ${GRID_SIDE}x${GRID_SIDE} grid`);
  const flat: number[] = [];
  for (const row of grid) {
    if (!Array.isArray(row) || row.length !== GRID_SIDE) fail(`${name} must be an ${GRID_SIDE}x${GRID_SIDE} grid`);
    for (const v of row) {
      if (typeof v !== 'number' || v === Infinity || v === -Infinity) fail(`${name} must hold numbers (NaN for a missing pixel)`);
      flat.push(v);
    }
  }
  if (flat.length !== GRID_CELLS) fail(`${name} must have ${GRID_CELLS} cells`);
  return flat;
}

/** Rejects a batch that names the same key twice (one multi-row statement cannot touch a row twice). */
export function checkUnique<T>(name: string, items: readonly T[], key: (item: T) => string | number): void {
  const seen = new Set<string | number>();
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) fail(`${name}: duplicate ${String(k)}`);
    seen.add(k);
  }
}
