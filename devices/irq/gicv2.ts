// GICv2 distributor and CPU interface, as QEMU's `virt` machine places them
// (GICD 0x08000000, GICC 0x08010000). Level-sensitive lines: an interrupt is pending while
// its line is high or a guest wrote ISPENDR. The guest kernel acknowledges by reading
// GICC_IAR and completes by writing GICC_EOIR, as Linux's irq-gic driver does.
// Registers follow the GIC architecture specification v2 (IHI 0048B).

import type { AccessSize, MmioHandler } from '../../emulator/bus/bus';
import type { IrqLine } from '../../emulator/bus/irq';

export const GIC_NUM_IRQS = 288; // 32 private + 256 shared, as QEMU's virt configures
export const GIC_SPURIOUS = 1023;
export const GIC_SPI_BASE = 32;

const GICD_CTLR = 0x000, GICD_TYPER = 0x004, GICD_IIDR = 0x008;
const GICD_ISENABLER = 0x100, GICD_ICENABLER = 0x180, GICD_ISPENDR = 0x200, GICD_ICPENDR = 0x280;
const GICD_ISACTIVER = 0x300, GICD_ICACTIVER = 0x380, GICD_IPRIORITYR = 0x400, GICD_ITARGETSR = 0x800, GICD_ICFGR = 0xc00;
const GICC_CTLR = 0x00, GICC_PMR = 0x04, GICC_BPR = 0x08, GICC_IAR = 0x0c, GICC_EOIR = 0x10, GICC_RPR = 0x14, GICC_HPPIR = 0x18;
const GICC_IIDR = 0xfc;

export interface GicState {
  dCtlr: number;
  cCtlr: number;
  pmr: number;
  bpr: number;
  enabled: number[];
  level: number[];
  softPending: number[];
  active: number[];
  priority: number[];
  config: number[];
  runningPriority: number[];
}

export class GicV2 {
  private s: GicState;
  readonly distributor: MmioHandler;
  readonly cpuInterface: MmioHandler;

  constructor(private readonly onChange: () => void = () => {}) {
    const zeros = () => new Array<number>(GIC_NUM_IRQS).fill(0);
    this.s = {
      dCtlr: 0, cCtlr: 0, pmr: 0, bpr: 0,
      enabled: zeros(), level: zeros(), softPending: zeros(), active: zeros(), priority: zeros(),
      config: new Array<number>(GIC_NUM_IRQS / 16).fill(0), runningPriority: [],
    };
    this.distributor = { read: (o, z) => this.readDist(o, z), write: (o, z, v) => this.writeDist(o, z, v) };
    this.cpuInterface = { read: (o) => this.readCpu(o), write: (o, _z, v) => this.writeCpu(o, v) };
  }

  /** The input line for interrupt ID `intid` (SPI n is intid 32 + n). */
  line(intid: number): IrqLine {
    if (intid < 0 || intid >= GIC_NUM_IRQS) throw new Error(`gic: no interrupt ${intid}`);
    return {
      set: (level: boolean) => {
        const v = level ? 1 : 0;
        if (this.s.level[intid] !== v) {
          this.s.level[intid] = v;
          this.onChange();
        }
      },
    };
  }

  /** An edge (an MSI through GICv2m): the interrupt becomes pending until acknowledged. */
  raiseEdge(intid: number): void {
    if (intid < 0 || intid >= GIC_NUM_IRQS) return;
    this.s.softPending[intid] = 1;
    this.onChange();
  }

  /** True when the CPU interface would signal IRQ to the processor. */
  get irqAsserted(): boolean {
    return (this.s.dCtlr & 1) !== 0 && (this.s.cCtlr & 1) !== 0 && this.highestPending() !== GIC_SPURIOUS;
  }

  save(): GicState {
    return structuredClone(this.s);
  }

  restore(state: GicState): void {
    this.s = structuredClone(state);
  }

  private pending(i: number): boolean {
    return (this.s.level[i] === 1 || this.s.softPending[i] === 1) && this.s.active[i] === 0;
  }

  private highestPending(): number {
    let best = GIC_SPURIOUS;
    let bestPrio = 0x100;
    const ceiling = Math.min(this.s.pmr, this.s.runningPriority.length > 0 ? this.s.runningPriority[this.s.runningPriority.length - 1] : 0x100);
    for (let i = 0; i < GIC_NUM_IRQS; i++) {
      if (this.s.enabled[i] && this.pending(i) && this.s.priority[i] < ceiling && this.s.priority[i] < bestPrio) {
        best = i;
        bestPrio = this.s.priority[i];
      }
    }
    return best;
  }

  private readBits(arr: number[], offset: number): number {
    let v = 0;
    const base = offset * 8;
    for (let b = 0; b < 32 && base + b < GIC_NUM_IRQS; b++) if (arr[base + b]) v |= 1 << b;
    return v >>> 0;
  }

