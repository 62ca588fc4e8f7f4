import { defineConfig } from 'vitest/config';

// Unit tests sit next to their module as x.test.ts and run in Node.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/architecture/**/*.test.ts'],
    environment: 'node',
    // Property tests run thousands of cases; on a busy 2-core machine that can take longer
    // than the 5 s default. No test asserts an absolute time: linear-time tests compare a big
    // input with a small one (tests/support/linear-time.ts).
    testTimeout: 30_000,
  },
});
