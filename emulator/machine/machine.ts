// A machine: clock, PRNG, RAM, bus, interrupt controller, serial console and power
// control, laid out as QEMU lays out `virt` or `q35`, with a guest running on it.
// `run` is the one loop every front end (console, scenarios, bench) drives.

import { Bus } from '../bus/bus';
import { GuestRam } from '../memory/guest-ram';
import { Prng } from '../random/prng';
import { EventScheduler } from '../time/scheduler';
import { GicV2 } from '../../devices/irq/gicv2';
import { GicV2m } from '../../devices/irq/gicv2m';
import { IoApic } from '../../devices/irq/ioapic';
import { Pl011 } from '../../devices/serial/pl011';
import { Uart16550 } from '../../devices/serial/uart16550';
import { attachRtc } from '../../devices/rtc/attach';
import { createPciHost, type PciHost } from '../pci/host';
import { hostDeviceSpecs } from './description/host-devices';
import { ConsoleHost } from './console';
import type { MachineDescription } from './description/types';
import { MachineDevices } from './devices';
import { MachineNetwork } from './network';
import type { Guest, GuestFactory } from './guest';
import { layoutFor, type MemoryLayout } from './layout';

/** Something with plain-data state: a device, the PCI host, the guest kernel's tables. */
export interface Stateful {
  save(): unknown;
}

/**
 * What replay needs besides the seed: console input the guest took, idle time a front end let
 * pass, and each change of the time limit front ends run under (the limit shapes the guest's
 * slices, so replay must run under the same one).
 */
export type JournalEntry =
  | { step: number; bytes: Uint8Array }
  | { step: number; idleUntilNs: number }
  | { step: number; runLimitNs: number | null };

/**
 * How long piped input may wait while a task reads the console but others keep the CPU
 * busy (a background `yes > /dev/null &`): a person would have typed by then. Input is still
 * handed over at once whenever nothing is runnable.
 */
export const INPUT_PATIENCE_NS = 50_000_000;

/** A description the machine cannot be built from (a PCI topology QEMU would refuse, say). */
export class MachineBuildError extends Error {}

export type PowerState = 'running' | 'off' | 'reset-requested';
export type RunStop = 'powered-off' | 'reset' | 'condition' | 'time-limit' | 'step-limit' | 'idle';

export interface RunOptions {
  /** Stop once virtual time reaches this. */
  untilNs?: number;
  /** Stop as soon as this returns true (checked after every step). */
  until?: () => boolean;
  /** Stop after this many loop steps, so a caller can check its own (wall-clock) limits. */
  maxSteps?: number;
}

/** One slice of guest execution is at most this long in virtual time: the timer-tick period. */
export const SLICE_NS = 4_000_000;
/** A step is one guest slice, one fired event or one delivered input chunk. */
const DEFAULT_MAX_STEPS = 1_000_000;

export class Machine {
  readonly scheduler = new EventScheduler();
  readonly prng: Prng;
  readonly layout: MemoryLayout;
  readonly ram: GuestRam;
  readonly bus: Bus;
  readonly console = new ConsoleHost();
  readonly gic: GicV2 | undefined;
  readonly ioapic: IoApic | undefined;
  readonly pci: PciHost;
  /** Device models built from -drive/-device (virtio-blk on PCI or virtio-mmio). */
  readonly devices: MachineDevices;
  private readonly uart: Pl011 | Uart16550;
  private power: PowerState = 'running';
  private guestImpl: Guest | undefined;
  private steps = 0;
  /**
   * Everything from outside that changed the machine, with the step before which it happened:
   * console input the guest took, and idle time a front end let pass (for snapshot replay).
   */
  readonly inputJournal: JournalEntry[] = [];
  private runLimitNs: number | null = null;
  /** Virtual time since which a task has been waiting for console input, if one is. */
  private readerWaitingSinceNs: number | undefined;
  /** Components whose state goes into snapshots, by name; devices register here when they are built. */
  private readonly stateful = new Map<string, Stateful>();

