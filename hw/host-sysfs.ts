// SysfsView over a real directory: the host's /sys, or a tree export-sysfs wrote. Reads are
// bounded (sysfs attributes are small; `config` is at most 4 KiB) and every error is an
// absent answer, never an exception.

import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { SysfsView } from './sysfs-view';
import type { TargetFiles } from './vfio-apply';

const READ_LIMIT_BYTES = 1 << 16;

function readBounded(path: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(READ_LIMIT_BYTES);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got <= 0) break;
      n += got;
      if (n >= buf.length) break;
    }
    return buf.subarray(0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export class DirSysfs implements SysfsView {
  constructor(private readonly root: string) {}

  private at(path: string): string {
    return join(this.root, path);
  }

  list(dir: string): string[] | undefined {
    try {
      return readdirSync(this.at(dir)).sort();
    } catch {
      return undefined;
    }
  }

  read(path: string): string | undefined {
    try {
      if (!statSync(this.at(path)).isFile()) return undefined;
    } catch {
      return undefined;
    }
    return readBounded(this.at(path))?.toString('latin1');
  }

  readBytes(path: string): Uint8Array | undefined {
    return readBounded(this.at(path));
  }

  readlink(path: string): string | undefined {
    try {
      return lstatSync(this.at(path)).isSymbolicLink() ? readlinkSync(this.at(path)) : undefined;
    } catch {
      return undefined;
    }
  }

  exists(path: string): boolean {
    try {
      statSync(this.at(path));
      return true;
    } catch {
      return false;
    }
  }
}

/** The files of an install target root for vfio-config --apply. */
export function dirTarget(root: string): TargetFiles {
  return {
    read: (p) => {
      try {
        return readFileSync(join(root, p), 'utf8');
      } catch {
        return undefined;
      }
    },
    list: (d) => {
      try {
        return readdirSync(join(root, d)).sort();
      } catch {
        return undefined;
      }
    },
  };
}

/** Reads a host text file such as /proc/cpuinfo, undefined when absent. */
export function readHostText(path: string): string | undefined {
  return readBounded(path)?.toString('utf8');
}
