// The PCI part of sysfs, laid out as Linux lays it out: device directories nested under
// their bridges in /sys/devices/pci0000:00, links from /sys/bus/pci/devices, the driver
// directories with bind/unbind/new_id/remove_id, drivers_probe, and the IOMMU groups in
// /sys/kernel/iommu_groups. Attributes are computed when read; links that follow binding
// (device/driver, driver/BDF) are computed on lookup.

import { FsNode } from '../../fs/node';
import type { Vfs } from '../../fs/vfs';
import type { FileOps, OpenFile } from '../../kernel/file';
import { pciModalias } from '../modprobe/modalias';
import { parseNewId } from './driver-table';
import type { PciDevice, PciDriver, PciSubsystem } from './pci-core';
import { formatResourceFile, hexAttr } from './resource-format';

const EIO = 5, EINVAL = 22, ENODEV = 19;

type Reader = () => string | Uint8Array;
type Writer = (text: string) => number;

function attrOps(read: Reader | undefined, write: Writer | undefined): FileOps {
  return {
    seekable: true,
    read: (f: OpenFile, len: number) => {
      if (!read) return -EINVAL;
      const c = read();
      const bytes = typeof c === 'string' ? new TextEncoder().encode(c) : c;
      const out = bytes.slice(f.pos, f.pos + len);
      f.pos += out.length;
      return out;
    },
    write: (_f: OpenFile, data: Uint8Array) => {
      if (!write) return -EINVAL;
      const r = write(new TextDecoder().decode(data));
      return r < 0 ? r : data.length;
    },
  };
}

export class PciSysfs {
  constructor(private readonly vfs: Vfs, private readonly pci: PciSubsystem) {}

  private dir(parent: FsNode, name: string): FsNode {
    const existing = parent.children?.get(name);
    return existing && existing.kind === 'dir' ? existing : this.vfs.createNode(parent, name, 'dir', 0o755);
  }

  private attr(dir: FsNode, name: string, perm: number, read?: Reader, write?: Writer, sizeBytes = 4096): void {
    const n = this.vfs.createNode(dir, name, 'file', perm);
    n.ops = attrOps(read, write);
    n.size = sizeBytes;
  }

  private link(dir: FsNode, name: string, target: string): FsNode {
    const n = this.vfs.createNode(dir, name, 'symlink', 0o777);
    n.target = target;
    return n;
  }

  private dynamicLink(dir: FsNode, name: string, target: () => string): FsNode {
    const n = new FsNode(dir.fs, 'symlink', 0o777, this.vfs.nowNs());
    n.parent = dir;
    Object.defineProperty(n, 'target', { get: target });
    return n;
  }

  /** Fills a fresh sysfs root. */
  populate(root: FsNode): void {
    const devicesRoot = this.dir(root, 'devices');
    const busPci = this.dir(this.dir(root, 'bus'), 'pci');
    const busDevices = this.dir(busPci, 'devices');
    const driversDir = this.dir(busPci, 'drivers');
    // iommu_init creates the kset whether or not an IOMMU is then enabled.
    const groupsDir = this.dir(this.dir(root, 'kernel'), 'iommu_groups');
    const dirs = new Map<string, FsNode>();
    for (const d of this.pci.devices) {
      const parts = d.sysPath.split('/');
      const parent = parts.length === 2 ? this.dir(devicesRoot, parts[0]) : dirs.get(parts.slice(0, -1).join('/'))!;
      const dir = this.dir(parent, d.dev.bdf);
      dirs.set(d.sysPath, dir);
      this.deviceAttrs(dir, d);
      this.link(busDevices, d.dev.bdf, `../../../devices/${d.sysPath}`);
    }
    // Built-in drivers are always there; a module's appears while it is loaded.
    const modular = new Map<string, FsNode>();
    for (const drv of this.pci.drivers) {
      if (drv.spec.module === undefined) this.driverDir(this.dir(driversDir, drv.name), drv);
      else {
        const dir = new FsNode(driversDir.fs, 'dir', 0o755, this.vfs.nowNs());
        dir.parent = driversDir;
        this.driverDir(dir, drv);
        modular.set(drv.name, dir);
      }
    }
    driversDir.dynamic = {
      list: () => this.pci.drivers.filter((d) => d.registered && modular.has(d.name)).map((d) => d.name),
      lookup: (name) => (this.pci.driver(name)?.registered ? modular.get(name) : undefined),
    };
    this.attr(busPci, 'drivers_probe', 0o200, undefined, (t) => this.driversProbe(t));
    this.attr(busPci, 'drivers_autoprobe', 0o644, () => (this.pci.autoprobe ? '1\n' : '0\n'), (t) => {
      this.pci.autoprobe = t.trim() !== '0';
      return 0;
    });
    if (this.pci.iommu.kind === 'smmuv3') this.probedGroups(groupsDir);
    else this.groups(groupsDir);
  }

