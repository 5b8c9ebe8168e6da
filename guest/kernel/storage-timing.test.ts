// Device I/O in virtual time: a virtio-blk with `x-latency-us` / `x-bandwidth-mbps` completes
// each request as a scheduler event after latency + bytes / bandwidth; the guest's driver waits
// for it, so a read's CLOCK_MONOTONIC duration is at least the modelled service time.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceSpec, MachineType } from '../../emulator/machine/description/types';
import { serviceTimeNs } from '../../devices/virtio/blk/timing';
import type { Machine } from '../../emulator/machine/machine';
import { runInit } from '../testing/run';

const AT_FDCWD = -100, O_RDONLY = 0, CLOCK_MONOTONIC = 1;
const MIB = 1 << 20;

function image(): string {
  const img = new Uint8Array(4 * MIB);
  for (let i = 0; i < img.length; i += 4096) img[i] = (i / 4096) & 0xff;
  const path = join(mkdtempSync(join(tmpdir(), 'twinbox-blktime-')), 'disk.img');
  writeFileSync(path, img);
  return path;
}

/** Reads 1 MiB of /dev/vda in 64 KiB reads; returns guest ns taken, a byte per page, the irq line. */
function readTimed(type: MachineType, driver: DeviceSpec['driver'], props: Record<string, string>) {
  const path = image();
  let ns = 0, interrupts = '', requests = 0;
  const marks: number[] = [];
  let machine: Machine | undefined;
  const readRequests = () => machine!.devices.blks[0].device.metrics.readRequests;
  runInit(function* (u) {
    yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/dev'), 0o755);
    yield* u.sys('mount', u.cstr('devtmpfs'), u.cstr('/dev'), u.cstr('devtmpfs'), 0, 0);
    yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/proc'), 0o755);
    yield* u.sys('mount', u.cstr('proc'), u.cstr('/proc'), u.cstr('proc'), 0, 0);
    const fd = yield* u.sys('openat', AT_FDCWD, u.cstr('/dev/vda'), O_RDONLY, 0);
    const ts = u.alloc(16), buf = u.alloc(64 * 1024);
    const clock = function* () {
      yield* u.sys('clock_gettime', CLOCK_MONOTONIC, ts);
      return u.u64(ts) * 1e9 + u.u64(ts + 8);
    };
    const r0 = readRequests();
    const t0 = yield* clock();
    for (let off = 0; off < MIB; off += 64 * 1024) {
      yield* u.sys('read', fd, buf, 64 * 1024);
      marks.push(u.read(buf + 4096, 1)[0]);
    }
    ns = (yield* clock()) - t0;
    requests = readRequests() - r0;
    const pfd = yield* u.sys('openat', AT_FDCWD, u.cstr('/proc/interrupts'), O_RDONLY, 0);
    const pb = u.alloc(4096);
    const n = yield* u.sys('read', pfd, pb, 4096);
    interrupts = u.text(pb, n);
  }, { type, description: { drives: [{ id: 'd0', file: path, format: 'raw', if: 'none', readonly: true, props: {} }], devices: [{ driver, props: { drive: 'd0', ...props } }] }, onMachine: (m) => (machine = m) });
  return { ns, marks, interrupts, requests };
}

describe('virtio-blk service time', () => {
  it('the model: latency plus bytes over bandwidth', () => {
    expect(serviceTimeNs({ latencyNs: 100_000, bytesPerSec: 500e6 }, 65536)).toBe(100_000 + 131_072);
    expect(serviceTimeNs({ latencyNs: 0, bytesPerSec: Infinity }, 1 << 30)).toBe(0);
  });

  for (const [type, driver] of [['virt', 'virtio-blk-device'], ['q35', 'virtio-blk-pci']] as const) {
    it(`${type} ${driver}: reads take the modelled time, return the right bytes, and raise interrupts`, () => {
      const fast = readTimed(type, driver, {});
      const slow = readTimed(type, driver, { 'x-latency-us': '100', 'x-bandwidth-mbps': '500' });
      const again = readTimed(type, driver, { 'x-latency-us': '100', 'x-bandwidth-mbps': '500' });
      const expectedMarks = Array.from({ length: 16 }, (_, i) => (i * 16 + 1) & 0xff);
      expect(slow.marks).toEqual(expectedMarks);
      expect(fast.marks).toEqual(expectedMarks);
      // Each 64 KiB request costs 100 us + 131 us on the device (chunks the partition scan at
      // boot left in the buffer cache cost nothing).
      expect(slow.requests).toBeGreaterThanOrEqual(12);
      expect(slow.requests).toBe(fast.requests);
      expect(slow.ns - fast.ns).toBe(slow.requests * 231_072);
      expect(again.ns).toBe(slow.ns);
      expect(slow.interrupts).toMatch(/^ *\d+: +[1-9]\d* +(GICv2|IO-APIC) +virtio0$/m);
    });
  }

  it('a malformed model is a machine build error', () => {
    expect(() => readTimed('virt', 'virtio-blk-device', { 'x-bandwidth-mbps': '0' })).toThrow(/x-bandwidth-mbps=0/);
  });
});
