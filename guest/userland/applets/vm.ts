// twinbox-vm start DOMAIN.xml: the part of `virsh start` that touches the host's PCI
// devices (guest/drivers/pci/vm-assign.ts has the rules and wording): managed hostdevs are
// detached to vfio-pci through sysfs as libvirt does, then each device's group is opened at
// /dev/vfio/N and VFIO_GROUP_GET_STATUS decides, as QEMU's vfio-pci realize does.

import type { UserMemory } from '../../abi/native';
import { VFIO_GROUP_FLAGS_VIABLE, VFIO_GROUP_GET_STATUS } from '../../drivers/pci/vfio';
import { noVfioSupport, parseDomainXml, startFailure, startReport, type Hostdev, type HostdevState } from '../../drivers/pci/vm-assign';
import { O_DIRECTORY, O_RDONLY, O_RDWR, O_WRONLY } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import type { Sc } from '../libc/sys';
import { spawnWait } from './find';
import { programWithMem, quietRead, userString } from './modprobe';

const SYS = '/sys/bus/pci/devices';

function* writeAttr(rt: Runtime, path: string, text: string): Sc<number> {
  const fd = yield* rt.sys.open(path, O_WRONLY);
  if (fd < 0) return fd;
  const r = yield* rt.sys.write(fd, new TextEncoder().encode(text));
  yield* rt.sys.close(fd);
  return r;
}

const lastPart = (link: string | number) => (typeof link === 'string' ? link.slice(link.lastIndexOf('/') + 1) : undefined);

/** libvirt's virPCIDeviceDetach for a managed hostdev: load vfio-pci, override, unbind, reprobe. */
function* detach(rt: Runtime, d: Hostdev): Sc<void> {
  const driver = lastPart(yield* rt.sys.readlink(`${SYS}/${d.bdf}/driver`));
  if (driver === 'vfio-pci') return;
  yield* spawnWait(rt, ['/sbin/modprobe', '-q', 'vfio-pci']);
  yield* writeAttr(rt, `${SYS}/${d.bdf}/driver_override`, 'vfio-pci');
  if (driver) yield* writeAttr(rt, `${SYS}/${d.bdf}/driver/unbind`, d.bdf);
  yield* writeAttr(rt, '/sys/bus/pci/drivers_probe', d.bdf);
}

function* groupViable(rt: Runtime, mem: UserMemory, group: number): Sc<boolean> {
  const fd = yield* rt.sys.open(`/dev/vfio/${group}`, O_RDWR);
  if (fd < 0) return false;
  const buf = yield* userString(rt, mem, '\x08\0\0\0\0\0\0');
  const r = buf < 0 ? buf : yield* rt.sys.ioctl(fd, VFIO_GROUP_GET_STATUS, buf);
  yield* rt.sys.close(fd);
  const status = buf < 0 ? undefined : mem.read(buf + 4, 4);
  return r === 0 && status !== undefined && (status[0]! & VFIO_GROUP_FLAGS_VIABLE) !== 0;
}

function* inspect(rt: Runtime, mem: UserMemory, d: Hostdev): Sc<HostdevState> {
  const exists = typeof (yield* rt.sys.readlink(`${SYS}/${d.bdf}`)) === 'string';
  const g = lastPart(yield* rt.sys.readlink(`${SYS}/${d.bdf}/iommu_group`));
  const group = g === undefined ? undefined : Number(g);
  return { bdf: d.bdf, exists, group, viable: group === undefined ? false : yield* groupViable(rt, mem, group) };
}

function* countGroups(rt: Runtime): Sc<number> {
  const fd = yield* rt.sys.open('/sys/kernel/iommu_groups', O_RDONLY | O_DIRECTORY);
  if (fd < 0) return 0;
  const ents = yield* rt.sys.getdents(fd);
  yield* rt.sys.close(fd);
  return typeof ents === 'number' ? 0 : ents.filter((e) => e.name !== '.' && e.name !== '..').length;
}

function* vmMain(rt: Runtime, mem: UserMemory): Sc<number> {
  const [cmd, file] = rt.argv.slice(1);
  if (cmd !== 'start' || !file) {
    yield* rt.error('usage: twinbox-vm start DOMAIN.xml');
    return 2;
  }
  const xml = yield* quietRead(rt, file);
  if (xml === undefined) {
    rt.err.put(`error: Failed to open file '${file}': No such file or directory\n`);
    return 1;
  }
  const dom = parseDomainXml(xml);
  if (typeof dom === 'string') {
    rt.err.put(`error: Failed to create domain from ${file}\nerror: ${dom}\n`);
    return 1;
  }
  if (dom.hostdevs.length > 0 && (yield* countGroups(rt)) === 0) {
    rt.err.put(noVfioSupport(dom.name));
    return 1;
  }
  for (const d of dom.hostdevs) if (d.managed) yield* detach(rt, d);
  const states: HostdevState[] = [];
  for (const d of dom.hostdevs) states.push(yield* inspect(rt, mem, d));
  const report = startReport(dom.name, startFailure(states));
  if (report.ok) rt.out.put(report.text);
  else rt.err.put(report.text);
  return report.ok ? 0 : 1;
}

export const twinboxVm = programWithMem(vmMain);