  private deviceAttrs(dir: FsNode, d: PciDevice): void {
    const up = '../'.repeat(d.sysPath.split('/').length + 1);
    const { dev } = d;
    const ro = (name: string, read: Reader) => this.attr(dir, name, 0o444, read);
    ro('class', () => hexAttr(dev.classCode, 6));
    ro('vendor', () => hexAttr(dev.vendorId, 4));
    ro('device', () => hexAttr(dev.deviceId, 4));
    ro('subsystem_vendor', () => hexAttr(d.subVendorId, 4));
    ro('subsystem_device', () => hexAttr(d.subDeviceId, 4));
    ro('revision', () => hexAttr(dev.revision, 2));
    // pci_dev_attrs_are_visible: boot_vga exists for VGA-class devices only.
    if (dev.classCode >>> 8 === 0x0300) ro('boot_vga', () => (d.bootVga ? '1\n' : '0\n'));
    ro('numa_node', () => '-1\n');
    ro('modalias', () => pciModalias({ ...dev, subVendorId: d.subVendorId, subDeviceId: d.subDeviceId }) + '\n');
    ro('resource', () => formatResourceFile(d.resources, dev.isBridge));
    const cfgSize = dev.pcieType !== undefined ? 4096 : 256;
    this.attr(dir, 'config', 0o644, () => this.readConfig(d, cfgSize), undefined, cfgSize);
    this.attr(dir, 'enable', 0o600, () => (d.enabled ? '1\n' : '0\n'), (t) => this.writeEnable(d, t));
    this.attr(dir, 'driver_override', 0o644, () => (d.driverOverride ?? '(null)') + '\n', (t) => {
      const v = t.replace(/\n$/, '');
      d.driverOverride = v === '' ? undefined : v;
      return 0;
    });
    this.link(dir, 'subsystem', `${up}bus/pci`);
    // Under an SMMUv3 the group appears when a driver first probes the device, so the link is looked up.
    const probedGroup = this.pci.iommu.kind === 'smmuv3';
    if (d.group !== undefined && !probedGroup) this.link(dir, 'iommu_group', `${up}kernel/iommu_groups/${d.group}`);
    const groupLink = this.dynamicLink(dir, 'iommu_group', () => `${up}kernel/iommu_groups/${d.group ?? ''}`);
    const hasGroup = () => probedGroup && d.group !== undefined;
    const driverLink = this.dynamicLink(dir, 'driver', () => `${up}bus/pci/drivers/${d.driver?.name ?? ''}`);
    dir.dynamic = {
      list: () => [...(d.driver ? ['driver'] : []), ...(hasGroup() ? ['iommu_group'] : [])],
      lookup: (n) => (n === 'driver' && d.driver ? driverLink : n === 'iommu_group' && hasGroup() ? groupLink : undefined),
    };
  }

  private readConfig(d: PciDevice, size: number): Uint8Array {
    const out = new Uint8Array(size);
    for (let off = 0; off < size; off += 4) {
      const v = this.pci.access.read(d.dev.bus, d.dev.devfn, off, 4);
      out[off] = v & 0xff;
      out[off + 1] = (v >>> 8) & 0xff;
      out[off + 2] = (v >>> 16) & 0xff;
      out[off + 3] = v >>> 24;
    }
    return out;
  }

