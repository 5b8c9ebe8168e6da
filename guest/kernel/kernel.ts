// The guest kernel: boots on a Machine, then runs tasks on virtual time. It owns the
// global state (task table, run queue, VFS, kernel log, devices) that the syscall
// families in syscalls/ and the process/signal code operate on. runSlice is the CPU: take
// interrupts, then run tasks round-robin in time slices, charging virtual time per step.

import type { Guest } from '../../emulator/machine/guest';
import type { Machine } from '../../emulator/machine/machine';
import type { Prng } from '../../emulator/random/prng';
import { NATIVE_COMPUTE_NR, type SyscallTrap } from '../abi/native';
import type { IrqChip } from '../drivers/irq/chip';
import type { SerialPort } from '../drivers/serial/port';
import type { Vfs } from '../fs/vfs';
import type { KernelPci } from '../drivers/pci/pci-boot';
import type { IpStack } from '../net/socket';
import type { Tty } from '../tty/tty';
import type { PtyTable } from '../tty/pty';
import { bootKernel } from './boot';
import { runCompute } from './compute';
import type { ElfExec } from './exec';
import { execElf, runCpu } from './elf-exec';
import { CONTEXT_SWITCH_COST_NS, COPY_NS_PER_KIB, IRQ_COST_NS, NATIVE_STEP_COST_NS, SYSCALL_COST_NS } from './costs';
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
import { allowedOn, type CpuRunQueue, RunQueues } from './sched/run-queues';
import { sliceNsForNice } from './sched/weights';

/** Opens a character device by its rdev: returns the open file or -errno. */
export type DeviceOpen = (task: Task, flags: number, path: string) => OpenFile | number;

/** Bound on interrupts taken in one slice, so a stuck line cannot hang the host. */
const MAX_IRQS_PER_SLICE = 256;
/** Bound on task steps per slice (each step charges time, so this is only a safety net). */
const MAX_STEPS_PER_SLICE = 1_000_000;

