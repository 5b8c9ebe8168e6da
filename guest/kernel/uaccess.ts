// Copying to and from user memory (copy_from_user / copy_to_user / strncpy_from_user).
// Every pointer a process passes is checked against its address space; a bad one makes
// the syscall fail with EFAULT rather than touching anything else.

import { E2BIG, EFAULT, ENAMETOOLONG } from './errno';
import type { Task } from './task';
import { PATH_MAX } from '../fs/vfs';

/** Bound on argv/envp entries (MAX_ARG_STRINGS). */
export const MAX_ARG_STRINGS = 0x7fffffff;
const MAX_VECTOR_ENTRIES = 65536;

export function copyIn(t: Task, addr: number, lenBytes: number): Uint8Array | undefined {
  if (lenBytes === 0) return new Uint8Array(0);
  return t.mm.read(addr, lenBytes);
}

export function copyOut(t: Task, addr: number, data: Uint8Array): boolean {
  if (data.length === 0) return true;
  return t.mm.write(addr, data);
}

/** A path or other string argument: -EFAULT or -ENAMETOOLONG on failure. */
export function readPath(t: Task, addr: number, maxBytes = PATH_MAX): string | number {
  if (addr === 0) return -EFAULT;
  const s = t.mm.readCString(addr, maxBytes);
  if (s !== undefined) return s;
  // Distinguish "too long" from "bad pointer": the first maxBytes were readable.
  return t.mm.read(addr, maxBytes) ? -ENAMETOOLONG : -EFAULT;
}

/** A NULL-terminated array of string pointers (argv, envp). */
export function readStringArray(t: Task, addr: number): string[] | number {
  const out: string[] = [];
  if (addr === 0) return out;
  for (let i = 0; i < MAX_VECTOR_ENTRIES; i++) {
    const p = readU64(t, addr + 8 * i);
    if (p === undefined) return -EFAULT;
    if (p === 0) return out;
    const s = t.mm.readCString(p, 128 * 1024);
    if (s === undefined) return -EFAULT;
    out.push(s);
  }
  return -E2BIG;
}

export function readU32(t: Task, addr: number): number | undefined {
  const b = t.mm.read(addr, 4);
  return b ? new DataView(b.buffer).getUint32(0, true) : undefined;
}

export function readI32(t: Task, addr: number): number | undefined {
  const b = t.mm.read(addr, 4);
  return b ? new DataView(b.buffer).getInt32(0, true) : undefined;
}

/** A 64-bit value as a number (exact below 2^53; pointers and sizes are). */
export function readU64(t: Task, addr: number): number | undefined {
  const b = t.mm.read(addr, 8);
  return b ? Number(new DataView(b.buffer).getBigUint64(0, true)) : undefined;
}

export function readI64(t: Task, addr: number): number | undefined {
  const b = t.mm.read(addr, 8);
  return b ? Number(new DataView(b.buffer).getBigInt64(0, true)) : undefined;
}

export function writeI32(t: Task, addr: number, v: number): boolean {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v | 0, true);
  return t.mm.write(addr, b);
}

export function writeU64(t: Task, addr: number, v: number | bigint): boolean {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
  return t.mm.write(addr, b);
}

/** Interprets a register value as a C int (so -100 and 0xffffff9c both mean -100). */
export function asInt(v: number): number {
  return v | 0;
}