  constructor(
    readonly description: MachineDescription,
    readonly seed: number,
  ) {
    this.prng = new Prng(seed);
    this.layout = layoutFor(description.machine);
    const ramBytes = Math.min(description.memoryBytes, this.layout.lowRamLimitBytes);
    this.ram = new GuestRam(this.layout.ramBase, ramBytes);
    this.bus = new Bus(this.ram);
    const tx = (b: number) => this.console.transmit(b);
    const ic = this.layout.interruptController;
    if (ic.kind === 'gicv2') {
      this.gic = new GicV2();
      this.bus.mapMmio('gic-distributor', ic.distributor, 0x1_0000, this.gic.distributor);
      this.bus.mapMmio('gic-cpu', ic.cpuInterface, 0x1_0000, this.gic.cpuInterface);
      if (this.layout.msi.kind === 'gicv2m') this.bus.mapMmio('gicv2m', this.layout.msi.base, 0x1000, new GicV2m(this.gic));
    } else {
      this.ioapic = new IoApic();
      this.bus.mapMmio('ioapic', ic.ioapic, 0x1000, this.ioapic.ioapic);
      this.bus.mapMmio('lapic', ic.lapic, 0x1000, this.ioapic.lapic);
    }
    const u = this.layout.uart;
    if (u.kind === 'pl011') {
      this.uart = new Pl011(tx, this.gic!.line(u.irq));
      this.bus.mapMmio('pl011', u.base, 0x1000, this.uart);
    } else {
      this.uart = new Uart16550(tx, this.ioapic!.line(u.irq));
      this.bus.mapIo('serial0', u.port, 8, this.uart);
    }
    this.devices = new MachineDevices(description, this.ram);
    this.devices.scheduler = this.scheduler;
    this.devices.network = new MachineNetwork(description, this.scheduler, this.prng.fork('network'));
    const hostDevices = hostDeviceSpecs(description.extra);
    if (!hostDevices.ok) throw new MachineBuildError(`${description.source}: ${hostDevices.error}`);
    const pci = createPciHost({
      factory: this.devices.pciFactory,
      machine: description.machine,
      layout: this.layout,
      bus: this.bus,
      devices: [...description.devices, ...hostDevices.value],
      irqLine: (n) => (this.gic ? this.gic.line(n) : this.ioapic!.line(n)),
      msi: (address, data) => this.signalMsi(address, data),
    });
    if (!pci.ok) throw new MachineBuildError(`${description.source}: ${pci.error}`);
    this.pci = pci.host;
    this.devices.attachMmio(this.bus, this.layout, (n) => this.gic!.line(n));
    if (this.devices.error) throw new MachineBuildError(`${description.source}: ${this.devices.error}`);
    this.registerState('devices', this.devices);
    this.registerState('network', this.devices.network);
    this.registerState('pci', this.pci);
    this.registerState('uart', this.uart);
    this.registerState('rtc', attachRtc(description, this.bus, this.scheduler, this.gic ? (n) => this.gic!.line(n) : undefined));
    if (this.gic) this.registerState('gic', this.gic);
    if (this.ioapic) this.registerState('ioapic', this.ioapic);
    const p = this.layout.powerOff;
    if (p.kind === 'acpi-pm') {
      this.bus.mapIo('acpi-pm1-control', p.port, 2, {
        read: () => 0,
        write: (_o, _z, v) => {
          if ((v & 0x3c00) === (p.value & 0x3c00) && v & 0x2000) this.powerOff();
        },
      });
    }
  }

  get guest(): Guest | undefined {
    return this.guestImpl;
  }

  get powerState(): PowerState {
    return this.power;
  }

  get stepCount(): number {
    return this.steps;
  }

  /** True when the interrupt controller is signalling the CPU. */
  get irqPending(): boolean {
    return this.gic ? this.gic.irqAsserted : this.ioapic!.irqAsserted;
  }

  registerState(name: string, component: Stateful): void {
    if (this.stateful.has(name)) throw new Error(`machine: state name ${name} registered twice`);
    this.stateful.set(name, component);
  }

  /** Every registered component's state, in name order, plus the clock and power state. */
  saveState(): Record<string, unknown> {
    const out: Record<string, unknown> = { clockNs: this.scheduler.now, steps: this.steps, power: this.power };
    for (const name of [...this.stateful.keys()].sort()) out[name] = this.stateful.get(name)!.save();
    const g = this.guestImpl?.save?.();
    if (g !== undefined) out.guest = g;
    return out;
  }

  /**
   * A device's MSI/MSI-X message: a DMA write of `data` to `addr`. On q35 a write into the
   * 0xFEExxxxx window is an interrupt message to the local APIC; anything else (and every
   * MSI on virt, whose doorbell is the GICv2m frame) is an ordinary bus write.
   */
  signalMsi(addr: number, data: number): void {
    if (this.ioapic && addr >= 0xfee0_0000 && addr < 0xfef0_0000) this.ioapic.msi(addr, data);
    else this.bus.write(addr, 4, data);
  }

