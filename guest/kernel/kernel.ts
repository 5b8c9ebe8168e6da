// The guest kernel: boots on a Machine, then runs tasks on virtual time. It owns the
// global state (task table, run queue, VFS, kernel log, devices) that the syscall
// families in syscalls/ and the process/signal code operate on. runSlice is the CPU: take
// interrupts, then run tasks round-robin in time slices, charging virtual time per step.

import type { Guest } from '../../emulator/machine/guest';
import type { Machine } from '../../emulator/machine/machine';
import type { Prng } from '../../emulator/random/prng';
import type { SyscallTrap } from '../abi/native';
import type { IrqChip } from '../drivers/irq/chip';
import type { SerialPort } from '../drivers/serial/port';
import type { Vfs } from '../fs/vfs';
import type { KernelPci } from '../drivers/pci/pci-boot';
import type { Tty } from '../tty/tty';
import type { PtyTable } from '../tty/pty';
import { bootKernel } from './boot';
import type { ElfExec } from './exec';
import { execElf, runCpu } from './elf-exec';
import { CONTEXT_SWITCH_COST_NS, COPY_NS_PER_KIB, IRQ_COST_NS, NATIVE_STEP_COST_NS, SYSCALL_COST_NS, TIMESLICE_NS } from './costs';
import { ENOSYS, errnoName } from './errno';
import type { OpenFile } from './file';
import { KERN_DEBUG, KERN_ERR, Klog } from './klog';
import type { FrameAllocator } from './mm/frames';
import type { NativeRegistry } from './native-registry';
import { doExit, killForFault } from './process';
import { deliverSignals, hasDeliverableSignal, signalReturn } from './signal';
import { syscallByNumber, type SyscallAbi } from './syscalls/table';
import type { Task } from './task';
import { isBlock, type Block } from './wait';

/** Opens a character device by its rdev: returns the open file or -errno. */
export type DeviceOpen = (task: Task, flags: number, path: string) => OpenFile | number;

/** Bound on interrupts taken in one slice, so a stuck line cannot hang the host. */
const MAX_IRQS_PER_SLICE = 256;
/** Bound on task steps per slice (each step charges time, so this is only a safety net). */
const MAX_STEPS_PER_SLICE = 1_000_000;

export class Kernel implements Guest {
  readonly klog: Klog;
  readonly tasks = new Map<number, Task>();
  readonly runQueue: Task[] = [];
  readonly devices = new Map<number, DeviceOpen>();
  readonly irqHandlers = new Map<number, { name: string; handler: () => void; count: number }>();
  readonly random: Prng;
  vfs!: Vfs;
  frames!: FrameAllocator;
  irqChip!: IrqChip;
  consolePort!: SerialPort;
  consoleTty!: Tty;
  ptys!: PtyTable;
  /** The PCI subsystem (drivers/pci), once probed at boot. */
  pci: KernelPci | undefined;
  current: Task | undefined;
  nextPid = 1;
  hostname = '(none)';
  domainname = '(none)';
  cmdline = '';
  /** Seconds since the epoch at boot: fixed (not the host clock) so runs are reproducible. */
  epochAtBootS = 1_704_067_200;
  panicked = false;
  /** Syscall ABI of ELF tasks on this machine; native programs always use asm-generic numbers. */
  readonly elfAbi: SyscallAbi;
  readonly unknownSyscallsLogged = new Set<string>();
  contextSwitches = 0;
  /** Time the current syscall costs beyond the fixed entry cost (data copies), charged after it. */
  extraCostNs = 0;
  /** Set by the ELF loader once the CPU can run ELF images; until then ELF execve gives ENOEXEC. */
  elfExec: ElfExec | undefined = execElf;

  constructor(
    readonly machine: Machine,
    readonly registry: NativeRegistry,
    readonly initrd: Uint8Array | undefined,
  ) {
    this.klog = new Klog(() => machine.scheduler.now);
    this.random = machine.prng.fork('kernel');
    this.elfAbi = machine.description.arch === 'aarch64' ? 'generic' : 'x86_64';
    const epoch = machine.description.extra['epoch'];
    if (typeof epoch === 'number' && Number.isSafeInteger(epoch) && epoch >= 0) this.epochAtBootS = epoch;
  }

  get now(): number {
    return this.machine.scheduler.now;
  }

  /** CLOCK_REALTIME in ns: the fixed boot epoch plus virtual uptime (file times use it). */
  get realtimeNs(): number {
    return this.epochAtBootS * 1e9 + this.machine.scheduler.now;
  }

