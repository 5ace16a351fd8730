// The chaos load: every container is one submitter sending one request after another (a Lambda container serves one
// at a time), each request an API Gateway v2 event for the real handler with the invocation's remaining time. Every
// answer is recorded with its status, error code and timing.
import type { Container } from './containers';
import { buildRequest, type Slot, type Write } from './requests';

export type Outcome = {
  i: number;
  write: Write;
  /** HTTP status; 0 when the handler threw instead of answering (never expected). */
  status: number;
  /** The error code of a refusal (`UNAVAILABLE`, `TIMEOUT`, ...). */
  code: string | undefined;
  /** now() at start and end. */
  startedAt: number;
  endedAt: number;
  /** The invocation's remaining time when it started: Lambda would have killed it past this. */
  limitMs: number;
  /** How late the timers of the thread that sent it fired while it ran (set by threads that watch their own). */
  timerLagMs?: number;
};

export type Load = {
  readonly outcomes: Outcome[];
  /** Stops sending; resolves when every request in flight has been answered. */
  stop(): Promise<void>;
};

export type LoadOptions = {
  /** The Lambda's remaining time given to each invocation (its deadline). */
  remainingMs: number;
};

/** Sends the request of `slot` through container `c` and records its answer. */
export async function send(c: Container, slot: Slot, remainingMs: number): Promise<Outcome> {
  const req = buildRequest(slot);
  const startedAt = now();
  let status = 0;
  let code: string | undefined;
  try {
    const res = await req.send(c, remainingMs);
    status = res.status;
    code = res.json?.error?.code;
  } catch {
    code = 'HANDLER_THREW';
  }
  return { i: req.i, write: req.write, status, code, startedAt, endedAt: now(), limitMs: remainingMs };
}

export function startLoad(containers: readonly Container[], o: LoadOptions): Load {
  const outcomes: Outcome[] = [];
  let next = 0;
  let running = true;
  const submitter = async (c: Container, k: number) => {
    for (let seq = 0; running; seq++) outcomes.push(await send(c, { i: next++, submitter: k, submitters: containers.length, seq }, o.remainingMs));
  };
  const done = Promise.all(containers.map(submitter));
  return {
    outcomes,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** One request from each container, all at once (e.g. the first requests after a thaw). */
export function oneRequestEach(containers: readonly Container[], firstRequest: number, remainingMs: number): Promise<Outcome[]> {
  return Promise.all(containers.map((c, k) => send(c, { i: firstRequest + k, submitter: k, submitters: containers.length, seq: 0 }, remainingMs)));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Milliseconds since the epoch with sub-millisecond resolution: comparable across worker threads (whose
 * performance.now() each start at their own origin). */
export const now = () => performance.timeOrigin + performance.now();
