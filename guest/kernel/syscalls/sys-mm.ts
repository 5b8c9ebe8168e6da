// Memory syscalls over the task's AddressSpace: brk, mmap (anonymous, or a private copy
// of a file's bytes), munmap, mprotect, madvise (advice accepted), msync.

import { EACCES, EBADF, EINVAL, ENODEV } from '../errno';
import { MAP_ANONYMOUS, MAP_PRIVATE, MAP_SHARED, PROT_EXEC, PROT_READ, PROT_WRITE } from '../mm/address-space';
import { fileRead } from '../../fs/tmpfs';
import type { OpenFile } from '../file';
import type { Task } from '../task';
import { asInt } from '../uaccess';
import type { SyscallHandler } from './types';

const PAGE = 4096;
const MAP_TYPE = 0x0f;
const PROT_MASK = PROT_READ | PROT_WRITE | PROT_EXEC;

function sysMmap(t: Task, a: readonly number[]): number {
  const [addr, len, prot, flags] = [a[0], a[1], asInt(a[2]), asInt(a[3])];
  const fd = asInt(a[4]), off = a[5];
  if (len <= 0 || !Number.isSafeInteger(len)) return -EINVAL;
  if (prot & ~PROT_MASK) return -EINVAL;
  const type = flags & MAP_TYPE;
  if (type !== MAP_PRIVATE && type !== MAP_SHARED && type !== 3) return -EINVAL;
  if (off % PAGE !== 0 || off < 0) return -EINVAL;
  if (flags & MAP_ANONYMOUS) return t.mm.mmap(addr - (flags & 0x10 ? 0 : addr % PAGE), len, prot, flags);
  const f = t.fds.get(fd);
  if (!f) return -EBADF;
  if (f.ops.mmapFrames) return mmapDevice(t, f, a);
  const node = f.node;
  if (!node || node.kind !== 'file') return -ENODEV;
  if (!f.readable || (type === MAP_SHARED && prot & PROT_WRITE && !f.writable)) return -EACCES;
  const start = t.mm.mmap(addr - (flags & 0x10 ? 0 : addr % PAGE), len, prot | PROT_WRITE, flags, f.path);
  if (start < 0) return start;
  // Copy the file's bytes in (MAP_PRIVATE semantics; shared writes do not reach the file yet).
  const bytes = fileRead(node, off, len);
  t.mm.write(start, bytes);
  if (!(prot & PROT_WRITE)) t.mm.mprotect(start, len, prot);
  return start;
}

/** mmap of a device's memory (a framebuffer): its own frames, shared with the device. */
function mmapDevice(t: Task, f: OpenFile, a: readonly number[]): number {
  const [addr, len, prot, flags] = [a[0], a[1], asInt(a[2]), asInt(a[3])];
  if ((flags & MAP_TYPE) !== MAP_SHARED && (flags & MAP_TYPE) !== 3) return -EINVAL;
  if (!f.readable || (prot & PROT_WRITE && !f.writable)) return -EACCES;
  const d = f.ops.mmapFrames!(f, a[5], len);
  if (typeof d === 'number') return d;
  return t.mm.mapFrames(addr - (flags & 0x10 ? 0 : addr % PAGE), d.frames, prot, flags, f.path, a[5], { onWrite: d.onWrite, onSync: d.onSync });
}

export const mmHandlers: Record<string, SyscallHandler> = {
  brk: (_k, t, a) => t.mm.brk(a[0]),
  mmap: (_k, t, a) => sysMmap(t, a),
  munmap: (_k, t, a) => t.mm.unmap(a[0], a[1]),
  mprotect: (_k, t, a) => ((asInt(a[2]) & ~PROT_MASK) !== 0 ? -EINVAL : t.mm.mprotect(a[0], a[1], asInt(a[2]))),
  mremap: (_k, t, a) => {
    const flags = asInt(a[3]);
    if (flags & ~1) return -EINVAL;
    return t.mm.remap(a[0], a[1], a[2], (flags & 1) !== 0);
  },
  madvise: (_k, _t, a) => (a[0] % PAGE !== 0 ? -EINVAL : 0),
  msync: (_k, t, a) => (a[0] % PAGE !== 0 ? -EINVAL : t.mm.syncRange(a[0], a[1])),
  mlock: () => 0,
  munlock: () => 0,
  mlockall: () => 0,
  munlockall: () => 0,
};
