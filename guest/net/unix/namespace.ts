// The AF_UNIX name spaces (net/unix/af_unix.c): abstract names in a table of their own, and
// filesystem names as socket inodes the VFS holds (the kernel side supplies the hooks that
// create and look them up relative to the calling task). One namespace per kernel.

import type { SockAddr } from '../socket';
import { AF_UNIX } from '../socket';
import type { UnixSocket } from './unix-socket';
import { EINVAL } from '../../kernel/errno';
import { EADDRINUSE, ECONNREFUSED } from '../../kernel/net/errno-net';

/** struct ucred: what SO_PEERCRED reports. */
export interface UnixCred {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

export interface UnixFsHooks {
  /** Creates a socket inode at `path` (EADDRINUSE when the name exists): an identity key or -errno. */
  bindPath(path: string): object | number;
  /** The socket inode at `path`: its key, or -errno (ENOENT; ECONNREFUSED when it is not a socket). */
  lookupPath(path: string): object | number;
  /** The calling task's pid, euid and egid. */
  credentials(): UnixCred;
  /** Number of the inode behind a key, for /proc/net/unix (0 when unknown). */
  inodeOf?(key: object): number;
}

/** net.unix.max_dgram_qlen. */
export const MAX_DGRAM_QLEN = 10;
/** net.core.somaxconn. */
export const SOMAXCONN = 4096;

export class UnixNamespace {
  private readonly abstractNames = new Map<string, UnixSocket>();
  private readonly byInode = new WeakMap<object, UnixSocket>();
  /** Live sockets in creation order (a Set iterates in insertion order), for /proc/net/unix. */
  readonly live = new Set<UnixSocket>();
  private nextAutobind = 0;

  constructor(readonly hooks: UnixFsHooks) {}

  /** Binds `s` to `addr`: the name (and inode key) or -errno. */
  bind(s: UnixSocket, addr: SockAddr & { family: typeof AF_UNIX }): { addr: SockAddr; key?: object } | number {
    if (addr.abstract) {
      if (this.abstractNames.has(addr.path)) return -EADDRINUSE;
      this.abstractNames.set(addr.path, s);
      return { addr };
    }
    const key = this.hooks.bindPath(addr.path);
    if (typeof key === 'number') return key;
    this.byInode.set(key, s);
    return { addr, key };
  }

  /** unix_autobind: an abstract name of five hex digits, the first free one. */
  autobind(s: UnixSocket): SockAddr {
    for (let i = 0; i < 0x100000; i++) {
      const name = (this.nextAutobind++ & 0xfffff).toString(16).padStart(5, '0');
      if (!this.abstractNames.has(name)) {
        this.abstractNames.set(name, s);
        return { family: AF_UNIX, path: name, abstract: true };
      }
    }
    return { family: AF_UNIX, path: '', abstract: false };
  }

  /** The socket bound to `addr`: it, or -ECONNREFUSED / the path lookup's errno. */
  lookup(addr: SockAddr & { family: typeof AF_UNIX }): UnixSocket | number {
    if (addr.abstract) return this.abstractNames.get(addr.path) ?? -ECONNREFUSED;
    if (addr.path === '') return -EINVAL;
    const key = this.hooks.lookupPath(addr.path);
    if (typeof key === 'number') return key;
    return this.byInode.get(key) ?? -ECONNREFUSED;
  }

  /** The name is freed when its socket closes (a filesystem name stays as a dead inode, as in Linux). */
  release(s: UnixSocket, addr: SockAddr | undefined, key: object | undefined): void {
    if (addr?.family === AF_UNIX && addr.abstract && this.abstractNames.get(addr.path) === s) this.abstractNames.delete(addr.path);
    if (key && this.byInode.get(key) === s) this.byInode.delete(key);
    this.live.delete(s);
  }
}
