import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../../emulator/machine/description/profile';
import type { SyscallTrap } from '../../abi/native';
import { runInit } from '../../testing/run';
import type { USys } from '../../testing/usys';
import { VFIO_CHECK_EXTENSION, VFIO_GET_API_VERSION, VFIO_GROUP_GET_STATUS, VFIO_GROUP_SET_CONTAINER, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU } from './vfio';

// Binding through sysfs and VFIO's group ioctls on the NeuronOS dual-GPU host profile: the
// NVIDIA GPU (01:00.0) and its audio (01:00.1) share group 1 with the CPU root port (pcieport).

const AT_FDCWD = -100, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;
const EPERM = 1, ENODEV = 19, EBUSY = 16, EINVAL = 22;
type Gen<T> = Generator<SyscallTrap, T, number>;

function profile() {
  const r = loadProfile(fileURLToPath(new URL('../../../profiles/neuronos-dual-gpu.yaml', import.meta.url)));
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.value;
}

function* put(u: USys, path: string, text: string): Gen<number> {
  const fd = yield* u.sys('openat', AT_FDCWD, u.cstr(path), O_WRONLY, 0);
  if (fd < 0) return fd;
  const data = new TextEncoder().encode(text);
  const r = yield* u.sys('write', fd, u.bytes(data), data.length);
  yield* u.sys('close', fd);
  return r;
}

function* get(u: USys, path: string): Gen<string> {
  const fd = yield* u.sys('openat', AT_FDCWD, u.cstr(path), O_RDONLY, 0);
  if (fd < 0) return `error ${fd}`;
  const buf = u.alloc(8192);
  const n = yield* u.sys('read', fd, buf, 8192);
  yield* u.sys('close', fd);
  return n < 0 ? `error ${n}` : u.text(buf, n);
}

function* link(u: USys, path: string): Gen<string> {
  const buf = u.alloc(512);
  const n = yield* u.sys('readlinkat', AT_FDCWD, u.cstr(path), buf, 512);
  return n < 0 ? `error ${n}` : u.text(buf, n);
}

function* mounts(u: USys): Gen<void> {
  for (const [dir, type] of [['/sys', 'sysfs'], ['/dev', 'devtmpfs']]) {
    yield* u.sys('mkdirat', AT_FDCWD, u.cstr(dir), 0o755);
    yield* u.sys('mount', u.cstr(type), u.cstr(dir), u.cstr(type), 0, 0);
  }
}

const DEV = '/sys/bus/pci/devices/';