  private writeBits(arr: number[], offset: number, value: number, set: boolean): void {
    const base = offset * 8;
    for (let b = 0; b < 32 && base + b < GIC_NUM_IRQS; b++) if (value & (1 << b)) arr[base + b] = set ? 1 : 0;
  }

  private readDist(o: number, size: AccessSize): number {
    if (o === GICD_CTLR) return this.s.dCtlr;
    if (o === GICD_TYPER) return (GIC_NUM_IRQS / 32 - 1) & 0x1f;
    if (o === GICD_IIDR) return 0x0200143b;
    if (o >= GICD_ISENABLER && o < GICD_ICENABLER + 0x80) return this.readBits(this.s.enabled, (o & 0x7f));
    if (o >= GICD_ISPENDR && o < GICD_ICPENDR + 0x80) {
      const base = (o & 0x7f) * 8;
      let v = 0;
      for (let b = 0; b < 32 && base + b < GIC_NUM_IRQS; b++) if (this.pending(base + b)) v |= 1 << b;
      return v >>> 0;
    }
    if (o >= GICD_ISACTIVER && o < GICD_ICACTIVER + 0x80) return this.readBits(this.s.active, o & 0x7f);
    if (o >= GICD_IPRIORITYR && o < GICD_IPRIORITYR + GIC_NUM_IRQS) return this.readBytes(this.s.priority, o - GICD_IPRIORITYR, size);
    if (o >= GICD_ITARGETSR && o < GICD_ITARGETSR + GIC_NUM_IRQS) {
      // One CPU interface: every interrupt targets CPU 0.
      let v = 0;
      for (let i = 0; i < size; i++) v |= 1 << (8 * i);
      return v >>> 0;
    }
    if (o >= GICD_ICFGR && o < GICD_ICFGR + GIC_NUM_IRQS / 4) return this.s.config[(o - GICD_ICFGR) >> 2] >>> 0;
    return 0;
  }

  private readBytes(arr: number[], index: number, size: AccessSize): number {
    let v = 0;
    for (let i = 0; i < size; i++) v |= (arr[index + i] ?? 0) << (8 * i);
    return v >>> 0;
  }

  private writeDist(o: number, size: AccessSize, v: number): void {
    if (o === GICD_CTLR) this.s.dCtlr = v & 1;
    else if (o >= GICD_ISENABLER && o < GICD_ISENABLER + 0x80) this.writeBits(this.s.enabled, o & 0x7f, v, true);
    else if (o >= GICD_ICENABLER && o < GICD_ICENABLER + 0x80) this.writeBits(this.s.enabled, o & 0x7f, v, false);
    else if (o >= GICD_ISPENDR && o < GICD_ISPENDR + 0x80) this.writeBits(this.s.softPending, o & 0x7f, v, true);
    else if (o >= GICD_ICPENDR && o < GICD_ICPENDR + 0x80) this.writeBits(this.s.softPending, o & 0x7f, v, false);
    else if (o >= GICD_ISACTIVER && o < GICD_ISACTIVER + 0x80) this.writeBits(this.s.active, o & 0x7f, v, true);
    else if (o >= GICD_ICACTIVER && o < GICD_ICACTIVER + 0x80) this.writeBits(this.s.active, o & 0x7f, v, false);
    else if (o >= GICD_IPRIORITYR && o < GICD_IPRIORITYR + GIC_NUM_IRQS) {
      for (let i = 0; i < size; i++) this.s.priority[o - GICD_IPRIORITYR + i] = (v >>> (8 * i)) & 0xff;
    } else if (o >= GICD_ICFGR && o < GICD_ICFGR + GIC_NUM_IRQS / 4) this.s.config[(o - GICD_ICFGR) >> 2] = v >>> 0;
    this.onChange();
  }

  private readCpu(o: number): number {
    switch (o) {
      case GICC_CTLR: return this.s.cCtlr;
      case GICC_PMR: return this.s.pmr;
      case GICC_BPR: return this.s.bpr;
      case GICC_IAR: {
        if (!this.irqAsserted) return GIC_SPURIOUS;
        const id = this.highestPending();
        this.s.active[id] = 1;
        this.s.softPending[id] = 0;
        this.s.runningPriority.push(this.s.priority[id]);
        return id;
      }
      case GICC_RPR: return this.s.runningPriority.length > 0 ? this.s.runningPriority[this.s.runningPriority.length - 1] : 0xff;
      case GICC_HPPIR: return this.highestPending();
      case GICC_IIDR: return 0x0202143b;
      default: return 0;
    }
  }

  private writeCpu(o: number, v: number): void {
    if (o === GICC_CTLR) this.s.cCtlr = v & 1;
    else if (o === GICC_PMR) this.s.pmr = v & 0xff;
    else if (o === GICC_BPR) this.s.bpr = v & 7;
    else if (o === GICC_EOIR) {
      const id = v & 0x3ff;
      if (id < GIC_NUM_IRQS && this.s.active[id]) {
        this.s.active[id] = 0;
        this.s.runningPriority.pop();
      }
    }
    this.onChange();
  }
}
