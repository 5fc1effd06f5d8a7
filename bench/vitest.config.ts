import { defineConfig } from 'vitest/config';

/** The harness's own tests: `npx vitest run --config bench/vitest.config.ts` (from the repository root). */
export default defineConfig({
  test: {
    include: ['bench/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
