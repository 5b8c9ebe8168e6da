// A terminal: a line discipline between a device (a UART, or a PTY master) and the
// processes that read and write it, plus the termios/job-control ioctls. The foreground
// process group and session live here, as in Linux's struct tty_struct.

import { EFAULT, EINVAL, ENOTTY, EPERM, EAGAIN, EIO } from '../kernel/errno';
import { OpenFile, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, type FileOps } from '../kernel/file';
import type { Task } from '../kernel/task';
import { WaitQueue, block, type Block } from '../kernel/wait';
import { LineDiscipline } from './line-discipline';
import {
  ICANON, TOSTOP, TERMIOS_SIZE, VMIN, VTIME, WINSIZE_SIZE, decodeTermios, decodeWinsize, defaultTermios, encodeTermios,
  encodeWinsize, type Winsize,
} from './termios';

export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCSBRK = 0x5409, TCXONC = 0x540a;
export const TCFLSH = 0x540b, TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCOUTQ = 0x5411;
export const TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b, FIONBIO = 0x5421, TIOCNOTTY = 0x5422;
export const TIOCGSID = 0x5429, TIOCGPTN = 0x80045430, TIOCSPTLCK = 0x40045431;
export const SIGWINCH = 28, SIGHUP = 1, SIGCONT = 18, SIGTTIN = 21, SIGTTOU = 22;

export interface TtyHooks {
  /** Sends `sig` to every process in process group `pgrp`. */
  signalPgrp(pgrp: number, sig: number): void;
  now(): number;
  /** True when `task` ignores or blocks `sig` (then job-control stops do not apply). */
  signalIgnoredOrBlocked(task: Task, sig: number): boolean;
}

export class Tty {
  readonly ldisc: LineDiscipline;
  readonly readWait = new WaitQueue();
  readonly writeWait = new WaitQueue();
  winsize: Winsize = { rows: 24, cols: 80, xpixel: 0, ypixel: 0 };
  session = 0;
  fgPgrp = 0;
  hungUp = false;
  readonly ops: FileOps;

