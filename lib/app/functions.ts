// The deployment tables: plain data shared by infra/ (SST) and the local server (dev/).
// Every Lambda's timeout lives here once; database deadlines are derived from it.

export type FunctionSpec = {
  /** Handler file relative to the project root, exporting `handler`. */
  readonly handler: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Which database driver the function uses at most (keeps bundles lean). */
  readonly needsDatabase: boolean;
};

export type RouteSpec = FunctionSpec & {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  /** Admin routes require `Authorization: Bearer <admin token>`. */
  readonly admin: boolean;
  /** Largest accepted request body in bytes. */
  readonly maxBodyBytes: number;
};

export type ScheduleSpec = FunctionSpec & {
  readonly name: 'soil' | 'geo' | 'weights' | 'cleanup' | 'health';
  /** EventBridge cron expression (6 fields, UTC). */
  readonly cron: string;
  /** Interval used by the local server (milliseconds). */
  readonly localEveryMs: number;
};

const api = { memoryMb: 512, timeoutSeconds: 10, needsDatabase: true } as const;
const KiB = 1024;

export const routes: readonly RouteSpec[] = [
  { ...api, method: 'GET', path: '/health', handler: 'functions/api/health.ts', admin: false, maxBodyBytes: 0 },
  { ...api, method: 'PUT', path: '/miners', handler: 'functions/api/miners-sync.ts', admin: true, maxBodyBytes: 256 * KiB },
  { ...api, method: 'GET', path: '/miners', handler: 'functions/api/miners-list.ts', admin: false, maxBodyBytes: 0 },
  { ...api, method: 'POST', path: '/soil/regions', handler: 'functions/api/soil-regions.ts', admin: true, maxBodyBytes: 1024 * KiB },
  { ...api, method: 'POST', path: '/soil/predictions', handler: 'functions/api/soil-predictions.ts', admin: false, maxBodyBytes: 64 * KiB },
  { ...api, method: 'POST', path: '/geo/predictions', handler: 'functions/api/geo-predictions.ts', admin: false, maxBodyBytes: 4 * KiB },
  { ...api, method: 'POST', path: '/ground-truth/geo', handler: 'functions/api/ground-truth-geo.ts', admin: true, maxBodyBytes: 64 * KiB },
  { ...api, method: 'POST', path: '/ground-truth/soil', handler: 'functions/api/ground-truth-soil.ts', admin: true, maxBodyBytes: 256 * KiB },
  { ...api, method: 'GET', path: '/scores', handler: 'functions/api/scores.ts', admin: false, maxBodyBytes: 0 },
  { ...api, method: 'GET', path: '/weights/latest', handler: 'functions/api/weights-latest.ts', admin: false, maxBodyBytes: 0 },
];

const job = { memoryMb: 1024, needsDatabase: true } as const;
const MINUTE = 60_000;

export const schedules: readonly ScheduleSpec[] = [
  { ...job, name: 'soil', handler: 'functions/jobs/soil.ts', cron: 'cron(15 */1 * * ? *)', localEveryMs: 10 * MINUTE, timeoutSeconds: 300 },
  { ...job, name: 'geo', handler: 'functions/jobs/geo.ts', cron: 'cron(5 * * * ? *)', localEveryMs: 5 * MINUTE, timeoutSeconds: 120 },
  { ...job, name: 'weights', handler: 'functions/jobs/scoring.ts', cron: 'cron(30 */1 * * ? *)', localEveryMs: 10 * MINUTE, timeoutSeconds: 120 },
  { ...job, name: 'cleanup', handler: 'functions/jobs/cleanup.ts', cron: 'cron(45 3 * * ? *)', localEveryMs: 60 * MINUTE, timeoutSeconds: 300 },
  { ...job, name: 'health', handler: 'functions/jobs/health.ts', cron: 'cron(*/5 * * * ? *)', localEveryMs: 1 * MINUTE, timeoutSeconds: 30, memoryMb: 256 },
];
