// Device models built from the machine description, as QEMU builds them: `-drive` backends
// bound to `-device virtio-blk-pci,drive=ID` (through the PCI host's function factory) or
// `-device virtio-blk-device,drive=ID` (the next free virtio-mmio slot on virt), and the
// virtio-gpu displays (`virtio-gpu-pci`, `virtio-gpu-device`). `-drive if=virtio` arrives here
// already as an implicit virtio-blk-pci (description/defaults.ts).

import type { Bus } from '../bus/bus';
import type { IrqLine } from '../bus/irq';
import type { GuestRam } from '../memory/guest-ram';
import { REG_HEADER_TYPE } from '../pci/regs';
import type { FunctionFactory } from '../pci/topology';
import { attachVirtioMmio } from '../../devices/virtio/attach';
import { FileBackend, type BlockBackend } from '../../devices/virtio/blk/backend';
import { VirtioBlk } from '../../devices/virtio/blk/device';
import { buildVirtioPciFunction } from '../../devices/virtio/pci-function';
import type { VirtioDevice } from '../../devices/virtio/device';
import type { VirtioGpu } from '../../devices/virtio/gpu/device';
import { virtioGpuFromProps } from '../../devices/virtio/gpu/factory';
import { BlkServiceQueue, timingFromProps } from '../../devices/virtio/blk/timing';
import type { EventScheduler } from '../time/scheduler';
import type { DeviceSpec, DriveSpec, MachineDescription } from './description/types';
import type { MemoryLayout } from './layout';
import type { MachineNetwork, NicDriver } from './network';

export interface BuiltBlk {
  /** The qdev id if given, else the drive id. */
  name: string;
  driver: 'virtio-blk-pci' | 'virtio-blk-device';
  device: VirtioBlk;
  backend: BlockBackend;
}

/** Opens a drive's image; tests may swap this for an in-memory backend. */
export type BackendOpener = (drive: DriveSpec) => BlockBackend;

const openFile: BackendOpener = (drive) => new FileBackend(drive.file, drive.readonly);

/** The drive a `drive=` property names: by id, or QEMU's `virtio<N>` for an id-less if=virtio drive. */
export function findDrive(desc: MachineDescription, name: string | undefined): DriveSpec | string {
  if (name === undefined) return `drive property not set`;
  let unit = 0;
  for (const d of desc.drives) {
    const auto = d.if === 'virtio' && d.id === undefined ? `virtio${unit}` : undefined;
    if (d.if === 'virtio') unit++;
    if (d.id === name || auto === name) return d;
  }
  return `Property 'drive' can't find value '${name}'`;
}

/** The virtio-mmio devices, placed in command-line order as QEMU creates them. */
const MMIO_DRIVERS = new Set(['virtio-blk-device', 'virtio-gpu-device', 'virtio-net-device']);

export interface BuiltGpu {
  name: string;
  driver: 'virtio-gpu-pci' | 'virtio-gpu-device';
  device: VirtioGpu;
}

export class MachineDevices {
  readonly blks: BuiltBlk[] = [];
  /** Displays, in command-line order: `gpus[0].device.screenshot()` is the first head's picture. */
  readonly gpus: BuiltGpu[] = [];
  /** First error met while building (the machine reports it). */
  error: string | undefined;
  /** NICs and network back ends (emulator/machine/network.ts); the Machine sets it before the PCI host is built. */
  network: MachineNetwork | undefined;

  constructor(
    private readonly desc: MachineDescription,
    private readonly ram: GuestRam,
    private readonly open: BackendOpener = openFile,
  ) {}

  /** The machine's clock, for devices whose requests take modelled time (set before the PCI host is built). */
  scheduler: EventScheduler | undefined;

  /** `x-latency-us=`/`x-bandwidth-mbps=` of a virtio-blk: its service-time model on the machine's clock. */
  private blkTiming(spec: DeviceSpec): BlkServiceQueue | undefined | string {
    const params = timingFromProps(spec.props);
    if (params === undefined || typeof params === 'string') return params;
    const sched = this.scheduler;
    if (!sched) return 'x-latency-us/x-bandwidth-mbps need the machine clock';
    return new BlkServiceQueue(params, { nowNs: () => sched.now, at: (t, fn) => void sched.schedule(t, fn, 'virtio-blk completion') });
  }

