import { defineConfig } from 'vitest/config';

/** `npm run test:docker`: the docker runtime against a real Docker engine (see scripts/docker-engine.sh). */
export default defineConfig({
  test: {
    include: ['test/docker/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    // containers compete for 2 cores: one file at a time keeps readiness timings honest
    fileParallelism: false,
  },
});
