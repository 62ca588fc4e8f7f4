import { defineConfig } from 'vitest/config';

// Unit tests sit next to their module as x.test.ts and run in Node.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
  },
});