export class Kernel implements Guest {
  readonly klog: Klog;
  readonly tasks = new Map<number, Task>();
  /** One run queue and one virtual clock per vCPU (`-smp N`). */
  readonly rq: RunQueues;
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
  /** The IPv4 stack (guest/net/inet), created at boot with `lo` and every probed NIC. */
  net: IpStack | undefined;
  /** The task whose step is executing (on the CPU `rq.active`). */
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
    this.rq = new RunQueues(machine.description.smp);
    const epoch = machine.description.extra['epoch'];
    if (typeof epoch === 'number' && Number.isSafeInteger(epoch) && epoch >= 0) this.epochAtBootS = epoch;
  }

  /** Virtual time as the running task sees it: its CPU's clock (the machine's when no task runs). */
  get now(): number {
    return this.rq.active?.clockNs ?? this.machine.scheduler.now;
  }

  /** Runnable tasks waiting in the run queues (the running ones not included). */
  get runQueue(): readonly Task[] {
    return this.rq.cpus.flatMap((c) => c.queue.filter((t) => t.state === 'runnable'));
  }

  /** The CPU the task being stepped runs on (0 outside a step). */
  get currentCpu(): number {
    return this.rq.active?.id ?? 0;
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
    this.rq.syncTo(this.machine.scheduler.now);
    let didWork = this.handleInterrupts(limitNs);
    // Picks count too (a pick that runs no step still costs a context switch), so a panic cannot spin.
    for (let steps = 0, picks = 0; steps < MAX_STEPS_PER_SLICE && picks < 4 * MAX_STEPS_PER_SLICE && !this.panicked &&
      this.machine.powerState === 'running'; picks++) {
      this.rq.balanceIdle(this.machine.scheduler.now);
      // No CPU runs past a pending event (a timer a task just set): the machine fires it first.
      const cpu = this.rq.pick(Math.min(limitNs, this.machine.scheduler.nextEventTime() ?? Infinity));
      if (!cpu) break;
      didWork = true;
      steps += this.stepCpu(cpu, limitNs);
    }
    this.machine.scheduler.advanceTo(Math.min(limitNs, this.rq.globalNs()));
    return didWork;
  }

  /**
   * Advances the running CPU's clock by `ns` (CPU 0's outside a task step), never past
   * `limitNs` or a pending event; the machine clock follows the slowest busy CPU.
   */
  charge(ns: number, limitNs: number, t?: Task): void {
    const cpu = this.rq.active ?? this.rq.cpus[0];
    const from = Math.max(cpu.clockNs, this.machine.scheduler.now);
    const next = this.machine.scheduler.nextEventTime();
    const target = Math.max(from, Math.min(from + ns, limitNs, next ?? Infinity));
    if (t) t.usage.stimeNs += target - from;
    cpu.clockNs = target;
    this.machine.scheduler.advanceTo(Math.min(target, this.rq.globalNs()));
  }

  /** Accounts for copying `bytes` between user memory and the kernel. */
  chargeCopy(bytes: number): void {
    this.extraCostNs += Math.ceil(bytes / 1024) * COPY_NS_PER_KIB;
  }

  makeRunnable(t: Task): void {
    if (t.state === 'zombie' || t.state === 'stopped') return;
    this.cancelSleep(t);
    t.state = 'runnable';
    this.rq.enqueue(t, this.now);
  }

  /** Puts a runnable task where its (new) affinity allows: off a forbidden queue, or preempted. */
  reviewAffinity(t: Task): void {
    if (t.queuedOn >= 0 && !allowedOn(t, t.queuedOn)) {
      this.rq.dequeue(t);
      this.rq.enqueue(t, this.now);
    }
    if (t.runningOn >= 0 && !allowedOn(t, t.runningOn)) t.sliceLeftNs = 0;
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

  /**
   * request_irq with IRQF_SHARED: `handler` runs on `irq`, after any handler already there (INTx
   * lines are shared between devices), and /proc/interrupts lists the names comma-separated.
   */
  requestIrq(irq: number, name: string, handler: () => void): void {
    const prev = this.irqHandlers.get(irq);
    if (prev) {
      const before = prev.handler;
      prev.handler = () => {
        before();
        handler();
      };
      prev.name = `${prev.name}, ${name}`;
      return;
    }
    this.irqHandlers.set(irq, { name, count: 0, handler });
    this.irqChip.enable(irq);
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

  /**
   * One step of the task on `cpu` (switching to the next queued task first if it has none).
   * The task keeps the CPU until it blocks, exits, uses up its slice or the CPU reaches the limit.
   */
  private stepCpu(cpu: CpuRunQueue, limitNs: number): number {
    this.rq.active = cpu;
    let t = cpu.curr;
    if (!t) {
      t = cpu.dequeue();
      if (!t) return this.leaveCpu(0);
      cpu.curr = t;
      t.runningOn = cpu.id;
      t.lastCpu = cpu.id;
      this.contextSwitches++;
      cpu.switches++;
      this.charge(CONTEXT_SWITCH_COST_NS, limitNs);
      if (t.sliceLeftNs <= 0) t.sliceLeftNs = sliceNsForNice(t.nice);
    }
    this.current = t;
    let steps = 0;
    // Step on while this CPU stays the one furthest behind (what picking again would choose).
    while (this.keepsCpu(t, limitNs) && (steps === 0 || this.staysPicked(cpu, limitNs))) {
      const before = this.now;
      const userBefore = t.usage.utimeNs;
      try {
        this.step(t, limitNs);
      } catch (e) {
        // A kernel or CPU bug must not escape into the host: the task dies, the machine runs on.
        this.klog.printk(`BUG: ${t.comm}[${t.pid}]: ${(e as Error).message ?? String(e)}`, KERN_ERR);
        killForFault(this, t, e);
      }
      const spent = this.now - before;
      t.sliceLeftNs -= spent;
      const user = Math.min(spent, t.usage.utimeNs - userBefore);
      cpu.userNs += user;
      cpu.systemNs += spent - user;
      steps++;
      if (this.machine.powerState !== 'running' || steps >= MAX_STEPS_PER_SLICE) break;
    }
    // Reaching the end of the machine's slice is not a preemption: the task keeps its CPU.
    if (!this.keepsCpu(t, Infinity) || this.machine.powerState !== 'running') this.putPrev(cpu, t);
    return this.leaveCpu(steps);
  }

  /** Whether the run loop would pick `cpu` again: before the limit and any pending event, furthest behind, no idle balancing due. */
  private staysPicked(cpu: CpuRunQueue, limitNs: number): boolean {
    if (cpu.clockNs >= Math.min(limitNs, this.machine.scheduler.nextEventTime() ?? Infinity)) return false;
    return this.rq.count === 1 || this.rq.aheadOfAll(cpu);
  }

  private keepsCpu(t: Task, limitNs: number): boolean {
    return t.state === 'runnable' && this.now < limitNs && t.sliceLeftNs > 0 && !this.panicked;
  }

  /** The task leaves its CPU: back to the end of a queue if still runnable. */
  private putPrev(cpu: CpuRunQueue, t: Task): void {
    cpu.curr = undefined;
    t.runningOn = -1;
    if (t.state === 'runnable') {
      if (t.sliceLeftNs <= 0) t.usage.nivcsw++;
      if (allowedOn(t, cpu.id)) cpu.enqueue(t);
      else this.rq.enqueue(t, this.now);
    } else if (t.state === 'sleeping') t.usage.nvcsw++;
  }

  private leaveCpu(steps: number): number {
    this.current = undefined;
    this.rq.active = undefined;
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
    if (trap.nr === NATIVE_COMPUTE_NR && !t.cpu) return runCompute(this, t, trap, limitNs);
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
