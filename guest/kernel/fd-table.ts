// A process's file descriptor table: small integers to open files, each with its
// close-on-exec flag. New descriptors take the lowest free number, as POSIX requires.

import { EBADF, EMFILE } from './errno';
import type { OpenFile } from './file';

/** RLIMIT_NOFILE default (soft and hard). */
export const NR_OPEN_DEFAULT = 1024;

export interface FdEntry {
  file: OpenFile;
  cloexec: boolean;
}

export class FdTable {
  /** Tasks sharing this table (CLONE_FILES): the last one to exit closes the files. */
  users = 1;
  private readonly slots: Array<FdEntry | undefined> = [];
  limit = NR_OPEN_DEFAULT;

  get(fd: number): OpenFile | undefined {
    return Number.isInteger(fd) && fd >= 0 ? this.slots[fd]?.file : undefined;
  }

  entry(fd: number): FdEntry | undefined {
    return Number.isInteger(fd) && fd >= 0 ? this.slots[fd] : undefined;
  }

  /** Installs `file` (taking over the caller's reference) at the lowest free fd >= minFd. */
  install(file: OpenFile, cloexec: boolean, minFd = 0): number {
    for (let fd = Math.max(0, minFd); fd < this.limit; fd++) {
      if (!this.slots[fd]) {
        this.slots[fd] = { file, cloexec };
        return fd;
      }
    }
    file.put();
    return -EMFILE;
  }

  /** dup2/dup3: puts `file` at exactly `fd`, closing what was there. */
  installAt(fd: number, file: OpenFile, cloexec: boolean): number {
    if (!Number.isInteger(fd) || fd < 0 || fd >= this.limit) {
      file.put();
      return -EBADF;
    }
    const old = this.slots[fd];
    this.slots[fd] = { file, cloexec };
    old?.file.put();
    return fd;
  }

  close(fd: number): number {
    const e = this.entry(fd);
    if (!e) return -EBADF;
    this.slots[fd] = undefined;
    e.file.put();
    return 0;
  }

  /** The table a forked child gets: the same open files, one more reference each. */
  fork(): FdTable {
    const t = new FdTable();
    t.limit = this.limit;
    this.slots.forEach((e, fd) => {
      if (e) t.slots[fd] = { file: e.file.get(), cloexec: e.cloexec };
    });
    return t;
  }

  closeOnExec(): void {
    this.slots.forEach((e, fd) => {
      if (e?.cloexec) this.close(fd);
    });
  }

  closeAll(): void {
    this.slots.forEach((e, fd) => {
      if (e) this.close(fd);
    });
  }

  /** Open descriptors in ascending order. */
  list(): Array<[number, FdEntry]> {
    const out: Array<[number, FdEntry]> = [];
    this.slots.forEach((e, fd) => {
      if (e) out.push([fd, e]);
    });
    return out;
  }
}
