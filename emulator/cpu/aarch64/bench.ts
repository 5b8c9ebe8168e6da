// CPU speed: a compute loop of hand-encoded instructions (so `twinbox bench` needs no cross
// toolchain), run through the full decode-cache/TLB path. Wall-clock timing belongs to the
// bench harness, outside simulated code: the caller passes its clock in.
import { A64Cpu } from './cpu';
import { FlatMemory as FlatMemory$ } from './memory';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const FlatMemory = FlatMemory$;

const LOOP_BASE = 0x400000;

/**
 * mov x0,#1; mov x1,#3; 1: add x0,x0,x1; eor x1,x1,x0,lsr #7; add x3,x3,#1; subs x2,x2,#1;
 * b.ne 1b; svc #0 — x2 holds the iteration count.
 */
const LOOP_WORDS = [0xd2800020, 0xd2800061, 0x8b010000, 0xca401c21, 0x91000463, 0xf1000442, 0x54ffff81, 0xd4000001];

export interface CpuBenchResult {
  instructions: number;
  seconds: number;
  instructionsPerSecond: number;
  /** x0 at the end, to check the loop really ran. */
  checksum: bigint;
}

/** A CPU ready to run `iterations` of the loop (5 instructions each, plus 3). */
export function makeComputeLoop(iterations: number): A64Cpu {
  const mem = new FlatMemory();
  mem.map(LOOP_BASE, 4096, 'rx');
  const code = new Uint8Array(LOOP_WORDS.length * 4);
  const view = new DataView(code.buffer);
  LOOP_WORDS.forEach((w, i) => view.setUint32(i * 4, w, true));
  mem.write(LOOP_BASE, code);
  const cpu = new A64Cpu(mem, { cntvct: () => 0, cntfrqHz: 62_500_000 });
  cpu.setXNum(2, iterations);
  cpu.pc = LOOP_BASE;
  return cpu;
}

/** Run the compute loop; `nowSeconds` is the host clock (the bench's, never the simulator's). */
export function benchComputeLoop(nowSeconds: () => number, iterations = 20_000_000): CpuBenchResult {
  const cpu = makeComputeLoop(iterations);
  const t0 = nowSeconds();
  let r = cpu.run(Number.MAX_SAFE_INTEGER);
  while (r.reason === 'budget') r = cpu.run(Number.MAX_SAFE_INTEGER);
  const seconds = nowSeconds() - t0;
  return { instructions: cpu.instructions, seconds, instructionsPerSecond: cpu.instructions / seconds, checksum: cpu.getX(0) };
}
