import { describe, expect, it } from 'vitest';
import { makeComputeLoop } from './bench';
import { restoreCpuState, saveCpuState } from './state';

describe('CPU state', () => {
  it('save, restore into a fresh CPU, run: same result as running straight through', () => {
    const straight = makeComputeLoop(1000);
    straight.run(5000);
    const a = makeComputeLoop(1000);
    a.run(1234);
    const saved = saveCpuState(a);
    const b = makeComputeLoop(1000);
    expect(restoreCpuState(b, structuredClone(saved))).toBeUndefined();
    b.run(5000 - 1234);
    expect(b.getX(0)).toBe(straight.getX(0));
    expect(b.getX(1)).toBe(straight.getX(1));
    expect(b.pc).toBe(straight.pc);
    expect(b.instructions).toBe(straight.instructions);
  });

  it('rejects malformed state with a message', () => {
    const c = makeComputeLoop(1);
    const s = saveCpuState(c);
    expect(restoreCpuState(c, { ...s, xlo: new Int32Array(3) })).toMatch(/sizes/);
    expect(restoreCpuState(c, { ...s, pc: -4 })).toMatch(/pc/);
  });
});

describe('benchComputeLoop', () => {
  it('runs the loop to completion: 5 instructions per iteration plus svc', () => {
    const c = makeComputeLoop(100);
    const r = c.run(1_000_000);
    expect(r).toEqual({ reason: 'svc', imm: 0 });
    expect(c.instructions).toBe(2 + 5 * 100 + 1);
    expect(c.getX(3)).toBe(100n);
  });
});
