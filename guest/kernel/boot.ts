// Boot: bring up the interrupt controller and the serial console, print the boot log,
// build the root filesystem (tmpfs, with the initramfs unpacked into it), install native
// programs, and start PID 1 — following init/main.c's order (start_kernel, then
// kernel_init: unpack rootfs, open /dev/console, run rdinit/init or the fallbacks).

import { GicDriver } from '../drivers/irq/gic';
import { IoApicDriver } from '../drivers/irq/ioapic';
import { Pl011Driver } from '../drivers/serial/pl011';
import { Uart8250Driver } from '../drivers/serial/uart8250';
import { parseCpio } from '../fs/cpio';
import { newFileSystem, Vfs } from '../fs/vfs';
import { TMPFS_MAGIC, fileWrite, makeDev, unpackInitramfs } from '../fs/tmpfs';
import { Tty, type TtyHooks } from '../tty/tty';
import { SIG_IGN, sigBit } from './signal-defs';
import { PtyTable } from '../tty/pty';
import { BUILTIN_INIT_NAME, builtinInit } from './builtin-init';
import { bootBanner, driverLines, memoryLine, type BootFacts } from './boot-log';
import { registerCharDevices } from './devices';
import { probeStorage } from './storage';
import { probeNetwork } from './net/boot-net';
import { KERN_ERR, KERN_WARNING } from './klog';
import type { Kernel } from './kernel';
import { FrameAllocator } from './mm/frames';
import { nativeFileContent } from './native-registry';
import { execve } from './exec';
import { newAddressSpace, createTask, signalGroup } from './process';
import { FdTable } from './fd-table';
import { openDevice } from './devices';
import { O_RDWR } from './file';
import { probePci } from '../drivers/pci/pci-boot';
import { bootloaderStage, bootModules } from '../drivers/modprobe/boot-modules';
import { probeDisplays } from '../drivers/fb/kernel-fb';
import { probeRtc } from '../drivers/rtc/rtc-boot';

/** Virtual time the boot stages take, so the log's timestamps advance like a real boot's. */
const EARLY_BOOT_NS = 1_500_000, DRIVERS_NS = 40_000_000, ROOTFS_NS = 25_000_000;
export const UTS_RELEASE = '6.12.0-twinbox';
export const UTS_VERSION = '#1 SMP PREEMPT Thu Jan  1 00:00:00 UTC 1970';
const INIT_FALLBACKS = ['/sbin/init', '/etc/init', '/bin/init', '/bin/sh'];

function advance(k: Kernel, ns: number): void {
  k.machine.scheduler.advanceTo(k.now + ns);
}

export function bootKernel(k: Kernel): void {
  const m = k.machine;
  k.cmdline = m.description.append;
  setUpConsole(k);
  if (/(^|\s)quiet(\s|$)/.test(k.cmdline)) k.klog.consoleLevel = 4;
  k.frames = new FrameAllocator(m.ram);
  const facts: BootFacts = {
    arch: m.description.arch, cmdline: k.cmdline, ramBase: m.ram.baseAddr, ramBytes: m.ram.sizeBytes,
    totalFrames: k.frames.totalFrames, freeFrames: k.frames.freeFrames, smp: m.description.smp,
  };
  for (const line of bootBanner(facts)) k.klog.printk(line);
  advance(k, EARLY_BOOT_NS);
  k.klog.printk(memoryLine(facts));
  advance(k, DRIVERS_NS);
  for (const line of driverLines(facts, k.consolePort.probeLine)) k.klog.printk(line);
  k.vfs = new Vfs(newFileSystem('rootfs', TMPFS_MAGIC), () => k.now);
  registerCharDevices(k);
  probeStorage(k);
  probeNetwork(k);
  probeDisplays(k);
  bootloaderStage(k);
  k.pci = probePci(k);
  probeRtc(k);
  buildRootfs(k);
  bootModules(k, UTS_RELEASE);
  advance(k, ROOTFS_NS);
  k.klog.printk(`Freeing unused kernel memory: 2048K`);
  startInit(k);
}

function setUpConsole(k: Kernel): void {
  const m = k.machine;
  const ic = m.layout.interruptController;
  k.irqChip = ic.kind === 'gicv2'
    ? new GicDriver(m.bus, ic.distributor, ic.cpuInterface)
    : new IoApicDriver(m.bus, ic.ioapic, ic.lapic, m.ioapic!);
  const u = m.layout.uart;
  k.consolePort = u.kind === 'pl011' ? new Pl011Driver(m.bus, u.base, u.irq) : new Uart8250Driver(m.bus, u.port, u.irq);
  const hooks: TtyHooks = {
    signalPgrp: (pgrp, sig) => void signalGroup(k, pgrp, sig),
    now: () => k.now,
    signalIgnoredOrBlocked: (t, sig) => t.sigActions[sig].handler === SIG_IGN || (t.sigBlocked & sigBit(sig)) !== 0n,
  };
  k.consoleTty = new Tty(k.consolePort.name, (bytes) => k.consolePort.write(bytes), hooks);
  k.ptys = new PtyTable(hooks);
  k.irqHandlers.set(k.consolePort.hwirq, {
    name: k.consolePort.name,
    count: 0,
    handler: () => {
      const bytes: number[] = [];
      k.consolePort.handleIrq((b) => bytes.push(b));
      k.consoleTty.receive(bytes);
    },
  });
  k.irqChip.enable(k.consolePort.hwirq);
  // The serial console turns "\n" into "\r\n" itself (uart_console_write).
  k.klog.attachConsole((text) => k.consolePort.write(new TextEncoder().encode(text.replace(/\n/g, '\r\n'))));
}

