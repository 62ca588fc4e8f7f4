import { defineConfig } from 'vitest/config';

// Unit tests sit next to their module as x.test.ts and run in Node.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/architecture/**/*.test.ts'],
    environment: 'node',
    // Property tests run thousands of cases; on a busy 2-core machine that can take longer
    // than the 5 s default. Nothing here is a timing assertion.
    testTimeout: 30_000,
  },
});
