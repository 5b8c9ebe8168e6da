// Module syscalls: init_module, finit_module, delete_module (the mechanism is ../modules.ts).

import { fileRead } from '../../fs/tmpfs';
import { EBADF, EFAULT, EINVAL, ENOEXEC, EPERM } from '../errno';
import type { Kernel } from '../kernel';
import { loadModule, unloadModule } from '../modules';
import type { Task } from '../task';
import { copyIn, readPath } from '../uaccess';
import type { SyscallHandler } from './types';

/** Largest module image accepted (the biggest real .ko files are a few MiB). */
const MAX_MODULE_BYTES = 64 * 1024 * 1024;
const MODULE_INIT_IGNORE_MODVERSIONS = 1, MODULE_INIT_IGNORE_VERMAGIC = 2, MODULE_INIT_COMPRESSED_FILE = 4;

function readParams(t: Task, addr: number): string | number {
  if (addr === 0) return '';
  return readPath(t, addr, 1 << 16);
}

function sysInitModule(k: Kernel, t: Task, a: readonly number[]): number {
  if (t.cred.euid !== 0) return -EPERM;
  if (a[1] <= 0 || a[1] > MAX_MODULE_BYTES) return a[1] <= 0 ? -ENOEXEC : -EFAULT;
  const image = copyIn(t, a[0], a[1]);
  if (!image) return -EFAULT;
  const params = readParams(t, a[2]);
  if (typeof params === 'number') return params;
  k.chargeCopy(image.length);
  return loadModule(k, image, params);
}

function sysFinitModule(k: Kernel, t: Task, a: readonly number[]): number {
  if (t.cred.euid !== 0) return -EPERM;
  if (a[2] & ~(MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC | MODULE_INIT_COMPRESSED_FILE)) return -EINVAL;
  const f = t.fds.get(a[0] | 0);
  if (!f || !f.readable) return -EBADF;
  if (!f.node || f.node.kind !== 'file') return -EINVAL;
  // Compressed images would need the kernel's decompressor; twinbox reads only plain .ko files.
  if (a[2] & MODULE_INIT_COMPRESSED_FILE) return -ENOEXEC;
  const params = readParams(t, a[1]);
  if (typeof params === 'number') return params;
  const image = fileRead(f.node, 0, Math.min(f.node.size, MAX_MODULE_BYTES));
  k.chargeCopy(image.length);
  return loadModule(k, image, params);
}

function sysDeleteModule(k: Kernel, t: Task, a: readonly number[]): number {
  if (t.cred.euid !== 0) return -EPERM;
  const name = readPath(t, a[0], 64);
  if (typeof name === 'number') return name;
  return unloadModule(k, name);
}

export const moduleHandlers: Record<string, SyscallHandler> = {
  init_module: sysInitModule,
  finit_module: sysFinitModule,
  delete_module: sysDeleteModule,
};
