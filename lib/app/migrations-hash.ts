// What `sst deploy` keys the migration run on (infra/migrations.ts): a digest of what would be applied. The
// journal and every .sql file of drizzle/ (names and contents, in name order); drizzle-kit's snapshots are its own
// bookkeeping and change nothing that is applied, so they are left out.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function migrationsHash(folder: string): string {
  const files = [
    path.join('meta', '_journal.json'),
    ...readdirSync(folder)
      .filter((f) => f.endsWith('.sql'))
      .sort(),
  ];
  const hash = createHash('sha256');
  for (const file of files) {
    // Name and content, each length-prefixed: no two different folders give the same stream.
    const content = readFileSync(path.join(folder, file));
    hash.update(`${file.length}:${file}:${content.length}:`).update(content);
  }
  return hash.digest('hex');
}
