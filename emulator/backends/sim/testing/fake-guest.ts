// A stand-in guest for testing sessions, the scenario engine and the console command
// before (and independently of) the real kernel. It drives the real UART registers
// through the bus like a tiny polled-mode kernel: a banner, a `/ # ` prompt, line echo,
// and a handful of commands. Not a kernel: just enough behaviour to test the front ends.

import type { Guest, GuestFactory } from '../../../machine/guest';
import type { Machine } from '../../../machine/machine';

const PL011_BASE = 0x0900_0000;
const PL011_DR = 0x00, PL011_FR = 0x18, PL011_LCR_H = 0x2c, PL011_FR_RXFE = 1 << 4, PL011_LCR_FEN = 1 << 4;
const COM1 = 0x3f8, LSR = 5, FCR = 2, LSR_DR = 1;
const ACPI_PM1_CNT = 0x604, SLP_EN_S5 = 0x2000;
/** Virtual time one processed byte costs. */
const BYTE_COST_NS = 10_000;
const NS_PER_S = 1_000_000_000;

interface FakeGuestState {
  line: number[];
  counter: number;
  sleepingUntilNs: number;
  /** `spin`: burn CPU forever (a busy loop), for wall-clock limit tests. */
  spinning: boolean;
}

export class FakeGuest implements Guest {
  private s: FakeGuestState = { line: [], counter: 0, sleepingUntilNs: -1, spinning: false };

  constructor(private readonly m: Machine) {}

  boot(): void {
    if (this.isVirt()) this.m.bus.write(PL011_BASE + PL011_LCR_H, 4, PL011_LCR_FEN);
    else this.m.bus.outPort(COM1 + FCR, 1, 1);
    const id = this.m.prng.fork('fake-guest').nextU32().toString(16).padStart(8, '0');
    this.print(`Booting fake guest on ${this.m.description.machine}\nboot id ${id}\n/ # `);
  }

  runSlice(limitNs: number): boolean {
    if (this.s.sleepingUntilNs >= 0) return false;
    if (this.s.spinning) {
      this.m.scheduler.advanceTo(limitNs);
      return true;
    }
    let did = false;
    while (this.m.scheduler.now + BYTE_COST_NS <= limitNs && this.m.powerState === 'running') {
      const b = this.readByte();
      if (b === undefined) break;
      did = true;
      this.m.scheduler.advanceTo(this.m.scheduler.now + BYTE_COST_NS);
      this.onByte(b);
      if (this.s.sleepingUntilNs >= 0) break;
    }
    return did;
  }

  wantsConsoleInput(): boolean {
    return this.s.sleepingUntilNs < 0 && !this.s.spinning && this.m.powerState === 'running';
  }

  private isVirt(): boolean {
    return this.m.description.machine === 'virt';
  }

  private readByte(): number | undefined {
    if (this.isVirt()) {
      if (this.m.bus.read(PL011_BASE + PL011_FR, 4) & PL011_FR_RXFE) return undefined;
      return this.m.bus.read(PL011_BASE + PL011_DR, 4) & 0xff;
    }
    if (!(this.m.bus.inPort(COM1 + LSR, 1) & LSR_DR)) return undefined;
    return this.m.bus.inPort(COM1, 1);
  }

  private print(text: string): void {
    for (const b of new TextEncoder().encode(text)) {
      if (this.isVirt()) this.m.bus.write(PL011_BASE + PL011_DR, 4, b);
      else this.m.bus.outPort(COM1, 1, b);
    }
  }

  private onByte(b: number): void {
    if (b === 0x03) {
      this.s.line = [];
      this.print('^C\n/ # ');
    } else if (b === 0x0a || b === 0x0d) {
      this.print('\n');
      const line = Buffer.from(this.s.line).toString('utf8');
      this.s.line = [];
      this.execute(line.trim());
    } else {
      this.s.line.push(b);
      this.print(String.fromCharCode(b));
    }
  }

  private execute(line: string): void {
    const [cmd, ...args] = line.split(/\s+/);
    if (cmd === 'poweroff') return this.powerOff();
    if (cmd === 'reboot') return this.m.requestReset();
    if (cmd === 'crash') throw new Error('fake guest: crash requested');
    if (cmd === 'spin') {
      this.s.spinning = true;
      return;
    }
    if (cmd === 'sleep') return this.sleep(Number(args[0]));
    if (cmd === 'echo') this.print(`${args.join(' ')}\n`);
    else if (cmd === 'count') this.print(`count ${++this.s.counter}\n`);
    else if (cmd === 'now') this.print(`now ${this.m.scheduler.now}\n`);
    else if (cmd !== '') this.print(`sh: ${cmd}: not found\n`);
    this.print('/ # ');
  }

  private sleep(seconds: number): void {
    const ns = Number.isFinite(seconds) && seconds > 0 ? seconds * NS_PER_S : 0;
    this.s.sleepingUntilNs = this.m.scheduler.now + ns;
    this.m.scheduler.schedule(this.s.sleepingUntilNs, () => {
      this.s.sleepingUntilNs = -1;
      this.print('/ # ');
    }, 'fake-guest sleep');
  }

  private powerOff(): void {
    this.print('The system is going down NOW!\nreboot: Power down\n');
    if (this.isVirt()) this.m.powerOff(); // PSCI SYSTEM_OFF is a firmware call
    else this.m.bus.outPort(ACPI_PM1_CNT, 2, SLP_EN_S5);
  }
}

export const createFakeGuest: GuestFactory = (m) => new FakeGuest(m);
