// The guest's PCI core: enumerates the hierarchy with configuration cycles at boot (Linux's
// probe order), forms IOMMU groups when an IOMMU is on, and keeps the driver model: which
// driver each device is bound to, driver_override, dynamic IDs, bind/unbind, and VFIO group
// viability. sysfs-pci.ts shows it as Linux's sysfs; vfio.ts adds /dev/vfio.

import { bootVgaDevice, linuxScan, type LinuxPciDev } from '../../../emulator/pci/linux-scan';
import type { ConfigAccess } from '../../../emulator/pci/enumerate';
import { computeIommuGroups } from '../../../emulator/pci/iommu-groups';
import { SmmuGroups, smmuProbeOrder } from '../../../emulator/pci/smmu-groups';
import { findCapability } from '../../../emulator/pci/capabilities';
import { CAP_ID_SSVID, REG_HEADER_TYPE, REG_SUBSYSTEM_VENDOR_ID } from '../../../emulator/pci/regs';
import { BUILTIN_DRIVERS, idMatches, type PciDriverSpec, type PciId } from './driver-table';
import type { IommuConfig } from './iommu';
import { functionResources, type ResourceLine } from './resource-format';

const EBUSY = 16, ENODEV = 19, EINVAL = 22, EEXIST = 17;

export interface PciDevice {
  readonly dev: LinuxPciDev;
  readonly subVendorId: number;
  readonly subDeviceId: number;
  readonly headerType: number;
  /** Directory under /sys/devices: pci0000:00/0000:00:03.0/0000:01:00.0. */
  readonly sysPath: string;
  readonly bootVga: boolean;
  group: number | undefined;
  driver: PciDriver | undefined;
  driverOverride: string | undefined;
  enabled: boolean;
  /** BAR resources as sized at probe (the `resource` file). */
  readonly resources: ResourceLine[];
}

export class PciDriver {
  readonly dynamicIds: PciId[] = [];
  /** In /sys/bus/pci/drivers and probing: built-in drivers always, modular ones once loaded. */
  registered: boolean;
  constructor(readonly spec: PciDriverSpec) {
    this.registered = spec.module === undefined;
  }
  get name(): string {
    return this.spec.name;
  }
}

export interface PciCoreHooks {
  log(line: string): void;
  /** A device was bound to or released by a driver (VFIO creates or removes /dev/vfio/N). */
  bindingChanged?(d: PciDevice): void;
  /** A module registered or unregistered a driver (sysfs adds or drops its directory). */
  driverRegistered?(drv: PciDriver): void;
}

export class PciSubsystem {
  readonly devices: PciDevice[] = [];
  readonly drivers: PciDriver[] = BUILTIN_DRIVERS.map((s) => new PciDriver(s));
  autoprobe = true;
  /** virt+SMMUv3: groups are formed as drivers probe (smmu-groups.ts), not all at scan time. */
  private probeGrouper: SmmuGroups | undefined;

  constructor(readonly access: ConfigAccess, readonly iommu: IommuConfig, private readonly hooks: PciCoreHooks) {}

  /** Boot: scan, group, and bind every device to the first matching driver (vfio-pci.ids= first). */
  probe(cmdline: string): void {
    // On DT/SMMUv3 Linux requests ACS only after enumerating the host bridge: ports stay open.
    const list = linuxScan(this.access, { enableAcs: this.iommu.kind !== undefined && this.iommu.kind !== 'smmuv3' });
    const vga = bootVgaDevice(list, this.access);
    const paths = new Map<LinuxPciDev, string>();
    for (const dev of list) {
      const parentPath = dev.upstream ? paths.get(dev.upstream) : undefined;
      const path = `${parentPath ?? `pci${dev.bdf.slice(0, 7)}`}/${dev.bdf}`;
      paths.set(dev, path);
      const rd = (off: number, size: 1 | 2) => this.access.read(dev.bus, dev.devfn, off, size);
      const isBridge = dev.isBridge;
      // Bridges carry their subsystem IDs in an SSVID capability, if at all (pci_setup_device).
      const ssvid = isBridge ? findCapability((off, size) => this.access.read(dev.bus, dev.devfn, off, size), CAP_ID_SSVID) : undefined;
      const subOff = isBridge ? (ssvid === undefined ? undefined : ssvid + 4) : REG_SUBSYSTEM_VENDOR_ID;
      this.devices.push({
        dev, sysPath: path, headerType: rd(REG_HEADER_TYPE, 1) & 0x7f, bootVga: vga === dev,
        subVendorId: subOff === undefined ? 0 : rd(subOff, 2), subDeviceId: subOff === undefined ? 0 : rd(subOff + 2, 2),
        group: undefined, driver: undefined, driverOverride: undefined, enabled: false,
        resources: functionResources(this.access, dev.bus, dev.devfn, isBridge),
      });
    }
    if (this.iommu.kind === 'smmuv3') this.probeGrouper = new SmmuGroups(list, this.access, { acsOverride: this.iommu.acsOverride });
    else if (this.iommu.kind) {
      const groups = computeIommuGroups(list, this.access, { acsOverride: this.iommu.acsOverride });
      for (const g of groups) {
        for (const member of g.devices) {
          const d = this.devices.find((x) => x.dev === member);
          if (d) {
            d.group = g.id;
            this.hooks.log(`pci ${d.dev.bdf}: Adding to iommu group ${g.id}`);
          }
        }
      }
    }
    // A built-in vfio-pci takes its ids= from the command line; a modular one from modprobe.
    const vfioIds = /(?:^|\s)vfio-pci\.ids=(\S+)/.exec(cmdline)?.[1];
    if (vfioIds && this.driver('vfio-pci')?.registered) for (const pair of vfioIds.split(',')) this.addVfioId(pair);
    for (const d of this.bootProbeOrder()) this.attach(d);
  }

