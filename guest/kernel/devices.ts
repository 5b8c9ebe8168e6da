// Character devices by device number (major:minor), as the kernel's chrdev table: the
// memory devices (null, zero, full, random, urandom, kmsg), the console and /dev/tty, the
// serial port. Opening a device node anywhere (devtmpfs, or a node in the initramfs)
// comes here by its rdev.

import { makeDev } from '../fs/tmpfs';
import type { Tty } from '../tty/tty';
import { EINVAL, ENODEV, ENOSPC, ENXIO } from './errno';
import { O_NOCTTY, OpenFile, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, type FileOps } from './file';
import type { Kernel } from './kernel';
import type { Task } from './task';

export const DEV_NULL = makeDev(1, 3), DEV_ZERO = makeDev(1, 5), DEV_FULL = makeDev(1, 7);
export const DEV_RANDOM = makeDev(1, 8), DEV_URANDOM = makeDev(1, 9), DEV_KMSG = makeDev(1, 11);
export const DEV_TTY = makeDev(5, 0), DEV_CONSOLE = makeDev(5, 1), DEV_PTMX = makeDev(5, 2);
export const DEV_TTYAMA0 = makeDev(204, 64), DEV_TTYS0 = makeDev(4, 64);
export const PTS_MAJOR = 136;
/** Bound on one read from a generating device. */
const MAX_DEVICE_READ = 1 << 20;

const always = { mask: POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM, queues: [] };

function memDevice(read: (len: number) => Uint8Array | number, write: (data: Uint8Array) => number): FileOps {
  return { seekable: true, read: (_f, len) => read(Math.min(len, MAX_DEVICE_READ)), write: (_f, d) => write(d), poll: () => always };
}

export function registerCharDevices(k: Kernel): void {
  const rng = k.machine.prng.fork('urandom');
  const randomBytes = (len: number): Uint8Array => {
    const b = new Uint8Array(len);
    rng.fill(b);
    return b;
  };
  const simple = (ops: FileOps) => (_t: Task, flags: number, path: string) => new OpenFile(ops, flags, path);
  k.devices.set(DEV_NULL, simple(memDevice(() => new Uint8Array(0), (d) => d.length)));
  k.devices.set(DEV_ZERO, simple(memDevice((len) => new Uint8Array(len), (d) => d.length)));
  k.devices.set(DEV_FULL, simple(memDevice((len) => new Uint8Array(len), () => -ENOSPC)));
  k.devices.set(DEV_RANDOM, simple(memDevice(randomBytes, (d) => d.length)));
  k.devices.set(DEV_URANDOM, simple(memDevice(randomBytes, (d) => d.length)));
  k.devices.set(DEV_KMSG, simple(kmsgOps(k)));
  k.devices.set(DEV_CONSOLE, (_t, flags, path) => new OpenFile(k.consoleTty.ops, flags, path));
  const serial = k.consolePort.name === 'ttyAMA0' ? DEV_TTYAMA0 : DEV_TTYS0;
  k.devices.set(serial, (t, flags, path) => openTty(k.consoleTty, t, flags, path));
  k.devices.set(DEV_TTY, (t, flags, path) => (t.ctty ? new OpenFile(t.ctty.ops, flags, path) : -ENXIO));
  k.devices.set(DEV_PTMX, (_t, flags) => k.ptys.open(flags));
}

/** tty_open: a session leader without a terminal acquires this one unless O_NOCTTY. */
export function acquireCtty(tty: Tty, t: Task, flags: number): void {
  if (!(flags & O_NOCTTY) && t.sid === t.pid && !t.ctty && tty.session === 0) {
    tty.session = t.sid;
    tty.fgPgrp = t.pgid;
    t.ctty = tty;
  }
}

export function openTty(tty: Tty, t: Task, flags: number, path: string): OpenFile {
  acquireCtty(tty, t, flags);
  return new OpenFile(tty.ops, flags, path);
}

/** /dev/kmsg: each read returns one record as `level,seq,usec,-;text`; writes log a line. */
function kmsgOps(k: Kernel): FileOps {
  return {
    seekable: false,
    read(f, len) {
      const recs = k.klog.all();
      const rec = recs.find((r) => r.seq >= f.pos);
      if (!rec) return new Uint8Array(0);
      const line = new TextEncoder().encode(`${rec.level},${rec.seq},${Math.floor(rec.tsNs / 1000)},-;${rec.text}\n`);
      if (line.length > len) return -EINVAL;
      f.pos = rec.seq + 1;
      return line;
    },
    write(_f, data) {
      const text = Buffer.from(data).toString('utf8').replace(/\n$/, '');
      const m = /^<(\d)>(.*)$/s.exec(text);
      k.klog.printk(m ? m[2] : text, m ? Number(m[1]) : 4);
      return data.length;
    },
    poll: () => always,
  };
}

export function openDevice(k: Kernel, t: Task, rdev: number, flags: number, path: string): OpenFile | number {
  const open = k.devices.get(rdev);
  if (!open && (rdev & 0xfff00) >>> 8 === PTS_MAJOR) {
    const minor = (rdev & 0xff) | ((rdev >>> 12) & 0xfff00);
    return k.ptys.openSlave(minor, flags, path, (tty, f) => {
      acquireCtty(tty, t, flags);
      return f;
    });
  }
  if (!open) return -ENODEV;
  return open(t, flags, path);
}

