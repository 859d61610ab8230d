import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/docker/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // sockets on loopback; files run in parallel workers, 2 cores
    pool: 'forks',
  },
});
