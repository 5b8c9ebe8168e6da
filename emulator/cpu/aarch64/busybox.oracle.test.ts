// Debian's busybox-static (arm64) applets that need no files, under qemu-aarch64 and the
// interpreter. The binary comes from `twinbox assets fetch` (or TWINBOX_BUSYBOX_ARM64).
import { existsSync } from 'node:fs';
import { assetPaths } from '../../../tools/assets/fetch';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserShim } from './testing/user-shim';
import { missingToolchain, readBinary, runQemu } from './testing/toolchain';

const BUSYBOX = process.env.TWINBOX_BUSYBOX_ARM64 ?? join(assetPaths('aarch64').dir, 'busybox');
const missing = missingToolchain() ?? (existsSync(BUSYBOX) ? undefined : `no arm64 busybox at ${BUSYBOX}`);

const RUNS: string[][] = [
  ['echo', 'hello', 'world'],
  ['seq', '2', '3', '20'],
  ['basename', '/a/b/c.txt', '.txt'],
  ['expr', '6', '*', '7'],
  ['expr', 'length', 'twinbox'],
  ['true'],
  ['false'],
  ['factor', '600851475143'],
];

describe.skipIf(missing !== undefined)('busybox-static applets against qemu-aarch64', () => {
  for (const args of RUNS) {
    it(args.join(' '), () => {
      const oracle = runQemu(BUSYBOX, args, 'cortex-a57', 'busybox');
      const shim = new UserShim();
      expect(shim.load(readBinary(BUSYBOX), ['busybox', ...args])).toBeUndefined();
      const mine = shim.run(200_000_000);
      expect(mine.stop).toBeUndefined();
      expect(mine.stdout).toBe(oracle.stdout.toString('utf8'));
      expect(mine.exitCode).toBe(oracle.status);
    });
  }
});

// The oracle suite needs its oracles: a missing tool fails here, by name (.ci/run installs them).
describe('busybox-static applets prerequisites', () => {
  it('has the cross toolchain, qemu-aarch64 and the inputs', () => {
    expect(missing).toBeUndefined();
  });
});
