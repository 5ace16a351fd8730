// The scheduled steps, locally: each on its own timer (localEveryMs of the table) and on demand, each
// invocation with an EventBridge Scheduled Event and a Lambda context bounded by the job's timeout.
// A job never overlaps itself: a tick that finds it running is skipped.
import type { Context, ScheduledEvent } from 'aws-lambda';
import type { ScheduleSpec } from '../../lib/app/functions';
import type { Loaded } from './load-handlers';
import { lambdaContext } from './lambda-context';
import { scheduledEvent } from './scheduled-event';

export type JobHandler = (event: ScheduledEvent, context: Context) => Promise<unknown>;
export type JobOutcome = { name: string; ok: boolean; ms: number; result?: unknown; error?: { name: string; message: string } };
export type JobLog = (line: string) => void;

export class JobRunner {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<JobOutcome>>();
  private stopped = false;

  constructor(
    private readonly jobs: readonly Loaded<ScheduleSpec, JobHandler>[],
    private readonly log: JobLog,
  ) {}

  names(): string[] {
    return this.jobs.map((j) => j.spec.name);
  }

  has(name: string): boolean {
    return this.jobs.some((j) => j.spec.name === name);
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  startTimers(): void {
    for (const job of this.jobs) {
      this.timers.push(
        setInterval(() => {
          if (this.running.has(job.spec.name)) {
            this.log(`job ${job.spec.name}: previous run still going, tick skipped`);
            return;
          }
          void this.run(job.spec.name);
        }, job.spec.localEveryMs),
      );
    }
  }

  /** Runs a job now; undefined when it is already running (the caller answers 409). */
  run(name: string): Promise<JobOutcome> | undefined {
    const job = this.jobs.find((j) => j.spec.name === name);
    if (!job) throw new Error(`no job "${name}"`);
    if (this.stopped || this.running.has(name)) return undefined;
    const run = this.invoke(job).finally(() => this.running.delete(name));
    this.running.set(name, run);
    return run;
  }

  /** Stops the timers and waits for the runs in progress (they are bounded by their own deadlines). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    await Promise.allSettled([...this.running.values()]);
  }

  private async invoke(job: Loaded<ScheduleSpec, JobHandler>): Promise<JobOutcome> {
    const started = Date.now();
    const event = scheduledEvent(`local-${job.spec.name}`);
    try {
      const result = await job.handler(event, lambdaContext(job.spec));
      const outcome = { name: job.spec.name, ok: true, ms: Date.now() - started, result };
      this.log(`job ${job.spec.name}: ok in ${outcome.ms} ms`);
      return outcome;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      const outcome = { name: job.spec.name, ok: false, ms: Date.now() - started, error: { name: e.name, message: e.message } };
      this.log(`job ${job.spec.name}: failed in ${outcome.ms} ms: ${e.name}: ${e.message}`);
      return outcome;
    }
  }
}
