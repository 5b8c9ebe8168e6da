import { defineConfig } from 'vitest/config';

// Heavy suites (real QEMU, qemu-aarch64 oracles, soak) live in *.oracle.test.ts and run with `npm run test:oracle`.
export default defineConfig({
  test: {
    include: ['{emulator,devices,guest,scenarios,bench,cli,tools,hw}/**/*.test.ts'],
    exclude: ['**/*.oracle.test.ts', '**/*.soak.test.ts', '**/node_modules/**'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