function buildRootfs(k: Kernel): void {
  const root = k.vfs.rootRef.node;
  // What the kernel's built-in initramfs (usr/default_cpio_list) holds: /dev, /dev/console, /root.
  const dev = k.vfs.createNode(root, 'dev', 'dir', 0o755);
  k.vfs.createNode(dev, 'console', 'chr', 0o600).rdev = makeDev(5, 1);
  k.vfs.createNode(root, 'root', 'dir', 0o700);
  if (k.initrd) {
    k.klog.printk('Trying to unpack rootfs image as initramfs...');
    const parsed = parseCpio(k.initrd);
    if (!parsed.ok) k.klog.printk(`Initramfs unpacking failed: ${parsed.error}`, KERN_ERR);
    for (const w of unpackInitramfs(k.vfs, parsed.entries, k.epochAtBootS)) k.klog.printk(w, KERN_WARNING);
    k.klog.printk(`Freeing initrd memory: ${Math.ceil(k.initrd.length / 1024)}K`);
  }
  installNativePrograms(k);
}

/** Writes `#!native NAME` files for registered programs (an initramfs file of the same path wins). */
function installNativePrograms(k: Kernel): void {
  const progs = k.registry.all();
  if (progs.length === 0) return;
  for (const d of ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'proc', 'sys', 'tmp', 'etc', 'mnt']) ensureDir(k, d);
  for (const p of progs) {
    for (const path of p.paths) {
      const parts = path.split('/').filter((x) => x !== '');
      const dir = ensureDir(k, parts.slice(0, -1).join('/'));
      const name = parts[parts.length - 1];
      if (!dir || !name || dir.children!.has(name)) continue;
      const node = k.vfs.createNode(dir, name, 'file', 0o755);
      fileWrite(node, 0, nativeFileContent(p.name), k.now);
    }
  }
  // Plain files of the userland (its /init script); an initramfs file of the same path wins.
  for (const [path, content] of k.registry.allFiles()) {
    const parts = path.split('/').filter((x) => x !== '');
    const dir = ensureDir(k, parts.slice(0, -1).join('/'));
    const name = parts[parts.length - 1];
    if (!dir || !name || dir.children!.has(name)) continue;
    fileWrite(k.vfs.createNode(dir, name, 'file', 0o755), 0, content, k.now);
  }
}

function ensureDir(k: Kernel, rel: string): import('../fs/node').FsNode | undefined {
  let dir = k.vfs.rootRef.node;
  for (const part of rel.split('/').filter((x) => x !== '')) {
    let next = dir.children!.get(part);
    if (!next) next = k.vfs.createNode(dir, part, 'dir', 0o755);
    if (next.kind !== 'dir') return undefined;
    dir = next;
  }
  return dir;
}

function param(cmdline: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(cmdline);
  return m?.[1];
}

function exists(k: Kernel, path: string): boolean {
  const r = k.vfs.resolve(k.vfs.rootRef, path, { followLast: true });
  return typeof r !== 'number' && r.node.kind === 'file';
}

function startInit(k: Kernel): void {
  const mm = newAddressSpace(k);
  const init = createTask(k, 1, mm, new FdTable());
  k.nextPid = 2;
  init.comm = 'swapper/0';
  const console = openDevice(k, init, makeDev(5, 1), O_RDWR, '/dev/console');
  if (typeof console === 'number') k.klog.printk('Warning: unable to open an initial console.', KERN_WARNING);
  else {
    init.fds.install(console, false);
    init.fds.install(console.get(), false);
    init.fds.install(console.get(), false);
  }
  const env = ['HOME=/', 'TERM=linux'];
  const rdinit = param(k.cmdline, 'rdinit') ?? '/init';
  const initParam = param(k.cmdline, 'init');
  const candidates = [rdinit, ...(initParam ? [initParam] : []), ...INIT_FALLBACKS];
  let path = candidates.find((p) => exists(k, p));
  if (!path) {
    // No init anywhere: install the kernel's built-in shell as /init.
    k.registry.register(BUILTIN_INIT_NAME, builtinInit, []);
    const node = k.vfs.createNode(k.vfs.rootRef.node, 'init', 'file', 0o755);
    fileWrite(node, 0, nativeFileContent(BUILTIN_INIT_NAME), k.now);
    path = '/init';
  }
  k.klog.printk(`Run ${path} as init process`);
  const r = execve(k, init, path, [path], env);
  if (r < 0) k.panic(`Requested init ${path} failed (error ${r}).`);
  else k.makeRunnable(init);
}