  /**
   * The order boot probes devices: device order, except under an SMMUv3, where every probe
   * waits on the deferred list for the SMMU and runs in driver registration order.
   */
  private bootProbeOrder(): PciDevice[] {
    if (!this.probeGrouper) return this.devices;
    const byDev = new Map(this.devices.map((d) => [d.dev, d]));
    const order = this.attachOrder();
    const matchers = order.map((drv) => (dev: LinuxPciDev) => {
      const d = byDev.get(dev);
      return d !== undefined && this.matches(drv, d);
    });
    const first = smmuProbeOrder(this.devices.map((d) => d.dev), matchers).flatMap((dev) => byDev.get(dev) ?? []);
    return [...first, ...this.devices.filter((d) => !first.includes(d))];
  }

  /** iommu_probe_device from dma_configure: a probe gives the device its group first, or fails. */
  private configureDma(d: PciDevice): number {
    if (!this.probeGrouper || d.group !== undefined) return 0;
    const g = this.probeGrouper.probe(d.dev);
    if (g === undefined) return -EBUSY;
    d.group = g;
    this.hooks.log(`pci ${d.dev.bdf}: Adding to iommu group ${g}`);
    return 0;
  }

  /** A module's init: the driver appears and probes every unbound device it matches (driver_attach). */
  registerDriver(name: string, params: ReadonlyMap<string, string>): number {
    const drv = this.driver(name);
    if (!drv) return -ENODEV;
    if (drv.registered) return -EEXIST;
    drv.registered = true;
    if (name === 'vfio-pci') for (const pair of (params.get('ids') ?? '').split(',')) if (pair) this.addVfioId(pair);
    this.hooks.driverRegistered?.(drv);
    for (const d of this.devices) if (!d.driver && this.matches(drv, d)) this.probeWith(drv, d);
    return 0;
  }

  /** A module's exit: its devices are released and the driver disappears. */
  unregisterDriver(name: string): void {
    const drv = this.driver(name);
    if (!drv || !drv.registered) return;
    for (const d of this.devices) if (d.driver === drv) this.release(d);
    drv.dynamicIds.length = 0;
    drv.registered = false;
    this.hooks.driverRegistered?.(drv);
  }

  registeredDrivers(): PciDriver[] {
    return this.drivers.filter((d) => d.registered);
  }

  private addVfioId(pair: string): void {
    const m = /^([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})$/.exec(pair);
    const vfio = this.driver('vfio-pci');
    if (!m || !vfio) return;
    vfio.dynamicIds.push({ vendorId: parseInt(m[1], 16), deviceId: parseInt(m[2], 16) });
    this.hooks.log(`vfio_pci: add [${m[1].padStart(4, '0')}:${m[2].padStart(4, '0')}[ffffffff:ffffffff]] class 0x000000/00000000`);
  }

  driver(name: string): PciDriver | undefined {
    return this.drivers.find((d) => d.name === name);
  }

  device(bdf: string): PciDevice | undefined {
    return this.devices.find((d) => d.dev.bdf === bdf);
  }

