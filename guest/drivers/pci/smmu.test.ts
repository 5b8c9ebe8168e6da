import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseQemuArgs } from '../../../emulator/machine/description/qemu-args';
import { splitShellWords } from '../../../emulator/machine/description/shell-words';
import type { MachineDescription } from '../../../emulator/machine/description/types';
import type { SyscallTrap } from '../../abi/native';
import { runInit } from '../../testing/run';
import type { USys } from '../../testing/usys';

// virt with an SMMUv3: groups appear as drivers probe (emulator/pci/smmu-groups.ts). The guest's
// sysfs is compared with a capture of Debian's arm64 kernel for a topology where both kernels
// have the same drivers (pcieport, virtio-pci built in), and a late bind creates a new group.

const AT_FDCWD = -100, O_RDONLY = 0, O_WRONLY = 1;
type Gen<T> = Generator<SyscallTrap, T, number>;

function virt(args: string): MachineDescription {
  const words = splitShellWords(args);
  if (!words.ok) throw new Error(JSON.stringify(words));
  const parsed = parseQemuArgs(words.value);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed));
  return { ...parsed.value, append: 'console=ttyAMA0', memoryBytes: 256 * 1024 * 1024 };
}

function* ls(u: USys, path: string): Gen<string[]> {
  const fd = yield* u.sys('openat', AT_FDCWD, u.cstr(path), O_RDONLY, 0);
  if (fd < 0) return [`error ${fd}`];
  const buf = u.alloc(16384);
  const names: string[] = [];
  for (;;) {
    const n = yield* u.sys('getdents64', fd, buf, 16384);
    if (n <= 0) break;
    const bytes = u.read(buf, n);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let off = 0; off < n;) {
      const reclen = view.getUint16(off + 16, true);
      const raw = bytes.subarray(off + 19, off + reclen);
      const name = new TextDecoder().decode(raw.subarray(0, raw.indexOf(0)));
      if (name !== '.' && name !== '..') names.push(name);
      off += reclen;
    }
  }
  yield* u.sys('close', fd);
  return names.sort();
}

function* link(u: USys, path: string): Gen<string> {
  const buf = u.alloc(512);
  const n = yield* u.sys('readlinkat', AT_FDCWD, u.cstr(path), buf, 512);
  return n < 0 ? `error ${n}` : u.text(buf, n);
}

function* put(u: USys, path: string, text: string): Gen<number> {
  const fd = yield* u.sys('openat', AT_FDCWD, u.cstr(path), O_WRONLY, 0);
  if (fd < 0) return fd;
  const data = new TextEncoder().encode(text);
  const r = yield* u.sys('write', fd, u.bytes(data), data.length);
  yield* u.sys('close', fd);
  return r;
}

function* mountSys(u: USys): Gen<void> {
  yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/sys'), 0o755);
  yield* u.sys('mount', u.cstr('sysfs'), u.cstr('/sys'), u.cstr('sysfs'), 0, 0);
}

function* groupsByNumber(u: USys): Gen<string[]> {
  const out: string[] = [];
  const ids = (yield* ls(u, '/sys/kernel/iommu_groups')).map(Number).sort((a, b) => a - b);
  for (const id of ids) out.push(`${id} ${(yield* ls(u, `/sys/kernel/iommu_groups/${id}/devices`)).join(' ')}`);
  return out;
}

const FIXTURE = readFileSync(new URL('../../../emulator/pci/fixtures/virt-smmuv3-virtio.linux.txt', import.meta.url), 'utf8');
/** The capture's groups by number (its third command). */
const capturedGroups = (/===CMD 3\n([\s\S]*?)===RC/.exec(FIXTURE)?.[1] ?? '').split('\n').filter((l) => l);

