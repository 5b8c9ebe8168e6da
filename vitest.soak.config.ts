import { defineConfig } from 'vitest/config';

// Soak suites (`*.soak.test.ts`: many seeds, long transfers under faults): `npm run test:soak`,
// run by CI after the oracle suites. Pure simulation, so files may run in parallel.
export default defineConfig({
  test: {
    include: ['{emulator,devices,guest,scenarios,bench,cli,tools,hw}/**/*.soak.test.ts'],
    testTimeout: 600_000,
    pool: 'forks',
    passWithNoTests: true,
  },
});