  /** enable_store: a number; 0 disables an enabled device (else EIO), anything else enables it. */
  private writeEnable(d: PciDevice, text: string): number {
    const v = text.trim();
    if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) return -EINVAL;
    if (Number(v) !== 0) d.enabled = true;
    else if (d.enabled) d.enabled = false;
    else return -EIO;
    return 0;
  }

  private driverDir(dir: FsNode, drv: PciDriver): void {
    const bdfOf = (t: string) => t.trim();
    this.attr(dir, 'bind', 0o200, undefined, (t) => this.pci.bind(drv, bdfOf(t)));
    this.attr(dir, 'unbind', 0o200, undefined, (t) => this.pci.unbind(drv, bdfOf(t)));
    this.attr(dir, 'new_id', 0o200, undefined, (t) => {
      const id = parseNewId(t);
      return id ? this.pci.newId(drv, id) : -EINVAL;
    });
    this.attr(dir, 'remove_id', 0o200, undefined, (t) => {
      const id = parseNewId(t);
      return id ? this.pci.removeId(drv, id.vendorId, id.deviceId) : -EINVAL;
    });
    this.attr(dir, 'uevent', 0o200, undefined, () => 0);
    const links = new Map<string, FsNode>();
    const bound = () => this.pci.devices.filter((d) => d.driver === drv);
    dir.dynamic = {
      list: () => bound().map((d) => d.dev.bdf),
      lookup: (name) => {
        const d = bound().find((x) => x.dev.bdf === name);
        if (!d) return undefined;
        let n = links.get(name);
        if (!n) links.set(name, (n = this.dynamicLink(dir, name, () => `../../../../devices/${d.sysPath}`)));
        return n;
      },
    };
  }

  private driversProbe(text: string): number {
    const d = this.pci.device(text.trim());
    if (!d) return -ENODEV;
    this.pci.attach(d);
    return 0;
  }

  /** Groups that come and go with driver probes (virt+SMMUv3): directories made on first lookup. */
  private probedGroups(groupsDir: FsNode): void {
    const made = new Map<number, FsNode>();
    const groupDir = (id: number): FsNode => {
      const cached = made.get(id);
      if (cached) return cached;
      const g = new FsNode(groupsDir.fs, 'dir', 0o755, this.vfs.nowNs());
      g.parent = groupsDir;
      const devs = this.dir(g, 'devices');
      const links = new Map<string, FsNode>();
      const members = () => this.pci.devices.filter((x) => x.group === id);
      devs.dynamic = {
        list: () => members().map((x) => x.dev.bdf),
        lookup: (bdf) => {
          const d = members().find((x) => x.dev.bdf === bdf);
          if (!d) return undefined;
          const l = links.get(bdf) ?? this.dynamicLink(devs, bdf, () => `../../../../devices/${d.sysPath}`);
          links.set(bdf, l);
          return l;
        },
      };
      this.attr(g, 'type', 0o644, () => (this.pci.iommu.passthrough ? 'identity\n' : 'DMA-FQ\n'));
      made.set(id, g);
      return g;
    };
    groupsDir.dynamic = {
      list: () => this.pci.groupIds().map(String),
      lookup: (name) => {
        const id = Number(name);
        return /^\d+$/.test(name) && this.pci.groupIds().includes(id) ? groupDir(id) : undefined;
      },
    };
  }

  private groups(groupsDir: FsNode): void {
    for (const id of this.pci.groupIds()) {
      const g = this.dir(groupsDir, String(id));
      const devs = this.dir(g, 'devices');
      for (const d of this.pci.devices.filter((x) => x.group === id)) this.link(devs, d.dev.bdf, `../../../../devices/${d.sysPath}`);
      this.attr(g, 'type', 0o644, () => (this.pci.iommu.passthrough ? 'identity\n' : 'DMA-FQ\n'));
      if (this.pci.iommu.kind === 'intel') this.attr(g, 'reserved_regions', 0o444, () => '0x00000000fee00000 0x00000000feefffff msi\n');
    }
  }
}