  /** Power-on: installs the guest and lets it boot. */
  start(factory: GuestFactory): void {
    if (this.guestImpl) throw new Error('machine: already started');
    this.guestImpl = factory(this);
    this.guestImpl.boot(this);
    this.console.flush();
  }

  /** Power off (PSCI SYSTEM_OFF, ACPI S5 or `-no-reboot` after a reset). */
  powerOff(): void {
    if (this.power !== 'off') this.devices.flushAll();
    this.power = 'off';
  }

  /** PSCI SYSTEM_RESET / keyboard-controller reset: the front end rebuilds the machine. */
  requestReset(): void {
    if (this.power === 'running') this.devices.flushAll();
    this.power = this.description.noReboot ? 'off' : 'reset-requested';
  }

  /**
   * Lets virtual time pass with nothing happening, up to `tNs` or the next event (a front end
   * waiting on an idle machine). Journaled, so snapshot replay reproduces it.
   */
  idleUntil(tNs: number): void {
    const before = this.scheduler.now;
    this.scheduler.advanceTo(tNs);
    if (this.scheduler.now !== before) this.inputJournal.push({ step: this.steps + 1, idleUntilNs: this.scheduler.now });
  }

  run(opts: RunOptions = {}): RunStop {
    const guest = this.guestImpl;
    if (!guest) throw new Error('machine: run before start');
    const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
    const limit = opts.untilNs ?? null;
    if (limit !== this.runLimitNs) {
      this.runLimitNs = limit;
      this.inputJournal.push({ step: this.steps + 1, runLimitNs: limit });
    }
    for (let n = 0; n < maxSteps; n++) {
      const stop = this.checkStop(opts);
      if (stop) return stop;
      this.steps++;
      const stepped = this.step(guest, opts.untilNs);
      this.console.flush();
      if (!stepped) return opts.until?.() ? 'condition' : 'idle';
    }
    return this.checkStop(opts) ?? 'step-limit';
  }

  private checkStop(opts: RunOptions): RunStop | undefined {
    if (this.power === 'off') return 'powered-off';
    if (this.power === 'reset-requested') return 'reset';
    if (opts.until?.()) return 'condition';
    if (opts.untilNs !== undefined && this.scheduler.now >= opts.untilNs) return 'time-limit';
    return undefined;
  }

  /** One unit of progress. Returns false when nothing can happen without more input. */
  private step(guest: Guest, untilNs: number | undefined): boolean {
    const next = this.scheduler.nextEventTime();
    let limit = this.scheduler.now + SLICE_NS;
    if (next !== undefined) limit = Math.min(limit, next);
    if (untilNs !== undefined) limit = Math.min(limit, untilNs);
    if (next !== undefined && next <= this.scheduler.now) {
      this.scheduler.runNext();
      return true;
    }
    if (this.console.hasPendingInput && this.readerKeptWaiting(guest)) return this.deliverInput();
    if (guest.runSlice(limit)) return true;
    if (this.console.hasPendingInput && (guest.wantsConsoleInput() || next === undefined)) {
      return this.deliverInput();
    }
    if (next !== undefined) {
      if (untilNs !== undefined && next > untilNs) {
        this.scheduler.advanceTo(untilNs);
        return true;
      }
      this.scheduler.runNext();
      return true;
    }
    if (untilNs !== undefined && this.scheduler.now < untilNs && this.console.inputEnded) {
      // Nothing will ever happen again; let virtual time run out so a waiting step can time out.
      this.scheduler.advanceTo(untilNs);
      return true;
    }
    return false;
  }

  /** True when a console reader has waited INPUT_PATIENCE_NS while other tasks kept running. */
  private readerKeptWaiting(guest: Guest): boolean {
    if (!guest.wantsConsoleInput()) {
      this.readerWaitingSinceNs = undefined;
      return false;
    }
    this.readerWaitingSinceNs ??= this.scheduler.now;
    return this.scheduler.now - this.readerWaitingSinceNs >= INPUT_PATIENCE_NS;
  }

  private deliverInput(): boolean {
    const chunk = this.console.takeInput(this.uart.rxSpace);
    if (!chunk) return false;
    const accepted = this.uart.receive(chunk);
    this.console.untake(chunk.subarray(accepted));
    if (accepted > 0) {
      this.inputJournal.push({ step: this.steps, bytes: chunk.slice(0, accepted) });
      this.readerWaitingSinceNs = undefined;
    }
    return accepted > 0;
  }
}
