// Hostile input: random syscall numbers and register values never throw into the host.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { runInit } from '../../testing/run';
import { SYSCALL_TABLE } from './table';

const NUMBERS = SYSCALL_TABLE.filter((e) => e.generic !== undefined && e.handler).map((e) => e.generic!)
  .filter((nr) => ![93, 94, 142, 221].includes(nr));
const arg = fc.oneof(
  fc.integer({ min: -200, max: 200 }),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 32 - 1, 2 ** 48, 2 ** 53 - 1, -(2 ** 53) + 1, 0x7ff0_0000_0010),
  fc.integer({ min: 0, max: 2 ** 48 }),
);
const trap = fc.record({ nr: fc.constantFrom(...NUMBERS), args: fc.array(arg, { minLength: 6, maxLength: 6 }) });

describe('syscall fuzzing', () => {
  it('random calls return numbers and leave the kernel running', () => {
    fc.assert(fc.property(fc.array(trap, { minLength: 1, maxLength: 60 }), (traps) => {
      const results: unknown[] = [];
      const r = runInit(function* () {
        for (const t of traps) results.push(yield t);
      }, { untilNs: 5e9 });
      for (const v of results) expect(typeof v).toBe('number');
      expect(['powered-off', 'time-limit', 'idle']).toContain(r.stop);
      expect(r.kernel.klog.text()).not.toContain('BUG:');
    }), { numRuns: 60, seed: 42 });
  });
});
