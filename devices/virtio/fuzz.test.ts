import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { F_RING_EVENT_IDX, F_RING_INDIRECT_DESC, F_VERSION_1, STATUS_DEVICE_NEEDS_RESET } from './constants';
import { MemoryBackend } from './blk/backend';
import { VirtioBlk } from './blk/device';
import { readRequest } from './blk/testing';
import { RAM_BASE, virtioRig } from './testing/harness';

describe('virtio-blk under hostile rings (fuzz)', () => {
  it('random descriptor tables and ring indices never throw: requests complete or the device needs reset', () => {
    const ramBytes = 4 << 20;
    fc.assert(
      fc.property(
        fc.array(fc.record({ index: fc.integer({ min: 0, max: 15 }), addrOff: fc.integer({ min: -4096, max: ramBytes + 4096 }), len: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.nat()), flags: fc.integer({ min: 0, max: 7 }), next: fc.integer({ min: 0, max: 20 }) }), { maxLength: 24 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        (descs, heads, indirect) => {
          const dev = new VirtioBlk(new MemoryBackend(1 << 20));
          const { driver, transport } = virtioRig(dev, ramBytes);
          expect(driver.negotiate(F_VERSION_1 | F_RING_EVENT_IDX | (indirect ? F_RING_INDIRECT_DESC : 0n))).toBe(true);
          driver.setupQueue(0, 16);
          driver.driverOk();
          driver.submit(0, readRequest(0, 512)); // one good request among the garbage
          for (const d of descs) driver.writeDescriptor(0, d.index, { addr: RAM_BASE + d.addrOff, len: d.len, flags: d.flags, next: d.next });
          for (const h of heads) driver.publish(0, h);
          expect(() => driver.kick(0)).not.toThrow();
          const completed = driver.collect(0).length;
          const needsReset = (transport.core.status & STATUS_DEVICE_NEEDS_RESET) !== 0;
          expect(completed > 0 || needsReset).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
