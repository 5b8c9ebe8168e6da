// Static glibc C programs (testing/c/*.c) built with aarch64-linux-gnu-gcc -O2 -static, run
// under qemu-aarch64 and under the interpreter with the test shim: same stdout, same status.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserShim } from './testing/user-shim';
import { buildC, missingToolchain, readBinary, runQemu } from './testing/toolchain';

const missing = missingToolchain();
const C_DIR = join(import.meta.dirname, 'testing', 'c');

function compare(name: string, args: string[] = [], opt = '-O2'): { instructions: number } {
  const path = buildC(readFileSync(join(C_DIR, `${name}.c`), 'utf8'), [opt, '-lm']);
  const oracle = runQemu(path, args);
  const shim = new UserShim();
  expect(shim.load(readBinary(path), [path, ...args])).toBeUndefined();
  const mine = shim.run(500_000_000);
  expect(mine.stop).toBeUndefined();
  expect(mine.stdout).toBe(oracle.stdout.toString('utf8'));
  expect(mine.exitCode).toBe(oracle.status);
  return { instructions: mine.instructions };
}

describe.skipIf(missing !== undefined)('static C programs against qemu-aarch64', () => {
  it('integer arithmetic', () => void compare('arith'));
  it('floating point and printf', () => void compare('float'));
  it('strings, memory functions, qsort, malloc, setjmp', () => void compare('strings'));
  it('the bench loop', () => void compare('loop', ['100000']));
  it('vectorised loops (-O3: widening, narrowing, vector FP, reductions)', () => void compare('vector', [], '-O3'));
});

// The oracle suite needs its oracles: a missing tool fails here, by name (.ci/run installs them).
describe('static C programs prerequisites', () => {
  it('has the cross toolchain, qemu-aarch64 and the inputs', () => {
    expect(missing).toBeUndefined();
  });
});
