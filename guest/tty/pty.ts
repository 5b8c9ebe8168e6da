// Pseudo-terminals (drivers/tty/pty.c, Unix98 style): opening /dev/ptmx makes a pair; the
// master end is a plain byte pipe into the slave's line discipline and out of its output,
// the slave /dev/pts/N is a full Tty. TIOCGPTN names the slave, TIOCSPTLCK unlocks it.

import { EAGAIN, EFAULT, EIO, ENOSPC, ENXIO, EINVAL } from '../kernel/errno';
import { O_NONBLOCK, OpenFile, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, type FileOps } from '../kernel/file';
import type { Task } from '../kernel/task';
import { WaitQueue, block } from '../kernel/wait';
import { TIOCGPTN, TIOCGWINSZ, TIOCSPTLCK, TIOCSWINSZ, Tty, type TtyHooks } from './tty';

/** Bound on pairs (the kernel.pty.max default is 4096). */
export const PTY_MAX = 4096;
/** Output the master has not read yet; a slave writer blocks beyond this. */
export const PTY_BUFFER_BYTES = 65536;

export class PtyPair {
  readonly slave: Tty;
  private readonly toMaster: number[] = [];
  readonly masterRead = new WaitQueue();
  readonly masterWrite = new WaitQueue();
  locked = true;
  masterOpen = true;
  slaveOpens = 0;
  /** Set once a slave has been opened and all its opens closed (master reads then see EIO). */
  slaveHungUp = false;

  constructor(readonly index: number, hooks: TtyHooks) {
    this.slave = new Tty(`pts/${index}`, (bytes) => this.fromSlave(bytes), hooks);
  }

  private fromSlave(bytes: Uint8Array): void {
    for (const b of bytes) this.toMaster.push(b);
    this.masterRead.wakeAll();
  }

  masterOps(release: () => void): FileOps {
    return {
      seekable: false,
      read: (f, len) => {
        if (this.toMaster.length > 0) {
          const out = Uint8Array.from(this.toMaster.splice(0, Math.min(len, this.toMaster.length)));
          this.masterWrite.wakeAll();
          return out;
        }
        if (this.slaveHungUp) return -EIO;
        return f.flags & O_NONBLOCK ? -EAGAIN : block([this.masterRead]);
      },
      write: (_f, data) => {
        this.slave.receive(data);
        return data.length;
      },
      ioctl: (_f, cmd, arg, task) => this.masterIoctl(cmd, arg, task),
      poll: () => ({
        mask: (this.toMaster.length > 0 ? POLLIN | POLLRDNORM : 0) | (this.slaveHungUp ? POLLHUP : 0) | POLLOUT | POLLWRNORM,
        queues: [this.masterRead],
      }),
      release: () => {
        this.masterOpen = false;
        this.slave.hangup();
        release();
      },
    };
  }

  private masterIoctl(cmd: number, arg: number, task: Task): number {
    switch (cmd >>> 0) {
      case TIOCGPTN: {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setUint32(0, this.index, true);
        return task.mm.write(arg, b) ? 0 : -EFAULT;
      }
      case TIOCSPTLCK: {
        const b = task.mm.read(arg, 4);
        if (!b) return -EFAULT;
        this.locked = new DataView(b.buffer).getInt32(0, true) !== 0;
        return 0;
      }
      case TIOCGWINSZ: case TIOCSWINSZ:
        return this.slave.ops.ioctl!(new OpenFile(this.slave.ops, 0, ''), cmd, arg, task) as number;
      default:
        return -EINVAL;
    }
  }

  /** Opens the slave side; fails while locked or after the master is gone. */
  openSlave(flags: number, path: string, acquire: (tty: Tty, file: OpenFile) => OpenFile): OpenFile | number {
    if (this.locked || !this.masterOpen) return -EIO;
    this.slaveOpens++;
    const base = this.slave.ops;
    const ops: FileOps = {
      ...base,
      release: () => {
        if (--this.slaveOpens === 0) {
          this.slaveHungUp = true;
          this.masterRead.wakeAll();
        }
      },
    };
    return acquire(this.slave, new OpenFile(ops, flags, path));
  }
}

export class PtyTable {
  private readonly pairs = new Map<number, PtyPair>();

  constructor(private readonly hooks: TtyHooks) {}

  /** Allocates the lowest free index. */
  open(flags: number): OpenFile | number {
    let index = 0;
    while (this.pairs.has(index)) index++;
    if (index >= PTY_MAX) return -ENOSPC;
    const pair = new PtyPair(index, this.hooks);
    this.pairs.set(index, pair);
    return new OpenFile(pair.masterOps(() => this.pairs.delete(index)), flags, '/dev/ptmx');
  }

  get(index: number): PtyPair | undefined {
    return this.pairs.get(index);
  }

  /** Live indexes in ascending order (the /dev/pts listing). */
  indexes(): number[] {
    return [...this.pairs.keys()].sort((a, b) => a - b);
  }

  openSlave(index: number, flags: number, path: string, acquire: (tty: Tty, f: OpenFile) => OpenFile): OpenFile | number {
    const p = this.pairs.get(index);
    return p ? p.openSlave(flags, path, acquire) : -ENXIO;
  }
}