  /** pci_match_device: driver_override wins outright; otherwise dynamic IDs, then the static table. */
  matches(drv: PciDriver, d: PciDevice): boolean {
    if (d.driverOverride !== undefined) return d.driverOverride === drv.name;
    const t = { vendorId: d.dev.vendorId, deviceId: d.dev.deviceId, subVendorId: d.subVendorId, subDeviceId: d.subDeviceId, classCode: d.dev.classCode };
    return drv.dynamicIds.some((id) => idMatches(id, t)) || drv.spec.ids.some((id) => idMatches(id, t));
  }

  /** The driver's probe: 0, or -errno when it refuses the device. */
  private probeWith(drv: PciDriver, d: PciDevice): number {
    const dma = this.configureDma(d);
    if (dma < 0) return dma;
    if (drv.spec.pcieTypes && !(d.dev.pcieType && drv.spec.pcieTypes.includes(d.dev.pcieType))) return -ENODEV;
    if (drv.spec.endpointsOnly && d.headerType !== 0) return -EINVAL;
    if (drv.name === 'vfio-pci' && d.group === undefined) {
      this.hooks.log(`vfio-pci: probe of ${d.dev.bdf} failed with error -22`);
      return -EINVAL;
    }
    d.driver = drv;
    d.enabled = true;
    if (drv.name === 'vfio-pci') this.logVfioProbe(d);
    this.hooks.bindingChanged?.(d);
    return 0;
  }

  /** vfio_pci_core_register_device: VGA devices go through the VGA arbiter. */
  private logVfioProbe(d: PciDevice): void {
    this.hooks.log(`vfio-pci ${d.dev.bdf}: enabling device`);
    if (d.dev.classCode >>> 8 !== 0x0300) return;
    if (d.bootVga) this.hooks.log(`vfio-pci ${d.dev.bdf}: vgaarb: deactivate vga console`);
    this.hooks.log(`vfio-pci ${d.dev.bdf}: vgaarb: changed VGA decodes: olddecodes=io+mem,decodes=io+mem:owns=${d.bootVga ? 'io+mem' : 'none'}`);
  }

  /** device_attach: the first driver that matches and probes successfully. */
  attach(d: PciDevice): boolean {
    if (d.driver) return true;
    for (const drv of this.attachOrder()) if (this.matches(drv, d) && this.probeWith(drv, d) === 0) return true;
    return false;
  }

  /** Registered drivers in the order device_attach tries them (those with dynamic IDs first). */
  private attachOrder(): PciDriver[] {
    const live = this.registeredDrivers();
    return [...live.filter((x) => x.dynamicIds.length > 0), ...live.filter((x) => x.dynamicIds.length === 0)];
  }

  /** .../drivers/NAME/bind */
  bind(drv: PciDriver, bdf: string): number {
    const d = this.device(bdf);
    if (!drv.registered) return -ENODEV;
    if (!d || !this.matches(drv, d)) return -ENODEV;
    if (d.driver) return -EBUSY;
    return this.probeWith(drv, d);
  }

  /** .../drivers/NAME/unbind */
  unbind(drv: PciDriver, bdf: string): number {
    const d = this.device(bdf);
    if (!d || d.driver !== drv) return -ENODEV;
    this.release(d);
    return 0;
  }

  release(d: PciDevice): void {
    if (!d.driver) return;
    d.driver = undefined;
    d.enabled = false;
    this.hooks.bindingChanged?.(d);
  }

  /** .../drivers/NAME/new_id: add the ID, then probe every unbound device (driver_attach). */
  newId(drv: PciDriver, id: PciId): number {
    if (drv.dynamicIds.some((x) => JSON.stringify(x) === JSON.stringify(id))) return -EEXIST;
    drv.dynamicIds.push(id);
    if (this.autoprobe) for (const d of this.devices) if (!d.driver && this.matches(drv, d)) this.probeWith(drv, d);
    return 0;
  }

  removeId(drv: PciDriver, vendorId: number, deviceId: number): number {
    const i = drv.dynamicIds.findIndex((x) => x.vendorId === vendorId && x.deviceId === deviceId);
    if (i < 0) return -ENODEV;
    drv.dynamicIds.splice(i, 1);
    return 0;
  }

  /** VFIO viability: every member is unbound or bound to a driver that does no DMA of its own. */
  groupViable(group: number): boolean {
    return this.devices.filter((d) => d.group === group).every((d) => !d.driver || !d.driver.spec.dma);
  }

  groupIds(): number[] {
    return [...new Set(this.devices.flatMap((d) => (d.group === undefined ? [] : [d.group])))].sort((a, b) => a - b);
  }
}