  /** The PCI host's factory hook: builds the virtio devices, leaves every other driver to the catalogue. */
  readonly pciFactory: FunctionFactory = ({ driver, spec, placement }) => {
    if (!spec) return undefined;
    const device = driver === 'virtio-blk-pci' ? this.buildBlk(spec, driver) : driver === 'virtio-gpu-pci' ? this.buildGpu(spec, driver) : driver === 'virtio-net-pci' ? this.buildNic(spec, driver) : undefined;
    if (!device) return undefined;
    const fn = buildVirtioPciFunction(device as VirtioDevice<unknown>, this.ram).fn;
    // `multifunction=on` sets the header type's bit 7, as QEMU does, so functions 1..7 may join the slot.
    if (placement.multifunction) fn.config.set8(REG_HEADER_TYPE, fn.config.get8(REG_HEADER_TYPE) | 0x80);
    return fn;
  };

  /** `-device virtio-*-device` in command-line order onto virt's virtio-mmio slots. */
  attachMmio(bus: Bus, layout: MemoryLayout, irqLine: (intid: number) => IrqLine): void {
    const specs = this.desc.devices.filter((d) => MMIO_DRIVERS.has(d.driver));
    if (specs.length === 0) return;
    const slots = layout.virtioMmio;
    if (!slots) {
      this.error ??= `-device virtio-blk-device: no virtio-mmio bus on ${this.desc.machine}`;
      return;
    }
    // QEMU's virt creates the transports from the top slot down, so the first device lands in the last slot.
    let slot = slots.count - 1;
    for (const spec of specs) {
      const device = spec.driver === 'virtio-blk-device' ? this.buildBlk(spec, 'virtio-blk-device') : spec.driver === 'virtio-net-device' ? this.buildNic(spec, 'virtio-net-device') : this.buildGpu(spec, 'virtio-gpu-device');
      if (!device) continue;
      if (slot < 0) {
        this.error ??= `virtio-mmio: no free slot for ${spec.id ?? spec.driver}`;
        return;
      }
      attachVirtioMmio(bus, slots, slot--, device as VirtioDevice<unknown>, irqLine);
    }
  }

  /** Power-off: everything written reaches the image file, and the files are closed. */
  flushAll(): void {
    for (const b of this.blks) {
      b.backend.flush();
      b.backend.close();
    }
  }

  save(): unknown {
    return [
      ...this.blks.map((b) => ({ name: b.name, driver: b.driver, state: b.device.save() })),
      ...this.gpus.map((g) => ({ name: g.name, driver: g.driver, state: g.device.save() })),
    ];
  }

  private buildNic(spec: DeviceSpec, driver: NicDriver): VirtioDevice<unknown> | undefined {
    if (!this.network) return undefined;
    const r = this.network.buildNic(spec, driver);
    if (typeof r === 'string') {
      this.error ??= `-device ${driver}: ${r}`;
      return undefined;
    }
    return r as VirtioDevice<unknown>;
  }

  private buildGpu(spec: DeviceSpec, driver: BuiltGpu['driver']): VirtioGpu | undefined {
    const r = virtioGpuFromProps(spec.props);
    if (!r.ok) {
      this.error ??= `-device ${driver}: ${r.error}`;
      return undefined;
    }
    this.gpus.push({ name: spec.id ?? `${driver}${this.gpus.length}`, driver, device: r.device });
    return r.device;
  }

  private buildBlk(spec: DeviceSpec, driver: BuiltBlk['driver']): VirtioBlk | undefined {
    const drive = findDrive(this.desc, spec.props.drive);
    if (typeof drive === 'string') {
      this.error ??= `-device ${driver}: ${drive}`;
      return undefined;
    }
    let backend: BlockBackend;
    try {
      backend = this.open(drive);
    } catch (e) {
      this.error ??= `-drive file=${drive.file}: Could not open '${drive.file}': ${(e as Error).message}`;
      return undefined;
    }
    const timing = this.blkTiming(spec);
    if (typeof timing === 'string') {
      this.error ??= `-device ${driver}: ${timing}`;
      return undefined;
    }
    const device = new VirtioBlk(backend, { serial: spec.props.serial, timing });
    this.blks.push({ name: spec.id ?? drive.id ?? drive.file, driver, device, backend });
    return device;
  }
}
