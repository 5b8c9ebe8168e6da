// Random single-instruction snippets per decoder class, run under qemu-aarch64 and under the
// interpreter (through the test shim): register files, flags, FPSR and memory must match.
import { describe, expect, it } from 'vitest';
import { Prng } from '../../random/prng';
import { UserShim } from './testing/user-shim';
import { CASE_BYTES, SnippetGen, describeDiff, snippetProgram } from './testing/snippets';
import { FP_TEMPLATES, INT_TEMPLATES, SIMD_TEMPLATES } from './testing/templates';
import { buildAsm, missingToolchain, readBinary, runQemu } from './testing/toolchain';

const missing = missingToolchain();
const CASES_PER_CLASS = 60;
const SEED = Number(process.env.TWINBOX_SEED ?? 4);

function checkClass(name: string, tpl: (g: SnippetGen) => string[]): void {
  const g = new SnippetGen(new Prng(SEED).fork(name));
  const cases = Array.from({ length: CASES_PER_CLASS }, () => g.makeCase(tpl(g)));
  const path = buildAsm(snippetProgram(cases));
  const oracle = runQemu(path);
  const shim = new UserShim();
  expect(shim.load(readBinary(path), [path])).toBeUndefined();
  const mine = shim.run(10_000_000);
  const failures: string[] = [];
  for (let i = 0; i < cases.length; i++) {
    const a = oracle.stdout.subarray(i * CASE_BYTES, (i + 1) * CASE_BYTES);
    const b = mine.stdoutBytes.subarray(i * CASE_BYTES, (i + 1) * CASE_BYTES);
    if (b.length < CASE_BYTES) {
      failures.push(`case ${i} [${cases[i]!.body.join('; ')}]: stopped early (${JSON.stringify(mine.stop)} at pc 0x${shim.cpu.pc.toString(16)})`);
      break;
    }
    if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) failures.push(`case ${i} [${cases[i]!.body.join('; ')}]: ${describeDiff(a, b)}`);
  }
  expect(failures.slice(0, 8), `seed ${SEED}`).toEqual([]);
  expect(mine.exitCode).toBe(oracle.status);
}

describe.skipIf(missing !== undefined)('A64 instructions against qemu-aarch64', () => {
  for (const [name, tpl] of Object.entries({ ...INT_TEMPLATES, ...FP_TEMPLATES, ...SIMD_TEMPLATES })) {
    it(name, () => checkClass(name, tpl));
  }
});

// The oracle suite needs its oracles: a missing tool fails here, by name (.ci/run installs them).
describe('A64 oracle prerequisites', () => {
  it('has the cross toolchain, qemu-aarch64 and the inputs', () => {
    expect(missing).toBeUndefined();
  });
});
