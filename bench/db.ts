// Suite "db": the database layer against raw node-postgres on the same server, in the same run.
import { adminQuery, createTestDatabase } from '../test/support/postgres';
import { sessionMemory } from './db/memory';
import { CREATE_TABLE } from './drivers/workload';
import { sessionRead } from './db/session-read';
import { writeTransaction } from './db/write-transaction';
import { defineSuite } from './support/suite';

export default defineSuite({
  description: 'lib/db vs raw pg: session read, write transaction, heap over 100k sessions',
  async run(ctx) {
    const tdb = await createTestDatabase('bench_db');
    try {
      // Commits do not wait for the disk: the comparison is about the layer's own cost, which an fsync would hide.
      await adminQuery(`ALTER DATABASE ${tdb.name} SET synchronous_commit = off`);
      await adminQuery(CREATE_TABLE, [], tdb.name);
      return [...(await sessionRead(tdb, ctx)), ...(await writeTransaction(tdb, ctx)), ...(await sessionMemory(tdb, ctx))];
    } finally {
      await tdb.drop();
    }
  },
});
