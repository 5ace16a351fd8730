// One simulated Lambda container of the fan-out scenario, in a worker thread of its own (bundled with the handlers by
// scripts/bundle.ts): its own createDatabase from the environment the thread was given. It waits for the signal,
// then sends its requests one after the other, as a container serves one invocation at a time.
import { parentPort, workerData } from 'node:worker_threads';
import * as container from '../support/container';
import { send, type Outcome } from '../support/load';
import { watchTimerLag } from '../support/timer-lag';

/** This container's requests: numbers first.. first+count-1; it is submitter `submitter` of `submitters`. */
type Job = { first: number; count: number; remainingMs: number; submitter: number; submitters: number };
const job = workerData as Job;

parentPort!.once('message', async () => {
  const outcomes: Outcome[] = [];
  const lag = watchTimerLag();
  for (let k = 0; k < job.count; k++) {
    const o = await send(container, { i: job.first + k, submitter: job.submitter, submitters: job.submitters, seq: k }, job.remainingMs);
    outcomes.push({ ...o, timerLagMs: lag.maxBetween(o.startedAt, o.endedAt) });
  }
  lag.stop();
  await container.closeSharedDatabase();
  parentPort!.postMessage(outcomes);
});
parentPort!.postMessage('ready');