  get arch(): 'aarch64' | 'x86_64' {
    return this.machine.description.arch;
  }

  boot(): void {
    bootKernel(this);
  }

  wantsConsoleInput(): boolean {
    return this.consoleTty !== undefined && this.consoleTty.readWait.size > 0;
  }

  runSlice(limitNs: number): boolean {
    if (this.panicked) return false;
    let didWork = this.handleInterrupts(limitNs);
    for (let steps = 0; steps < MAX_STEPS_PER_SLICE && this.now < limitNs && this.machine.powerState === 'running'; ) {
      const t = this.pickNext();
      if (!t) break;
      didWork = true;
      steps += this.runTask(t, limitNs);
    }
    return didWork;
  }

  /** Advances virtual time by `ns`, never past `limitNs`. */
  charge(ns: number, limitNs: number, t?: Task): void {
    const target = Math.min(this.now + ns, limitNs);
    if (t) t.usage.stimeNs += target - this.now;
    this.machine.scheduler.advanceTo(target);
  }

  /** Accounts for copying `bytes` between user memory and the kernel. */
  chargeCopy(bytes: number): void {
    this.extraCostNs += Math.ceil(bytes / 1024) * COPY_NS_PER_KIB;
  }

  makeRunnable(t: Task): void {
    if (t.state === 'zombie' || t.state === 'stopped') return;
    this.cancelSleep(t);
    t.state = 'runnable';
    if (t !== this.current && !this.runQueue.includes(t)) this.runQueue.push(t);
  }

  /** Parks `t` on the queues of `b` until woken (or until its deadline). */
  sleep(t: Task, b: Block): void {
    t.state = 'sleeping';
    t.sleepQueues = b.queues;
    for (const q of b.queues) q.add(t);
    if (b.deadlineNs !== undefined) {
      t.sleepTimer = this.machine.scheduler.schedule(b.deadlineNs, () => {
        t.sleepTimer = undefined;
        this.makeRunnable(t);
      }, `wake pid ${t.pid}`);
    }
  }

  cancelSleep(t: Task): void {
    for (const q of t.sleepQueues) q.remove(t);
    t.sleepQueues = [];
    if (t.sleepTimer) {
      this.machine.scheduler.cancel(t.sleepTimer);
      t.sleepTimer = undefined;
    }
  }

  panic(message: string): void {
    this.klog.printk(`Kernel panic - not syncing: ${message}`, 0);
    this.klog.printk(`---[ end Kernel panic - not syncing: ${message} ]---`, 0);
    this.panicked = true;
  }

  private handleInterrupts(limitNs: number): boolean {
    let taken = 0;
    while (this.machine.irqPending && taken < MAX_IRQS_PER_SLICE) {
      const irq = this.irqChip.ack();
      if (irq === undefined) break;
      taken++;
      const h = this.irqHandlers.get(irq);
      if (h) {
        h.count++;
        h.handler();
      } else {
        this.klog.printk(`irq ${irq}: nobody cared`, KERN_ERR);
      }
      this.irqChip.eoi(irq);
      this.charge(IRQ_COST_NS, limitNs);
    }
    return taken > 0;
  }

  private pickNext(): Task | undefined {
    while (this.runQueue.length > 0) {
      const t = this.runQueue.shift()!;
      if (t.state === 'runnable') return t;
    }
    return undefined;
  }

  /** Runs `t` until it blocks, exits, uses up its slice or time reaches the limit. */
  private runTask(t: Task, limitNs: number): number {
    if (this.current !== t) {
      this.contextSwitches++;
      this.charge(CONTEXT_SWITCH_COST_NS, limitNs);
    }
    this.current = t;
    if (t.sliceLeftNs <= 0) t.sliceLeftNs = TIMESLICE_NS;
    let steps = 0;
    while (t.state === 'runnable' && this.now < limitNs && t.sliceLeftNs > 0 && !this.panicked) {
      const before = this.now;
      try {
        this.step(t, limitNs);
      } catch (e) {
        // A kernel or CPU bug must not escape into the host: the task dies, the machine runs on.
        this.klog.printk(`BUG: ${t.comm}[${t.pid}]: ${(e as Error).message ?? String(e)}`, KERN_ERR);
        killForFault(this, t, e);
      }
      t.sliceLeftNs -= this.now - before;
      steps++;
      if (this.machine.powerState !== 'running') break;
    }
    if (t.state === 'runnable') {
      if (t.sliceLeftNs <= 0) t.usage.nivcsw++;
      this.runQueue.push(t);
    } else if (t.state === 'sleeping') t.usage.nvcsw++;
    this.current = undefined;
    return steps;
  }

