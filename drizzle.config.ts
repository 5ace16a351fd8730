// drizzle-kit: generates drizzle/*.sql from the schema; `generate` needs no database.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './lib/validator/schema.ts',
  out: './drizzle',
});
