// A tiny guest for testing the machine itself without the real kernel: it drives the console
// UART and interrupt controller through their registers exactly as a kernel driver would,
// prints a prompt, and understands `echo TEXT`, `sleep SECONDS`, `poweroff` and `reboot`.

import type { Guest, GuestFactory } from '../guest';
import type { Machine } from '../machine';

const COST_PER_BYTE_NS = 1_000;

class EchoGuest implements Guest {
  private line: number[] = [];
  private waiting = true;
  private sleepingUntilNs: number | undefined;
  private output: number[] = [];
  private lines = 0;

  constructor(private readonly m: Machine) {}

  boot(): void {
    const u = this.m.layout.uart;
    if (u.kind === 'pl011') {
      const gic = this.m.layout.interruptController;
      if (gic.kind !== 'gicv2') throw new Error('echo guest: virt without a GIC');
      this.m.bus.write(gic.distributor, 4, 1);
      this.m.bus.write(gic.cpuInterface, 4, 1);
      this.m.bus.write(gic.cpuInterface + 4, 4, 0xf0);
      this.m.bus.write(gic.distributor + 0x100 + 4 * (u.irq >> 5), 4, 1 << (u.irq & 31));
      this.m.bus.write(u.base + 0x2c, 4, 0x70);
      this.m.bus.write(u.base + 0x38, 4, 0x50);
    } else {
      const io = this.m.layout.interruptController;
      if (io.kind !== 'ioapic') throw new Error('echo guest: q35 without an IOAPIC');
      this.m.bus.write(io.lapic + 0xf0, 4, 0x1ff);
      this.m.bus.write(io.ioapic, 4, 0x10 + 2 * u.irq);
      this.m.bus.write(io.ioapic + 0x10, 4, 0x20 + u.irq);
      this.m.bus.outPort(u.port + 2, 1, 0x07);
      this.m.bus.outPort(u.port + 1, 1, 0x01);
    }
    this.print(`echo-guest on ${this.m.description.machine}\n# `);
  }

  runSlice(limitNs: number): boolean {
    let ran = false;
    if (this.m.irqPending) {
      this.serviceInterrupt();
      ran = true;
    }
    if (this.sleepingUntilNs !== undefined && this.m.scheduler.now >= this.sleepingUntilNs) {
      this.sleepingUntilNs = undefined;
      this.print('# ');
      ran = true;
    }
    if (this.output.length > 0 && this.flushOutput(limitNs)) ran = true;
    return ran;
  }

  wantsConsoleInput(): boolean {
    return this.waiting && this.sleepingUntilNs === undefined;
  }

  save(): unknown {
    return { line: this.line, waiting: this.waiting, sleepingUntilNs: this.sleepingUntilNs, lines: this.lines };
  }

  private serviceInterrupt(): void {
    const u = this.m.layout.uart;
    const ic = this.m.layout.interruptController;
    if (u.kind === 'pl011' && ic.kind === 'gicv2') {
      const id = this.m.bus.read(ic.cpuInterface + 0x0c, 4);
      while ((this.m.bus.read(u.base + 0x18, 4) & 0x10) === 0) this.take(this.m.bus.read(u.base, 4));
      this.m.bus.write(ic.cpuInterface + 0x10, 4, id);
    } else if (u.kind === '16550' && ic.kind === 'ioapic') {
      this.m.ioapic!.acknowledge();
      while (this.m.bus.inPort(u.port + 5, 1) & 1) this.take(this.m.bus.inPort(u.port, 1));
      this.m.bus.write(ic.lapic + 0xb0, 4, 0);
    }
  }

  private take(byte: number): void {
    if (byte === 0x0d) byte = 0x0a;
    this.output.push(byte);
    if (byte !== 0x0a) {
      this.line.push(byte);
      return;
    }
    const text = Buffer.from(this.line).toString('utf8').trim();
    this.line = [];
    this.lines++;
    this.command(text);
  }

  private command(text: string): void {
    const [cmd, ...rest] = text.split(/\s+/);
    if (cmd === 'echo') this.print(rest.join(' ') + '\n# ');
    else if (cmd === 'sleep') {
      const ns = Number(rest[0] ?? '0') * 1e9;
      this.sleepingUntilNs = this.m.scheduler.now + ns;
      this.m.scheduler.schedule(this.sleepingUntilNs, () => {}, 'echo-guest sleep');
    } else if (cmd === 'poweroff') {
      this.print('Power down\n');
      this.flushOutput(Infinity);
      this.m.powerOff();
    } else if (cmd === 'reboot') this.m.requestReset();
    else if (cmd === '') this.print('# ');
    else this.print(`sh: ${cmd}: not found\n# `);
  }

  private print(text: string): void {
    for (const b of Buffer.from(text, 'utf8')) this.output.push(b);
  }

  /** Sends queued output through the UART, charging virtual time per byte. Returns whether any byte went out. */
  private flushOutput(limitNs: number): boolean {
    const u = this.m.layout.uart;
    const before = this.output.length;
    while (this.output.length > 0 && this.m.scheduler.now + COST_PER_BYTE_NS <= limitNs) {
      const b = this.output.shift()!;
      if (u.kind === 'pl011') this.m.bus.write(u.base, 4, b);
      else this.m.bus.outPort(u.port, 1, b);
      this.m.scheduler.advanceTo(this.m.scheduler.now + COST_PER_BYTE_NS);
    }
    if (limitNs === Infinity) {
      for (const b of this.output.splice(0)) {
        if (u.kind === 'pl011') this.m.bus.write(u.base, 4, b);
        else this.m.bus.outPort(u.port, 1, b);
      }
    }
    return this.output.length < before;
  }
}

export const createEchoGuest: GuestFactory = (m) => new EchoGuest(m);
