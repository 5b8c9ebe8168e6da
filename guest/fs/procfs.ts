// procfs: system files generated from the kernel's state when opened, and a directory per
// process (cmdline, comm, stat, status, maps, environ, fd/, exe, cwd, root) looked up by
// pid on demand; /proc/self points at the caller's directory.

import type { Kernel } from '../kernel/kernel';
import type { Task } from '../kernel/task';
import { LINUX_BANNER } from '../kernel/boot-log';
import { procStatCpuLines } from '../kernel/sched/proc-stat';
import { SIG_DFL, SIG_IGN } from '../kernel/signal-defs';
import { FsNode } from './node';
import { newFileSystem, type Vfs } from './vfs';
import {
  cpuinfoAarch64, cpuinfoX86, formatLoadavg, formatMaps, formatMeminfo, formatPidStat, formatStatus, formatUptime,
} from './procfs-format';
import { makeDev } from './tmpfs';
import { procModules } from '../kernel/modules';
import { procPartitions } from '../kernel/storage';

export const PROC_SUPER_MAGIC = 0x9fa0;
const USER_HZ_NS = 10_000_000;
/** Filesystems that need a block device (no `nodev` in /proc/filesystems). */
const BLOCK_FILESYSTEMS = ['ext2'];
const FILESYSTEMS = ['sysfs', 'tmpfs', 'bdev', 'proc', 'devtmpfs', 'devpts', 'ramfs', 'pipefs'];
const STATE_LETTER: Record<Task['state'], string> = { runnable: 'R', sleeping: 'S', stopped: 'T', zombie: 'Z' };
const STATE_TEXT: Record<string, string> = { R: 'R (running)', S: 'S (sleeping)', T: 'T (stopped)', Z: 'Z (zombie)' };

function sigMasks(t: Task): { ignored: bigint; caught: bigint } {
  let ignored = 0n, caught = 0n;
  for (let s = 1; s <= 64; s++) {
    const h = t.sigActions[s].handler;
    if (h === SIG_IGN) ignored |= 1n << BigInt(s - 1);
    else if (h !== SIG_DFL) caught |= 1n << BigInt(s - 1);
  }
  return { ignored, caught };
}

function systemFiles(k: Kernel): Record<string, () => string> {
  return {
    cpuinfo: () => (k.arch === 'aarch64' ? cpuinfoAarch64 : cpuinfoX86)(k.machine.description.smp),
    meminfo: () => {
      const total = k.frames.totalFrames * 4, free = k.frames.freeFrames * 4;
      return formatMeminfo({ totalKb: total, freeKb: free, availableKb: free, buffersKb: 0, cachedKb: 0, shmemKb: 0 });
    },
    uptime: () => formatUptime(k.now, k.now),
    loadavg: () => formatLoadavg(k.runQueue.length + 1, k.tasks.size, k.nextPid - 1),
    version: () => LINUX_BANNER + '\n',
    cmdline: () => k.cmdline + '\n',
    modules: () => procModules(k),
    filesystems: () => FILESYSTEMS.map((f) => `nodev\t${f}\n`).join('') + BLOCK_FILESYSTEMS.map((f) => `\t${f}\n`).join(''),
    partitions: () => procPartitions(k),
    mounts: () => k.vfs.mounts.map((m) => `${m.source} ${m.target} ${m.fstype} ${m.options} 0 0\n`).join(''),
    stat: () => {
      const irqs = [...k.irqHandlers.values()].reduce((n, h) => n + h.count, 0);
      return `${procStatCpuLines(k.rq, k.now)}intr ${irqs}\nctxt ${k.contextSwitches}\n` +
        `btime ${k.epochAtBootS}\nprocesses ${k.nextPid - 1}\nprocs_running ${k.runQueue.length + 1}\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n`;
    },
    interrupts: () => {
      let out = '           CPU0       \n';
      for (const [irq, h] of [...k.irqHandlers.entries()].sort((a, b) => a[0] - b[0])) {
        out += `${String(irq).padStart(3)}: ${String(h.count).padStart(10)}     ${k.irqChip.name}  ${h.name}\n`;
      }
      return out;
    },
  };
}

export class Procfs {
  readonly root: FsNode;
  private readonly pidDirs = new Map<number, { task: Task; dir: FsNode }>();

  constructor(private readonly k: Kernel, private readonly vfs: Vfs) {
    const fs = newFileSystem('proc', PROC_SUPER_MAGIC);
    this.root = vfs.createDetachedRoot(fs, 0o555);
    for (const [name, gen] of Object.entries(systemFiles(k))) this.file(this.root, name, gen);
    for (const d of ['sys', 'net', 'tty', 'driver']) vfs.createNode(this.root, d, 'dir', 0o555);
    this.file(this.root.children!.get('sys')!, 'hostname', () => k.hostname + '\n');
    this.root.dynamic = {
      list: () => ['self', ...[...k.tasks.keys()].sort((a, b) => a - b).map(String)],
      lookup: (name) => this.lookup(name),
    };
  }

  private file(dir: FsNode, name: string, gen: () => string): FsNode {
    const n = this.vfs.createNode(dir, name, 'file', 0o444);
    n.generate = gen;
    return n;
  }

