// mount, umount2, statfs, fstatfs over the kernel's filesystem types.

import { EBUSY, EFAULT, EINVAL, ENODEV, ENOTDIR, EPERM, EBADF } from '../errno';
import type { Kernel } from '../kernel';
import type { FsNode } from '../../fs/node';
import { createFilesystem } from '../filesystems';
import { asInt, copyOut, readPath } from '../uaccess';
import type { SyscallHandler } from './types';
import { lookup } from './fs-common';
import { ext2Statfs, mountExt2, remountExt2, umountExt2 } from '../storage';

const MS_RDONLY = 1, MS_REMOUNT = 32, MS_BIND = 4096, MS_MOVE = 8192;
const MNT_FORCE = 1, MNT_DETACH = 2, MNT_EXPIRE = 4, UMOUNT_NOFOLLOW = 8;
const AT_FDCWD = -100;

function sysMount(k: Kernel, t: import('../task').Task, a: readonly number[]): number {
  if (t.cred.euid !== 0) return -EPERM;
  const flags = a[3] >>> 0;
  const target = lookup(k, t, AT_FDCWD, a[1], true);
  if (typeof target === 'number') return target;
  if (flags & MS_REMOUNT) {
    const m = k.vfs.mountOf(target.node);
    if (!m || m.root !== target.node) return -EINVAL;
    const readonly = (flags & MS_RDONLY) !== 0;
    const r = m.fstype === 'ext2' ? remountExt2(k, target.node, readonly) : 0;
    if (r !== 0) return r;
    target.node.fs.readonly = readonly;
    m.options = readonly ? m.options.replace(/^rw/, 'ro') : m.options.replace(/^ro/, 'rw');
    return 0;
  }
  if (flags & (MS_BIND | MS_MOVE)) return -EINVAL;
  if (target.node.kind !== 'dir') return -ENOTDIR;
  const fstype = readPath(t, a[2], 256);
  if (typeof fstype === 'number') return fstype;
  const source = a[0] === 0 ? 'none' : readPath(t, a[0]);
  if (typeof source === 'number') return source;
  let root: FsNode | undefined;
  if (fstype === 'ext2') {
    const dev = a[0] === 0 ? undefined : lookup(k, t, AT_FDCWD, a[0], true);
    const made = mountExt2(k, dev === undefined || typeof dev === 'number' ? undefined : dev.node, (flags & MS_RDONLY) !== 0);
    if (typeof made === 'number') return made;
    root = made;
  } else root = createFilesystem(k, fstype);
  if (!root) return -ENODEV;
  if (root.coveredBy) return -EBUSY;
  k.vfs.mount(target, root, { source, fstype, options: flags & MS_RDONLY ? 'ro' : 'rw', flags });
  return 0;
}

function sysUmount(k: Kernel, t: import('../task').Task, a: readonly number[]): number {
  if (t.cred.euid !== 0) return -EPERM;
  const flags = asInt(a[1]);
  if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW)) return -EINVAL;
  const target = lookup(k, t, AT_FDCWD, a[0], !(flags & UMOUNT_NOFOLLOW));
  if (typeof target === 'number') return target;
  const root = target.node;
  if (!root.coveredBy) return -EINVAL;
  if (root.mounted) return -EBUSY;
  if (!(flags & MNT_DETACH) && [...k.tasks.values()].some((x) => x.state !== 'zombie' && within(x.cwd.node, root))) return -EBUSY;
  umountExt2(k, root);
  k.vfs.umount(root);
  return 0;
}

function within(n: FsNode, root: FsNode): boolean {
  return n.fs === root.fs;
}

/** struct statfs (asm-generic and x86_64 LP64: 120 bytes). */
function encodeStatfs(k: Kernel, node: FsNode): Uint8Array {
  const b = new Uint8Array(120);
  const d = new DataView(b.buffer);
  const totalBlocks = Math.floor(k.frames.totalFrames / 2);
  const free = Math.min(totalBlocks, k.frames.freeFrames);
  const m = k.vfs.mountOf(node);
  d.setBigInt64(0, BigInt(node.fs.magic), true);
  d.setBigInt64(8, 4096n, true);
  const sized = node.fs.type === 'tmpfs' || node.fs.type === 'rootfs' || node.fs.type === 'devtmpfs';
  d.setBigUint64(16, BigInt(sized ? totalBlocks : 0), true);
  d.setBigUint64(24, BigInt(sized ? free : 0), true);
  d.setBigUint64(32, BigInt(sized ? free : 0), true);
  d.setBigUint64(40, BigInt(sized ? 65536 : 0), true);
  d.setBigUint64(48, BigInt(sized ? 65536 - node.fs.nextIno : 0), true);
  d.setInt32(56, node.fs.dev, true);
  d.setBigInt64(64, 255n, true);
  d.setBigInt64(72, 4096n, true);
  d.setBigInt64(80, BigInt(m?.options.startsWith('ro') ? 1 : 0) | 0x20n, true);
  const e = ext2Statfs(k, node);
  if (e) {
    d.setBigInt64(8, BigInt(e.blockSizeBytes), true);
    d.setBigUint64(16, BigInt(e.blocks), true);
    d.setBigUint64(24, BigInt(e.freeBlocks), true);
    d.setBigUint64(32, BigInt(e.availBlocks), true);
    d.setBigUint64(40, BigInt(e.files), true);
    d.setBigUint64(48, BigInt(e.freeFiles), true);
    d.setBigInt64(64, BigInt(e.nameMax), true);
    d.setBigInt64(72, BigInt(e.blockSizeBytes), true);
  }
  return b;
}

export const mountHandlers: Record<string, SyscallHandler> = {
  mount: sysMount,
  umount2: sysUmount,
  statfs: (k, t, a) => {
    const ref = lookup(k, t, AT_FDCWD, a[0], true);
    if (typeof ref === 'number') return ref;
    return copyOut(t, a[1], encodeStatfs(k, ref.node)) ? 0 : -EFAULT;
  },
  fstatfs: (k, t, a) => {
    const f = t.fds.get(asInt(a[0]));
    if (!f) return -EBADF;
    if (!f.node) return -EINVAL;
    return copyOut(t, a[1], encodeStatfs(k, f.node)) ? 0 : -EFAULT;
  },
};
