// Open files: an OpenFile (Linux's struct file) is shared by every descriptor dup'ed or
// inherited from it, and carries the position, status flags and the operations of what
// it refers to (a regular file, a directory, a TTY, a pipe end...). FileOps calls return
// -errno values or a Block, never throw.

import type { Block, WaitQueue } from './wait';
import type { Task } from './task';
import type { FsNode } from '../fs/node';

export const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3;
export const O_CREAT = 0o100, O_EXCL = 0o200, O_NOCTTY = 0o400, O_TRUNC = 0o1000, O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000, O_DSYNC = 0o10000, O_ASYNC = 0o20000;
/** asm-generic (aarch64) values; x86_64 uses the same for these. */
export const O_DIRECTORY = 0o40000, O_NOFOLLOW = 0o100000, O_LARGEFILE = 0o400000;
export const O_NOATIME = 0o1000000, O_CLOEXEC = 0o2000000, O_PATH = 0o10000000, O_TMPFILE = 0o20000000;
/** Flags F_SETFL may change. */
export const SETFL_MASK = O_APPEND | O_NONBLOCK | O_ASYNC | O_NOATIME | O_DSYNC;

export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
export const POLLRDNORM = 0x40, POLLWRNORM = 0x100;

export interface FileOps {
  read?(f: OpenFile, lenBytes: number, task: Task): Uint8Array | number | Block;
  write?(f: OpenFile, data: Uint8Array, task: Task): number | Block;
  ioctl?(f: OpenFile, cmd: number, arg: number, task: Task): number | Block;
  /** Ready mask (POLLIN...) and the queues to sleep on until it changes. */
  poll?(f: OpenFile): { mask: number; queues: readonly WaitQueue[] };
  /** Called when the last descriptor referring to this open file is closed. */
  release?(f: OpenFile): void;
  /** False for pipes, sockets and TTYs (lseek gives ESPIPE). */
  readonly seekable?: boolean;
  /** The size lseek(SEEK_END) counts from, for devices with one (a disk, a framebuffer). */
  sizeBytes?(f: OpenFile): number;
  /** mmap of device memory: the frames backing [offset, offset+len) and the mapping's hooks, or -errno. */
  mmapFrames?(f: OpenFile, offsetBytes: number, lenBytes: number): DeviceFrames | number;
}

/** A device's answer to mmap: one frame per page, plus damage and msync hooks. */
export interface DeviceFrames {
  frames: readonly number[];
  onWrite?(offsetBytes: number, lenBytes: number): void;
  onSync?(): void;
}

export class OpenFile {
  pos = 0;
  refs = 1;
  /** Directory stream position for getdents64 (index into the listing). */
  dirPos = 0;
  /** Content captured at open for generated files (procfs), so one read sequence sees one version. */
  snapshot: Uint8Array | undefined;

  constructor(
    readonly ops: FileOps,
    public flags: number,
    /** The path it was opened by, for /proc/PID/fd links. */
    readonly path: string,
    public node?: FsNode,
  ) {}

  get readable(): boolean {
    return (this.flags & O_ACCMODE) !== O_WRONLY && (this.flags & O_PATH) === 0;
  }

  get writable(): boolean {
    return (this.flags & O_ACCMODE) !== O_RDONLY && (this.flags & O_PATH) === 0;
  }

  get nonblocking(): boolean {
    return (this.flags & O_NONBLOCK) !== 0;
  }

  get(): OpenFile {
    this.refs++;
    return this;
  }

  put(): void {
    if (--this.refs === 0) this.ops.release?.(this);
  }
}