  constructor(
    /** Name under /dev (`ttyAMA0`, `pts/0`). */
    readonly name: string,
    private readonly output: (bytes: Uint8Array) => void,
    private readonly hooks: TtyHooks,
  ) {
    this.ldisc = new LineDiscipline(defaultTermios(), {
      // Echo goes through output processing like any output (so NL echoes as CR NL).
      echo: (bytes) => this.output(this.ldisc.processOutput(Uint8Array.from(bytes))),
      signal: (sig) => {
        if (this.fgPgrp > 0) this.hooks.signalPgrp(this.fgPgrp, sig);
      },
    });
    this.ops = {
      seekable: false,
      read: (f, len, task) => this.read(f, len, task),
      write: (_f, data, task) => {
        // With TOSTOP, a background job writing to its terminal is stopped like a settings change.
        const wait = this.ldisc.termios.lflag & TOSTOP ? this.checkChange(task) : undefined;
        return wait ?? this.write(data);
      },
      ioctl: (_f, cmd, arg, task) => this.ioctl(cmd, arg, task),
      poll: () => ({ mask: (this.ldisc.readable || this.hungUp ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM, queues: [this.readWait] }),
    };
  }

  /** Bytes from the device (the UART's receive interrupt, a PTY master's write). */
  receive(bytes: Iterable<number>): void {
    for (const b of bytes) this.ldisc.receive(b);
    if (this.ldisc.readable) this.readWait.wakeAll();
  }

  write(data: Uint8Array): number {
    if (this.hungUp) return -EIO;
    this.output(this.ldisc.processOutput(data));
    return data.length;
  }

  hangup(): void {
    this.hungUp = true;
    this.readWait.wakeAll();
  }

  private read(f: OpenFile, lenBytes: number, task: Task): Uint8Array | number | Block {
    if (task.ctty === this && this.fgPgrp > 0 && task.pgid !== this.fgPgrp) {
      // A background job reading its terminal: SIGTTIN stops its group (n_tty_check_read).
      if (this.hooks.signalIgnoredOrBlocked(task, SIGTTIN)) return -EIO;
      this.hooks.signalPgrp(task.pgid, SIGTTIN);
      return block([this.readWait]);
    }
    if (lenBytes === 0) return new Uint8Array(0);
    const t = this.ldisc.termios;
    if (this.ldisc.readable) {
      const canon = (t.lflag & ICANON) !== 0;
      const min = canon ? 1 : t.cc[VMIN];
      const deadlineHit = task.restart.deadlineNs !== undefined && this.hooks.now() >= task.restart.deadlineNs;
      if (canon || this.ldisc.readyBytes >= Math.min(min, lenBytes) || deadlineHit) return this.ldisc.take(lenBytes);
    }
    if (this.hungUp) return new Uint8Array(0);
    if (f.nonblocking) return -EAGAIN;
    if (!(t.lflag & ICANON)) {
      const vtimeNs = t.cc[VTIME] * 100_000_000;
      if (t.cc[VMIN] === 0 && vtimeNs === 0) return new Uint8Array(0);
      if (vtimeNs > 0) {
        task.restart.deadlineNs ??= this.hooks.now() + vtimeNs;
        if (this.hooks.now() >= task.restart.deadlineNs) return this.ldisc.take(lenBytes);
        return block([this.readWait], task.restart.deadlineNs);
      }
    }
    return block([this.readWait]);
  }

  /**
   * tty_check_change: a background job changing its terminal's settings gets SIGTTOU
   * (and retries once continued), unless it ignores or blocks SIGTTOU.
   */
  private checkChange(task: Task): Block | undefined {
    if (task.ctty !== this || this.fgPgrp <= 0 || task.pgid === this.fgPgrp) return undefined;
    if (this.hooks.signalIgnoredOrBlocked(task, SIGTTOU)) return undefined;
    this.hooks.signalPgrp(task.pgid, SIGTTOU);
    return block([this.readWait]);
  }

  private ioctl(cmd: number, arg: number, task: Task): number | Block {
    const mm = task.mm;
    const c = cmd >>> 0;
    if (c === TCSETS || c === TCSETSW || c === TCSETSF || c === TIOCSPGRP || c === TIOCSWINSZ || c === TCFLSH) {
      const wait = this.checkChange(task);
      if (wait) return wait;
    }
    switch (c) {
      case TCGETS:
        return mm.write(arg, encodeTermios(this.ldisc.termios)) ? 0 : -EFAULT;
      case TCSETS: case TCSETSW: case TCSETSF: {
        const b = mm.read(arg, TERMIOS_SIZE);
        if (!b) return -EFAULT;
        if (cmd === TCSETSF) this.ldisc.flushInput();
        this.ldisc.setTermios(decodeTermios(b));
        if (this.ldisc.readable) this.readWait.wakeAll();
        return 0;
      }
      case TIOCGWINSZ:
        return mm.write(arg, encodeWinsize(this.winsize)) ? 0 : -EFAULT;
      case TIOCSWINSZ: {
        const b = mm.read(arg, WINSIZE_SIZE);
        if (!b) return -EFAULT;
        const ws = decodeWinsize(b);
        const changed = ws.rows !== this.winsize.rows || ws.cols !== this.winsize.cols;
        this.winsize = ws;
        if (changed && this.fgPgrp > 0) this.hooks.signalPgrp(this.fgPgrp, SIGWINCH);
        return 0;
      }
      case TIOCGPGRP:
        // Only for the caller's controlling terminal (tiocgpgrp).
        if (task.ctty !== this) return -ENOTTY;
        return mm.write(arg, u32(this.fgPgrp)) ? 0 : -EFAULT;
      case TIOCSPGRP: {
        const b = mm.read(arg, 4);
        if (!b) return -EFAULT;
        const pgrp = new DataView(b.buffer).getInt32(0, true);
        if (pgrp < 0) return -EINVAL;
        if (task.ctty !== this || task.sid !== this.session) return -ENOTTY;
        this.fgPgrp = pgrp;
        return 0;
      }
      case TIOCGSID:
        if (task.ctty !== this) return -ENOTTY;
        return mm.write(arg, u32(this.session)) ? 0 : -EFAULT;
      case TIOCSCTTY:
        if (task.sid !== task.pid) return -EPERM;
        if (this.session !== 0 && this.session !== task.sid && arg !== 1) return -EPERM;
        this.session = task.sid;
        this.fgPgrp = task.pgid;
        task.ctty = this;
        return 0;
      case TIOCNOTTY:
        if (task.ctty !== this) return -ENOTTY;
        task.ctty = undefined;
        return 0;
      case FIONREAD:
        return mm.write(arg, u32(this.ldisc.readyBytes)) ? 0 : -EFAULT;
      case TIOCOUTQ:
        return mm.write(arg, u32(0)) ? 0 : -EFAULT;
      case TCFLSH:
        if (arg === 0 || arg === 2) this.ldisc.flushInput();
        return 0;
      case TCSBRK: case TCXONC:
        return 0;
      default:
        return -ENOTTY;
    }
  }
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}
