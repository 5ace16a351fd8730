// The scheduled handlers: plain Lambda signature, database from the environment, one session per invocation,
// the step's summary as the result.
import type { Context, ScheduledEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedules } from '../../lib/app/functions';
import { storeGeoTruth, submitGeoPredictions } from '../../lib/validator';
import { HOUR, hotkeyOf, pgHarness, range, seedMiners, type Harness } from '../validator/fixtures';

type Handler = (event: ScheduledEvent, context: Context) => Promise<Record<string, unknown>>;

const context = (timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'test-job',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test-job',
    memoryLimitInMB: '1024',
    awsRequestId: `req-${Date.now()}`,
    logGroupName: '/aws/lambda/test-job',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
const event: ScheduledEvent = {
  version: '0',
  id: 'test',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: new Date().toISOString(),
  region: 'us-east-1',
  resources: [],
  detail: {},
};

let h: Harness;
const handlers: Record<string, Handler> = {};
// An hour that is over, relative to the wall clock the handlers use.
const hour = new Date(Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR);

beforeAll(async () => {
  h = await pgHarness('jobs');
  await h.session((s) => seedMiners(s, range(8)));
  await h.session((s) => submitGeoPredictions(s, range(8).map((uid) => ({ uid, hotkey: hotkeyOf(uid), queryTime: hour, value: 0 }))));
  await h.session((s) => storeGeoTruth(s, [{ hour, dst: 0 }]));
  // The handlers read the database from the environment when their module loads.
  process.env.DATABASE_URL = h.tdb!.url;
  process.env.DB_APPLICATION_NAME = h.tdb!.applicationName;
  for (const job of schedules.filter((j) => j.name !== 'health')) {
    handlers[job.name] = ((await import(`../../${job.handler}`)) as { handler: Handler }).handler;
  }
});
afterAll(async () => {
  delete process.env.DATABASE_URL;
  delete process.env.DB_APPLICATION_NAME;
  await h.close();
});

describe('job handlers', () => {
  it('exist for every scheduled step of the deployment table', () => {
    expect(Object.keys(handlers).sort()).toEqual(['cleanup', 'geo', 'soil', 'weights']);
  });

  it('geo: scores the hours that are over and returns the summary', async () => {
    const summary = await handlers.geo!(event, context(120_000));
    expect(summary).toMatchObject({ processed: 8, scored: 8, stoppedBy: 'done' });
    const rows = await h.session((s) => s.query<{ n: number }>('SELECT count(*)::int AS n FROM geo_history'));
    expect(rows.rows[0]!.n).toBe(8);
  });

  it('weights, soil and cleanup run on the same database and return their summaries', async () => {
    const weights = await handlers.weights!(event, context(120_000));
    const soil = await handlers.soil!(event, context(300_000));
    const cleanup = await handlers.cleanup!(event, context(300_000));
    expect(weights).toMatchObject({ geoRows: 1, soilRows: 0, weighted: 8 });
    expect(soil).toMatchObject({ processed: 0, stoppedBy: 'done' });
    expect(cleanup).toMatchObject({ totalDeleted: 0, stoppedBy: 'done' });
  });

  it('stops before starting a chunk when the invocation has no time left', async () => {
    const summary = await handlers.geo!(event, context(2_000));
    expect(summary).toMatchObject({ chunks: 0, stoppedBy: 'deadline' });
  });
});
