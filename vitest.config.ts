import { defineConfig } from 'vitest/config';

// The shipped scenarios judge latency SLOs, and the release gate judges latency against a committed baseline: they
// run last, one file at a time, on a machine the rest of the suite no longer loads (two cores here).
const shipped = ['test/e2e/docker-scenarios.test.ts', 'test/e2e/release-gate.test.ts'];

export default defineConfig({
  test: {
    // Real processes and sockets: give slow starts room, and keep the two cores from being oversubscribed.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['src/**/*.test.ts', 'fixtures/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: shipped,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'shipped', include: shipped, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
