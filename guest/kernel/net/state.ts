// The kernel's networking state, hung off the Kernel in a WeakMap (as storage.ts does) so the
// Kernel class needs only its `net` field: the AF_UNIX namespace (filesystem names resolved
// relative to the calling task), the netlink port ids, and the NICs probed at boot.

import { EADDRINUSE, ECONNREFUSED } from './errno-net';
import { EROFS } from '../errno';
import type { Kernel } from '../kernel';
import { UnixNamespace, type UnixFsHooks } from '../../net/unix/namespace';
import type { NetDevice } from '../../net/socket';
import type { FileSystem, FsNode } from '../../fs/node';
import { newFileSystem } from '../../fs/vfs';

const SOCKFS_MAGIC = 0x534f434b;

export interface KernelNetState {
  unix: UnixNamespace;
  /** Netlink port ids handed out by autobind (Linux uses the pid first, then negative numbers). */
  netlinkPorts: Set<number>;
  /** NICs in probe order (eth0, eth1...). */
  nics: NetDevice[];
  /** The sockfs socket inodes live in: one per kernel, so inode numbers depend only on this guest. */
  sockfs: FileSystem;
}

const states = new WeakMap<Kernel, KernelNetState>();

export function netStateOf(k: Kernel): KernelNetState {
  let s = states.get(k);
  if (!s) {
    s = { unix: new UnixNamespace(unixFsHooks(k)), netlinkPorts: new Set(), nics: [], sockfs: newFileSystem('sockfs', SOCKFS_MAGIC) };
    states.set(k, s);
  }
  return s;
}

/** Socket inodes in the VFS, created and found relative to the task making the call. */
function unixFsHooks(k: Kernel): UnixFsHooks {
  return {
    bindPath: (path) => {
      const t = k.current;
      if (!t) return -EROFS;
      const p = k.vfs.resolveParent(t.cwd, path, { followLast: false, cred: t.cred });
      if (typeof p === 'number') return p;
      if (p.name === '' || typeof k.vfs.step(p.dir, p.name) !== 'number') return -EADDRINUSE;
      if (p.dir.node.fs.readonly) return -EROFS;
      return k.vfs.createNode(p.dir.node, p.name, 'sock', 0o777 & ~t.umask, t.cred.fsuid, t.cred.fsgid);
    },
    lookupPath: (path) => {
      const t = k.current;
      if (!t) return -ECONNREFUSED;
      const r = k.vfs.resolve(t.cwd, path, { followLast: true, cred: t.cred });
      if (typeof r === 'number') return r;
      return r.node.kind === 'sock' ? r.node : -ECONNREFUSED;
    },
    credentials: () => {
      const t = k.current;
      return t ? { pid: t.tgid, uid: t.cred.euid, gid: t.cred.egid } : { pid: 0, uid: 0, gid: 0 };
    },
    inodeOf: (key) => (key as FsNode).ino ?? 0,
  };
}
