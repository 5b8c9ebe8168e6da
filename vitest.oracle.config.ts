import { defineConfig } from 'vitest/config';

// The heavier suites that need real software (QEMU + Linux, qemu-aarch64, e2fsprogs, tshark...):
// `npm run test:oracle`, run by CI after `npm test`.
export default defineConfig({
  test: {
    include: ['{emulator,devices,guest,scenarios,bench,cli,tools,hw}/**/*.oracle.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Real QEMU under TCG takes a whole core; running these files one at a time keeps their
    // timeouts meaningful on a 2-core machine.
    fileParallelism: false,
    passWithNoTests: true,
  },
});
