import { defineConfig } from 'vitest/config';

// The browser tests start a demo server and Chromium: one file at a time, with room for a cold start.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
  },
});