describe('PCI driver binding and VFIO on a dual-GPU host', () => {
  it('shows Linux attributes, links and bound drivers', () => {
    const seen: Record<string, string> = {};
    runInit(function* (u) {
      yield* mounts(u);
      for (const f of ['class', 'vendor', 'device', 'subsystem_vendor', 'subsystem_device', 'revision', 'boot_vga', 'numa_node', 'driver_override', 'enable']) {
        seen[f] = yield* get(u, `${DEV}0000:01:00.0/${f}`);
      }
      seen.audioVga = yield* get(u, `${DEV}0000:01:00.1/boot_vga`);
      seen.igpuVga = yield* get(u, `${DEV}0000:00:02.0/boot_vga`);
      seen.busLink = yield* link(u, `${DEV}0000:01:00.0`);
      seen.group = yield* link(u, `${DEV}0000:01:00.0/iommu_group`);
      seen.driver = yield* link(u, `${DEV}0000:01:00.0/driver`);
      seen.port = yield* link(u, `${DEV}0000:00:01.0/driver`);
      seen.resource = yield* get(u, `${DEV}0000:01:00.0/resource`);
      seen.config = String((yield* get(u, `${DEV}0000:01:00.0/config`)).length);
      seen.groupMember = yield* link(u, '/sys/kernel/iommu_groups/1/devices/0000:01:00.1');
    }, { type: 'q35', description: profile() });
    expect(seen.class).toBe('0x030000\n');
    expect(seen.vendor).toBe('0x10de\n');
    expect(seen.device).toBe('0x2484\n');
    expect(seen.subsystem_vendor).toBe('0x10de\n');
    expect(seen.subsystem_device).toBe('0x146b\n');
    expect(seen.revision).toBe('0xa1\n');
    expect(seen.boot_vga).toBe('0\n');
    expect(seen.igpuVga).toBe('1\n');
    expect(seen.audioVga).toMatch(/^error -2/);
    expect(seen.numa_node).toBe('-1\n');
    expect(seen.driver_override).toBe('(null)\n');
    expect(seen.enable).toBe('1\n');
    expect(seen.busLink).toBe('../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0');
    expect(seen.group).toBe('../../../../kernel/iommu_groups/1');
    expect(seen.driver).toBe('../../../../bus/pci/drivers/nouveau');
    expect(seen.port).toBe('../../../bus/pci/drivers/pcieport');
    expect(seen.groupMember).toBe('../../../../devices/pci0000:00/0000:00:01.0/0000:01:00.1');
    const lines = seen.resource.split('\n');
    expect(lines).toHaveLength(14);
    expect(lines[0]).toMatch(/^0x00000000[0-9a-f]{8} 0x00000000[0-9a-f]{8} 0x0000000000040200$/);
    expect(lines[1]).toMatch(/ 0x000000000014220c$/);
    expect(seen.config).toBe('4096');
  });

  it('binds by new_id, refuses mismatches, and VFIO_GROUP_SET_CONTAINER fails with EPERM until the group is viable', () => {
    const r: Record<string, number | string> = {};
    runInit(function* (u) {
      yield* mounts(u);
      r.bindWrong = yield* put(u, '/sys/bus/pci/drivers/e1000e/bind', '0000:01:00.0');
      r.bindBusy = yield* put(u, '/sys/bus/pci/drivers/nouveau/bind', '0000:01:00.0');
      r.unbind = yield* put(u, '/sys/bus/pci/drivers/nouveau/unbind', '0000:01:00.0');
      r.newId = yield* put(u, '/sys/bus/pci/drivers/vfio-pci/new_id', '10de 2484');
      r.gpuDriver = yield* link(u, `${DEV}0000:01:00.0/driver`);
      r.noNode = yield* u.sys('openat', AT_FDCWD, u.cstr('/dev/vfio/2'), O_RDWR, 0);
      const container = yield* u.sys('openat', AT_FDCWD, u.cstr('/dev/vfio/vfio'), O_RDWR, 0);
      const group = yield* u.sys('openat', AT_FDCWD, u.cstr('/dev/vfio/1'), O_RDWR, 0);
      r.api = yield* u.sys('ioctl', container, VFIO_GET_API_VERSION, 0);
      r.ext = yield* u.sys('ioctl', container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
      const status = u.alloc(8);
      u.setI32(status, 8);
      yield* u.sys('ioctl', group, VFIO_GROUP_GET_STATUS, status);
      r.statusBefore = u.i32(status + 4);
      const fdp = u.alloc(4);
      u.setI32(fdp, container);
      r.setBefore = yield* u.sys('ioctl', group, VFIO_GROUP_SET_CONTAINER, fdp);
      // Move the audio function over with driver_override and drivers_probe.
      yield* put(u, `${DEV}0000:01:00.1/driver_override`, 'vfio-pci\n');
      yield* put(u, '/sys/bus/pci/drivers/snd_hda_intel/unbind', '0000:01:00.1');
      r.probe = yield* put(u, '/sys/bus/pci/drivers_probe', '0000:01:00.1');
      r.override = yield* get(u, `${DEV}0000:01:00.1/driver_override`);
      yield* u.sys('ioctl', group, VFIO_GROUP_GET_STATUS, status);
      r.statusAfter = u.i32(status + 4);
      r.setAfter = yield* u.sys('ioctl', group, VFIO_GROUP_SET_CONTAINER, fdp);
      r.setIommu = yield* u.sys('ioctl', container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
      r.bridgeRefused = yield* put(u, '/sys/bus/pci/drivers/vfio-pci/bind', '0000:00:01.0');
      r.removeId = yield* put(u, '/sys/bus/pci/drivers/vfio-pci/remove_id', '10de 2484');
      r.removeAgain = yield* put(u, '/sys/bus/pci/drivers/vfio-pci/remove_id', '10de 2484');
      r.badId = yield* put(u, '/sys/bus/pci/drivers/vfio-pci/new_id', 'zz');
    }, { type: 'q35', description: { ...profile(), append: `${profile().append} modules-load=vfio-pci` } });
    expect(r.bindWrong).toBe(-ENODEV);
    expect(r.bindBusy).toBe(-EBUSY);
    expect(r.unbind).toBeGreaterThan(0);
    expect(r.newId).toBeGreaterThan(0);
    expect(r.gpuDriver).toBe('../../../../bus/pci/drivers/vfio-pci');
    expect(r.noNode).toBe(-2);
    expect(r.api).toBe(0);
    expect(r.ext).toBe(1);
    expect(r.statusBefore).toBe(0);
    expect(r.setBefore).toBe(-EPERM);
    expect(r.probe).toBeGreaterThan(0);
    expect(r.override).toBe('vfio-pci\n');
    expect(r.statusAfter).toBe(1);
    expect(r.setAfter).toBe(0);
    expect(r.setIommu).toBe(0);
    expect(r.bridgeRefused).toBe(-ENODEV);
    expect(r.removeId).toBeGreaterThan(0);
    expect(r.removeAgain).toBe(-ENODEV);
    expect(r.badId).toBe(-EINVAL);
  });

  it('vfio-pci is a module: vfio-pci.ids= alone leaves the GPU to nouveau (nothing loads vfio-pci)', () => {
    const r: Record<string, string> = {};
    const desc = { ...profile(), append: 'console=ttyS0 intel_iommu=on iommu=pt vfio-pci.ids=10de:2484,10de:228b' };
    runInit(function* (u) {
      yield* mounts(u);
      r.gpu = yield* link(u, `${DEV}0000:01:00.0/driver`);
      r.vfioDir = yield* get(u, '/sys/bus/pci/drivers/vfio-pci/new_id');
    }, { type: 'q35', description: desc });
    expect(r.gpu).toBe('../../../../bus/pci/drivers/nouveau');
    expect(r.vfioDir).toBe('error -2');
  });

  it('modules-load=vfio-pci loads it before coldplug, with vfio-pci.ids= from the command line (kmod)', () => {
    const r: Record<string, string | number> = {};
    const desc = { ...profile(), append: 'console=ttyS0 intel_iommu=on iommu=pt modules-load=vfio-pci vfio-pci.ids=10de:2484,10de:228b' };
    const boot = runInit(function* (u) {
      yield* mounts(u);
      r.gpu = yield* link(u, `${DEV}0000:01:00.0/driver`);
      r.audio = yield* link(u, `${DEV}0000:01:00.1/driver`);
      r.igpu = yield* link(u, `${DEV}0000:00:02.0/driver`);
      r.group = yield* u.sys('openat', AT_FDCWD, u.cstr('/dev/vfio/1'), O_RDWR, 0);
      r.enableOff = yield* put(u, `${DEV}0000:01:00.0/enable`, '0');
      r.enableOffAgain = yield* put(u, `${DEV}0000:01:00.0/enable`, '0');
    }, { type: 'q35', description: desc });
    expect(r.gpu).toBe('../../../../bus/pci/drivers/vfio-pci');
    expect(r.audio).toBe('../../../../bus/pci/drivers/vfio-pci');
    expect(r.igpu).toBe('../../../bus/pci/drivers/i915');
    expect(r.group).toBeGreaterThanOrEqual(0);
    expect(r.enableOff).toBe(1);
    expect(r.enableOffAgain).toBe(-5);
    expect(boot.output).toContain('vfio_pci: add [10de:2484[ffffffff:ffffffff]] class 0x000000/00000000');
    expect(boot.output).toContain('DMAR: IOMMU enabled');
  });
});

