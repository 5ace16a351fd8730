// The newest migration of drizzle/ (the journal drizzle-kit writes): what this code needs of the database.
// Bundled with every function (a few hundred bytes of JSON), so a function knows it without reading files.
import journal from '../../drizzle/meta/_journal.json';
import type { MigrationMark } from '../db';

function newestOf(entries: readonly { tag: string; when: number }[]): MigrationMark {
  const last = entries.reduce<{ tag: string; when: number } | undefined>((a, e) => (a === undefined || e.when > a.when ? e : a), undefined);
  if (!last) throw new Error('drizzle/meta/_journal.json has no migrations');
  return { tag: last.tag, when: last.when };
}

export const REQUIRED_MIGRATION: MigrationMark = newestOf(journal.entries);