describe('IOMMU groups in the guest on virt with an SMMUv3', () => {
  // Captures whose devices both kernels drive alike (no e1000/e1000e: twinbox builds them in, Debian's are modules).
  it.each(['virt-smmuv3-virtio', 'virt-smmuv3-pcibridge'])('%s: /sys/kernel/iommu_groups by number as captured', (name) => {
    const text = readFileSync(new URL(`../../../emulator/pci/fixtures/${name}.linux.txt`, import.meta.url), 'utf8');
    const expected = (/===CMD 3\n([\s\S]*?)===RC/.exec(text)?.[1] ?? '').split('\n').filter((l) => l);
    let groups: string[] = [];
    runInit(function* (u) {
      yield* mountSys(u);
      groups = yield* groupsByNumber(u);
    }, { type: 'virt', description: virt(text.split('\n')[0].replace(/^# qemu-system-aarch64 /, '')) });
    expect(expected.length).toBeGreaterThan(0);
    expect(groups).toEqual(expected);
  });

  it('numbers groups in probe order as Debian\'s arm64 kernel does (virt-smmuv3-virtio capture)', () => {
    const seen: Record<string, string | string[]> = {};
    const args = FIXTURE.split('\n')[0].replace(/^# qemu-system-aarch64 /, '');
    const r = runInit(function* (u) {
      yield* mountSys(u);
      seen.groups = yield* groupsByNumber(u);
      seen.hostBridge = yield* link(u, '/sys/bus/pci/devices/0000:00:00.0/iommu_group');
      seen.bridge = yield* link(u, '/sys/bus/pci/devices/0000:02:00.0/iommu_group');
      seen.bridgeDriver = yield* link(u, '/sys/bus/pci/devices/0000:02:00.0/driver');
      seen.aliased = yield* link(u, '/sys/bus/pci/devices/0000:04:01.0/iommu_group');
      seen.aliasedDriver = yield* link(u, '/sys/bus/pci/devices/0000:04:01.0/driver');
      seen.rngDriver = yield* link(u, '/sys/bus/pci/devices/0000:00:04.0/driver');
    }, { type: 'virt', description: virt(args) });
    expect(capturedGroups.length).toBe(4);
    expect(seen.groups).toEqual(capturedGroups);
    expect(seen.hostBridge).toBe('error -2');
    expect(seen.bridge).toBe('../../../../kernel/iommu_groups/1');
    // pcieport's probe configured DMA before refusing the PCIe-to-PCI bridge.
    expect(seen.bridgeDriver).toBe('error -2');
    // Its stream ID 0x308 belongs to the pci-bridge: dma_configure fails, nothing binds.
    expect(seen.aliased).toBe('error -2');
    expect(seen.aliasedDriver).toBe('error -2');
    expect(seen.rngDriver).toBe('../../../bus/pci/drivers/virtio-pci');
    expect(r.output).toContain('pci 0000:00:04.0: Adding to iommu group 3');
    expect(r.output).not.toContain('pci 0000:00:00.0: Adding to iommu group');
  });

  it('gives a device its group when a module\'s driver first probes it, and keeps it across rebinding', () => {
    const seen: Record<string, string | string[] | number> = {};
    const r = runInit(function* (u) {
      yield* mountSys(u);
      seen.groups = yield* groupsByNumber(u);
      seen.hdaGroup = yield* link(u, '/sys/bus/pci/devices/0000:00:02.0/iommu_group');
      seen.hdaDriver = yield* link(u, '/sys/bus/pci/devices/0000:00:02.0/driver');
      seen.unbind = yield* put(u, '/sys/bus/pci/drivers/snd_hda_intel/unbind', '0000:00:02.0');
      seen.override = yield* put(u, '/sys/bus/pci/devices/0000:00:02.0/driver_override', 'pci-stub');
      seen.bind = yield* put(u, '/sys/bus/pci/drivers/pci-stub/bind', '0000:00:02.0');
      seen.after = yield* groupsByNumber(u);
      seen.stubDriver = yield* link(u, '/sys/bus/pci/devices/0000:00:02.0/driver');
    }, { type: 'virt', description: virt('-M virt,iommu=smmuv3 -nodefaults -device pcie-root-port,id=rp1,chassis=1,addr=1 -device ich9-intel-hda,bus=pcie.0,addr=2 -device virtio-rng-pci,bus=rp1') });
    // snd_hda_intel is a module: loaded at boot after the built-in probes, so its device is numbered last.
    expect(seen.groups).toEqual(['0 0000:00:01.0 0000:01:00.0', '1 0000:00:02.0']);
    expect(seen.hdaGroup).toBe('../../../kernel/iommu_groups/1');
    expect(seen.hdaDriver).toBe('../../../bus/pci/drivers/snd_hda_intel');
    const log = r.output;
    expect(log.indexOf('pci 0000:00:02.0: Adding to iommu group 1')).toBeGreaterThan(log.indexOf('pci 0000:01:00.0: Adding to iommu group 0'));
    expect([seen.unbind, seen.override, seen.bind]).toEqual([12, 8, 12]);
    expect(seen.after).toEqual(seen.groups);
    expect(seen.stubDriver).toBe('../../../bus/pci/drivers/pci-stub');
  });
});
