import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // UI tests poll for what the page shows; on a loaded 2-core machine the engine and Chromium
    // can take longer than a second (the default) to get there. Behaviour, not speed, is tested.
    expect: { poll: { timeout: 10_000 } },
  },
});
