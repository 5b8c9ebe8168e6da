// MSI-X in the guest's virtio-pci transport: a virtio-blk-pci (and a virtio-gpu-pci) behind a
// PCIe root port, where no INTx route exists, get Linux's vectors (config + one per queue)
// through the GICv2m frame on virt and local-APIC vectors on q35, and take interrupts instead
// of polling. Functions on the root bus keep INTx.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceSpec, MachineType } from '../../emulator/machine/description/types';
import { runInit } from '../testing/run';

const AT_FDCWD = -100, O_RDONLY = 0;

function boot(type: MachineType, devices: DeviceSpec[]) {
  const path = join(mkdtempSync(join(tmpdir(), 'twinbox-msix-')), 'disk.img');
  const img = new Uint8Array(1 << 20);
  img.set([0xde, 0xad], 8192);
  writeFileSync(path, img);
  let interrupts = '';
  const got: number[] = [];
  const r = runInit(function* (u) {
    for (const [src, dir] of [['devtmpfs', '/dev'], ['proc', '/proc']]) {
      yield* u.sys('mkdirat', AT_FDCWD, u.cstr(dir), 0o755);
      yield* u.sys('mount', u.cstr(src), u.cstr(dir), u.cstr(src), 0, 0);
    }
    const fd = yield* u.sys('openat', AT_FDCWD, u.cstr('/dev/vda'), O_RDONLY, 0);
    const buf = u.alloc(8192 + 512);
    got.push(yield* u.sys('pread64', fd, buf, 512, 8192));
    got.push(...u.read(buf, 2));
    yield* u.sys('nanosleep', u.bytes(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x42, 0x0f, 0, 0, 0, 0, 0])), 0);
    const pfd = yield* u.sys('openat', AT_FDCWD, u.cstr('/proc/interrupts'), O_RDONLY, 0);
    const pb = u.alloc(8192);
    interrupts = u.text(pb, yield* u.sys('read', pfd, pb, 8192));
  }, { type, description: { drives: [{ id: 'd0', file: path, format: 'raw', if: 'none', readonly: true, props: {} }], devices } });
  return { got, interrupts, output: r.output, machine: r.machine };
}

const behindPort = (extra: DeviceSpec[] = []): DeviceSpec[] => [
  { driver: 'pcie-root-port', id: 'rp1', props: { slot: '1' } },
  { driver: 'virtio-blk-pci', bus: 'rp1', props: { drive: 'd0' } },
  ...extra,
];

describe('virtio-pci MSI-X', () => {
  for (const type of ['q35', 'virt'] as const) {
    it(`${type}: a disk behind a root port takes MSI-X interrupts on its request queue`, () => {
      const r = boot(type, behindPort());
      expect(r.got).toEqual([512, 0xde, 0xad]);
      const req = /^ *(\d+): +(\d+) +\S+ +virtio0-req\.0$/m.exec(r.interrupts);
      expect(req, r.interrupts).not.toBeNull();
      expect(Number(req![2])).toBeGreaterThan(0);
      expect(r.interrupts).toMatch(/^ *\d+: +\d+ +\S+ +virtio0-config$/m);
      // The function's MSI-X capability is on and INTx off.
      expect(r.output).toMatch(/virtio_blk virtio0: \[vda\] 2048 512-byte logical blocks/);
    });
  }

  it('a GPU behind the port gets config, control and cursor vectors; the disk on the root bus keeps INTx', () => {
    const r = boot('q35', [
      { driver: 'virtio-blk-pci', props: { drive: 'd0' } },
      { driver: 'pcie-root-port', id: 'rp1', props: { slot: '2' } },
      { driver: 'virtio-gpu-pci', bus: 'rp1', props: {} },
    ]);
    expect(r.got).toEqual([512, 0xde, 0xad]);
    expect(r.interrupts).toMatch(/^ *\d+: +[1-9]\d* +IO-APIC +virtio0$/m);
    for (const q of ['config', 'control', 'cursor']) expect(r.interrupts).toMatch(new RegExp(`^ *\\d+: +\\d+ +\\S+ +virtio1-${q}$`, 'm'));
    expect(r.interrupts).toMatch(/^ *\d+: +[1-9]\d* +\S+ +virtio1-control$/m);
    expect(r.output).toContain('virtio_gpu virtio1: [drm] fb0: virtio_gpudrmfb frame buffer device');
  });
});