  /** One step of a task: signal delivery, then one system call (new or retried). */
  private step(t: Task, limitNs: number): void {
    if (!t.pendingTrap) {
      if (deliverSignals(this, t)) return;
      const trap = t.cpu ? runCpu(this, t, limitNs) : this.nextTrap(t, limitNs);
      if (!trap) return;
      t.pendingTrap = trap;
    } else if (hasDeliverableSignal(t)) {
      // A signal woke a blocked call: default actions and handlers run first; with no
      // handler the call restarts transparently, as -ERESTARTSYS does.
      const before = t.pendingTrap;
      if (deliverSignals(this, t) || t.pendingTrap !== before) return;
    }
    const trap = t.pendingTrap;
    this.extraCostNs = 0;
    const res = this.dispatch(t, t.cpu ? this.elfAbi : 'generic', trap.nr, trap.args);
    this.charge(SYSCALL_COST_NS + this.extraCostNs, limitNs, t);
    if (t.pendingTrap !== trap) return; // execve or exit replaced the program
    if (isBlock(res)) {
      this.sleep(t, res);
      // A signal that arrived during the call (one it raised itself, say) must not be slept through.
      if (hasDeliverableSignal(t)) this.makeRunnable(t);
    } else this.finishSyscall(t, res);
  }

  /** Runs the native program up to its next system call. */
  private nextTrap(t: Task, limitNs: number): SyscallTrap | undefined {
    const prog = t.program;
    if (!prog) {
      doExit(this, t, 0);
      return undefined;
    }
    let r: IteratorResult<SyscallTrap, number>;
    try {
      r = prog.next(t.lastResult);
    } catch (e) {
      killForFault(this, t, e);
      return undefined;
    }
    this.charge(NATIVE_STEP_COST_NS, limitNs);
    t.usage.utimeNs += NATIVE_STEP_COST_NS;
    if (r.done) {
      if (!signalReturn(t)) doExit(this, t, ((Number(r.value) | 0) & 0xff) << 8);
      return undefined;
    }
    const trap = r.value;
    if (!trap || typeof trap !== 'object' || typeof trap.nr !== 'number' || !Array.isArray(trap.args)) {
      killForFault(this, t, new Error('yielded something that is not a SyscallTrap'));
      return undefined;
    }
    return trap;
  }

  finishSyscall(t: Task, result: number): void {
    t.pendingTrap = undefined;
    t.restart = {};
    t.lastResult = result;
    if (t.keepX0) t.keepX0 = false;
    else t.cpu?.setXNum(0, result);
  }

  dispatch(t: Task, abi: SyscallAbi, nr: number, args: readonly number[]): number | Block {
    const entry = syscallByNumber(abi, nr);
    const a = wellFormedArgs(args) ? args : normalizeArgs(args);
    if (!entry?.handler) {
      const name = entry?.name ?? `#${nr}`;
      if (!this.unknownSyscallsLogged.has(`${t.comm}:${name}`)) {
        this.unknownSyscallsLogged.add(`${t.comm}:${name}`);
        // KERN_DEBUG: in dmesg, not on the console (where real Linux prints nothing).
        this.klog.printk(`${t.comm}[${t.pid}]: unsupported syscall ${name} (nr ${nr})`, KERN_DEBUG);
      }
      return -ENOSYS;
    }
    try {
      return entry.handler(this, t, a);
    } catch (e) {
      // A kernel bug must not take the host down: log it and fail the call.
      this.klog.printk(`BUG: ${entry.name} from ${t.comm}[${t.pid}]: ${(e as Error).message ?? String(e)}`, KERN_ERR);
      return -ENOSYS;
    }
  }

  describeErrno(e: number): string {
    return errnoName(e);
  }
}

function wellFormedArgs(args: readonly number[]): boolean {
  if (args.length < 6) return false;
  for (let i = 0; i < 6; i++) if (typeof args[i] !== 'number' || !Number.isFinite(args[i])) return false;
  return true;
}

/** Six finite numbers: missing or malformed register values read as 0. */
function normalizeArgs(args: readonly unknown[]): number[] {
  const out = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 6; i++) {
    const v = Array.isArray(args) ? args[i] : undefined;
    if (typeof v === 'number' && Number.isFinite(v)) out[i] = v;
  }
  return out;
}
