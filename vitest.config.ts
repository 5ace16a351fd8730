import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration files each create their own database; two cores, so keep parallelism modest.
    maxWorkers: 2,
    pool: 'forks',
    // Session summaries are INFO lines; tests that assert logs inject a capturing logger. Every invocation writes an
    // EMF metrics line: off, except in the files that assert them (test/support/emf.ts).
    env: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
  },
});
