// I/O APIC (82093AA) at 0xFEC00000 and the local APIC's interrupt acceptance, as on q35.
// ISA/PCI lines enter the IOAPIC; an unmasked redirection entry turns a raised line into a
// vector in the local APIC's IRR. MSI writes to 0xFEE00000 land in the same IRR. The guest
// kernel takes the highest vector with `acknowledge()` (the CPU's interrupt cycle) and
// writes the local APIC EOI register to complete it.

import type { AccessSize, MmioHandler } from '../../emulator/bus/bus';
import type { IrqLine } from '../../emulator/bus/irq';

export const IOAPIC_PINS = 24;
const IOREGSEL = 0x00, IOWIN = 0x10;
const RTE_MASKED = 1 << 16, RTE_LEVEL = 1 << 15, RTE_REMOTE_IRR = 1 << 14;
const LAPIC_ID = 0x20, LAPIC_VERSION = 0x30, LAPIC_TPR = 0x80, LAPIC_EOI = 0xb0, LAPIC_SVR = 0xf0;

export interface IoApicState {
  select: number;
  id: number;
  rteLow: number[];
  rteHigh: number[];
  level: number[];
  irr: number[];
  isr: number[];
  tpr: number;
  svr: number;
}

export class IoApic {
  private s: IoApicState = {
    select: 0, id: 0,
    rteLow: new Array<number>(IOAPIC_PINS).fill(RTE_MASKED), rteHigh: new Array<number>(IOAPIC_PINS).fill(0),
    level: new Array<number>(IOAPIC_PINS).fill(0), irr: [], isr: [], tpr: 0, svr: 0xff,
  };
  readonly ioapic: MmioHandler;
  readonly lapic: MmioHandler;

  constructor(private readonly onChange: () => void = () => {}) {
    this.ioapic = { read: (o) => this.readIoapic(o), write: (o, _z, v) => this.writeIoapic(o, v) };
    this.lapic = { read: (o) => this.readLapic(o), write: (o, _z: AccessSize, v) => this.writeLapic(o, v) };
  }

  line(pin: number): IrqLine {
    if (pin < 0 || pin >= IOAPIC_PINS) throw new Error(`ioapic: no pin ${pin}`);
    return {
      set: (level: boolean) => {
        const v = level ? 1 : 0;
        if (this.s.level[pin] === v) return;
        this.s.level[pin] = v;
        if (v) this.deliverPin(pin);
      },
    };
  }

  /** An MSI write (address 0xFEExxxxx, data holds the vector). */
  msi(_addr: number, data: number): void {
    this.raiseVector(data & 0xff);
  }

  get irqAsserted(): boolean {
    return this.s.irr.length > 0 && (this.s.svr & 0x100) !== 0;
  }

  /** The CPU's interrupt-acknowledge cycle: moves the highest pending vector to in-service. */
  acknowledge(): number | undefined {
    if (!this.irqAsserted) return undefined;
    const v = Math.max(...this.s.irr);
    this.s.irr = this.s.irr.filter((x) => x !== v);
    this.s.isr.push(v);
    return v;
  }

  save(): IoApicState {
    return structuredClone(this.s);
  }

  restore(state: IoApicState): void {
    this.s = structuredClone(state);
  }

  private deliverPin(pin: number): void {
    const low = this.s.rteLow[pin];
    if (low & RTE_MASKED) return;
    if (low & RTE_LEVEL) {
      if (low & RTE_REMOTE_IRR) return;
      this.s.rteLow[pin] = low | RTE_REMOTE_IRR;
    }
    this.raiseVector(low & 0xff);
  }

  private raiseVector(v: number): void {
    if (v >= 16 && !this.s.irr.includes(v)) this.s.irr.push(v);
    this.onChange();
  }

  private readIoapic(o: number): number {
    if (o === IOREGSEL) return this.s.select;
    if (o !== IOWIN) return 0;
    const r = this.s.select;
    if (r === 0) return this.s.id << 24;
    if (r === 1) return ((IOAPIC_PINS - 1) << 16) | 0x20;
    if (r >= 0x10 && r < 0x10 + 2 * IOAPIC_PINS) {
      const pin = (r - 0x10) >> 1;
      return (r & 1 ? this.s.rteHigh[pin] : this.s.rteLow[pin]) >>> 0;
    }
    return 0;
  }

  private writeIoapic(o: number, v: number): void {
    if (o === IOREGSEL) this.s.select = v & 0xff;
    else if (o === IOWIN) {
      const r = this.s.select;
      if (r === 0) this.s.id = (v >>> 24) & 0xf;
      else if (r >= 0x10 && r < 0x10 + 2 * IOAPIC_PINS) {
        const pin = (r - 0x10) >> 1;
        if (r & 1) this.s.rteHigh[pin] = v >>> 0;
        else {
          this.s.rteLow[pin] = (v & ~RTE_REMOTE_IRR) | (this.s.rteLow[pin] & RTE_REMOTE_IRR);
          if (this.s.level[pin]) this.deliverPin(pin);
        }
      }
    }
  }

  private readLapic(o: number): number {
    if (o === LAPIC_ID) return 0;
    if (o === LAPIC_VERSION) return 0x00050014;
    if (o === LAPIC_TPR) return this.s.tpr;
    if (o === LAPIC_SVR) return this.s.svr;
    return 0;
  }

  private writeLapic(o: number, v: number): void {
    if (o === LAPIC_TPR) this.s.tpr = v & 0xff;
    else if (o === LAPIC_SVR) this.s.svr = v & 0x1ff;
    else if (o === LAPIC_EOI) {
      const vec = this.s.isr.pop();
      if (vec === undefined) return;
      // Level-triggered pins with this vector get their remote IRR cleared, and fire again if still high.
      for (let pin = 0; pin < IOAPIC_PINS; pin++) {
        const low = this.s.rteLow[pin];
        if ((low & 0xff) === vec && low & RTE_LEVEL && low & RTE_REMOTE_IRR) {
          this.s.rteLow[pin] = low & ~RTE_REMOTE_IRR;
          if (this.s.level[pin]) this.deliverPin(pin);
        }
      }
    }
    this.onChange();
  }
}