  private link(dir: FsNode, name: string, target: () => string): FsNode {
    const n = new FsNode(dir.fs, 'symlink', 0o777, this.k.now);
    n.parent = dir;
    Object.defineProperty(n, 'target', { get: target });
    return n;
  }

  private lookup(name: string): FsNode | undefined {
    if (name === 'self') return this.link(this.root, 'self', () => String(this.k.current?.pid ?? 0));
    if (!/^[1-9][0-9]*$/.test(name)) return undefined;
    const task = this.k.tasks.get(Number(name));
    if (!task) return undefined;
    const cached = this.pidDirs.get(task.pid);
    if (cached && cached.task === task) return cached.dir;
    const dir = this.buildPidDir(task);
    this.pidDirs.set(task.pid, { task, dir });
    for (const pid of [...this.pidDirs.keys()]) if (!this.k.tasks.has(pid)) this.pidDirs.delete(pid);
    return dir;
  }

  private buildPidDir(t: Task): FsNode {
    const dir = new FsNode(this.root.fs, 'dir', 0o555, t.startTimeNs);
    dir.parent = this.root;
    dir.uid = t.cred.euid;
    const files: Record<string, () => string> = {
      cmdline: () => (t.state === 'zombie' ? '' : t.argv.map((s) => s + '\0').join('')),
      comm: () => t.comm + '\n',
      environ: () => t.envp.map((s) => s + '\0').join(''),
      stat: () => this.pidStat(t),
      status: () => this.pidStatus(t),
      maps: () => this.pidMaps(t),
    };
    for (const [name, gen] of Object.entries(files)) this.file(dir, name, gen);
    for (const [name, target] of [['exe', () => t.exePath], ['cwd', () => t.cwd.path], ['root', () => t.root.path]] as const) {
      dir.children!.set(name, this.link(dir, name, target));
    }
    const fd = this.vfs.createNode(dir, 'fd', 'dir', 0o500);
    fd.dynamic = {
      list: () => t.fds.list().map(([n]) => String(n)),
      lookup: (n) => {
        const f = /^\d+$/.test(n) ? t.fds.get(Number(n)) : undefined;
        if (!f) return undefined;
        return this.link(fd, n, () => (f.path === 'pipe:' ? `pipe:[${4000 + Number(n)}]` : f.path));
      },
    };
    return dir;
  }

  private pidStat(t: Task): string {
    const { ignored, caught } = sigMasks(t);
    const tty = t.ctty ? (t.ctty.name === 'ttyAMA0' ? makeDev(204, 64) : t.ctty.name === 'ttyS0' ? makeDev(4, 64) : 0) : 0;
    return formatPidStat({
      pid: t.pid, comm: t.comm, state: STATE_LETTER[t.state], ppid: t.ppid, pgrp: t.pgid, session: t.sid, ttyNr: tty,
      tpgid: t.ctty ? t.ctty.fgPgrp : -1, utimeTicks: Math.floor(t.usage.utimeNs / USER_HZ_NS),
      stimeTicks: Math.floor(t.usage.stimeNs / USER_HZ_NS), cutimeTicks: Math.floor(t.childUsage.utimeNs / USER_HZ_NS),
      cstimeTicks: Math.floor(t.childUsage.stimeNs / USER_HZ_NS), numThreads: 1, startTicks: Math.floor(t.startTimeNs / USER_HZ_NS),
      vsizeBytes: t.state === 'zombie' ? 0 : t.mm.areas.reduce((n, v) => n + v.end - v.start, 0),
      rssPages: t.state === 'zombie' ? 0 : t.mm.residentPages, exitSignal: t.exitSignal, nice: t.nice, processor: t.lastCpu,
      pending: t.sigPending, blocked: t.sigBlocked, ignored, caught,
    });
  }

  private pidStatus(t: Task): string {
    const { ignored, caught } = sigMasks(t);
    const c = t.cred;
    const vm = t.state === 'zombie' ? 0 : t.mm.areas.reduce((n, v) => n + v.end - v.start, 0) / 1024;
    return formatStatus({
      name: t.comm, umask: t.umask, state: STATE_TEXT[STATE_LETTER[t.state]], pid: t.pid, ppid: t.ppid,
      uids: [c.uid, c.euid, c.suid, c.fsuid], gids: [c.gid, c.egid, c.sgid, c.fsgid], groups: c.groups,
      fdSize: 64, vmSizeKb: vm, vmRssKb: t.state === 'zombie' ? 0 : t.mm.residentPages * 4,
      pending: t.sigPending, blocked: t.sigBlocked, ignored, caught,
    });
  }

  private pidMaps(t: Task): string {
    if (t.state === 'zombie') return '';
    return formatMaps(t.mm.areas.map((v) => ({
      start: v.start, end: v.end,
      perms: `${v.prot & 1 ? 'r' : '-'}${v.prot & 2 ? 'w' : '-'}${v.prot & 4 ? 'x' : '-'}${v.flags & 1 ? 's' : 'p'}`,
      offset: v.offset, dev: '00:00', ino: 0, name: v.name,
    })));
  }
}
