// Suite "trust": what signed submissions cost. The CPU of verifying one request's Epistula v2 signature, and a
// signed geo submission's latency and round trips against the unsigned path it replaced, both through the local
// server's gateway over PostgreSQL in one run (goal: ratio <= 1.5).
import { logger } from '../lib/lambda';
import { adminQuery, createTestDatabase } from '../test/support/postgres';
import { defineSuite } from './support/suite';
import { submissionFigures } from './trust/submission-latency';
import { verificationFigures } from './trust/verify-cpu';

export default defineSuite({
  description: "signed submissions: verification CPU; signed vs today's unsigned geo submission through the local server on PostgreSQL",
  async run(ctx) {
    // A log line per request would be measured too, alike on both sides; the table is what matters.
    logger.setLogLevel('ERROR');
    const tdb = await createTestDatabase('bench_trust');
    try {
      // Commits do not wait for the disk: an fsync per request would hide the difference being measured.
      await adminQuery(`ALTER DATABASE ${tdb.name} SET synchronous_commit = off`);
      return [...verificationFigures(ctx), ...(await submissionFigures(tdb, ctx))];
    } finally {
      await tdb.drop();
    }
  },
});
