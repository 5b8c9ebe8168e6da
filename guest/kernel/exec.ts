// execve: replace a task's program image. Three formats: a native marker file
// (`#!native NAME`), a `#!` script (run its interpreter, up to 4 levels deep like
// BINPRM_MAX_RECURSION), and ELF (handed to the ELF loader hook once the CPU exists).

import { deThread } from './thread';
import { fileRead } from '../fs/tmpfs';
import { E2BIG, EACCES, EISDIR, ELOOP, ENOENT, ENOEXEC } from './errno';
import type { Kernel } from './kernel';
import { newAddressSpace, startNative, vforkRelease } from './process';
import { SIG_DFL, SIG_IGN } from './signal-defs';
import type { Task } from './task';
import { parseNativeMarker } from './native-registry';
import { permitted } from '../fs/vfs';

export const BINPRM_BUF_SIZE = 256;
export const MAX_INTERP_DEPTH = 4;
/** ARG_MAX-style bound on argv + envp bytes. */
export const MAX_ARG_BYTES = 2 * 1024 * 1024;

/** Loads an ELF image into a fresh task image; set by the CPU/ELF layer. Returns 0 or -errno. */
export type ElfExec = (k: Kernel, t: Task, image: Uint8Array, path: string, argv: string[], envp: string[], commPath: string) => number;

/** `commPath` is the name the caller gave (the task's comm is its basename, as Linux takes it from bprm->filename). */
export function execve(k: Kernel, t: Task, path: string, argv: string[], envp: string[], depth = 0, commPath = path): number {
  if (depth > MAX_INTERP_DEPTH) return -ELOOP;
  const argBytes = [...argv, ...envp].reduce((n, s) => n + Buffer.byteLength(s) + 1, 0);
  if (argBytes > MAX_ARG_BYTES) return -E2BIG;
  const r = k.vfs.resolve(t.cwd, path, { followLast: true, cred: t.cred });
  if (typeof r === 'number') return r;
  const node = r.node;
  if (node.kind === 'dir') return -EACCES;
  if (node.kind !== 'file') return -EACCES;
  if (!permitted(node, t.cred, 1)) return -EACCES;
  const head = fileRead(node, 0, BINPRM_BUF_SIZE);
  const native = parseNativeMarker(head);
  if (native !== undefined) {
    const prog = k.registry.lookup(native);
    if (!prog) return -ENOEXEC;
    replaceImage(k, t, r.path, commPath);
    startNative(t, prog.main, argv, envp);
    return 0;
  }
  if (head[0] === 0x23 && head[1] === 0x21) return execScript(k, t, head, path, argv, envp, depth, commPath);
  if (head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
    if (!k.elfExec) return -ENOEXEC;
    return k.elfExec(k, t, fileRead(node, 0, node.size), r.path, argv, envp, commPath);
  }
  return -ENOEXEC;
}

function execScript(k: Kernel, t: Task, head: Uint8Array, path: string, argv: string[], envp: string[], depth: number, commPath: string): number {
  const text = Buffer.from(head).toString('latin1');
  const nl = text.indexOf('\n');
  const line = (nl < 0 ? text : text.slice(0, nl)).slice(2).replace(/^[ \t]+/, '').replace(/[ \t\r]+$/, '');
  if (line === '') return -ENOEXEC;
  const sp = line.search(/[ \t]/);
  const interp = sp < 0 ? line : line.slice(0, sp);
  const optArg = sp < 0 ? '' : line.slice(sp).replace(/^[ \t]+/, '');
  const newArgv = [interp, ...(optArg ? [optArg] : []), path, ...argv.slice(1)];
  const r = execve(k, t, interp, newArgv, envp, depth + 1, commPath);
  return r === -EISDIR ? -EACCES : r === -ENOENT ? -ENOENT : r;
}

/** The point of no return: a fresh address space, CLOEXEC fds closed, handlers reset. */
export function replaceImage(k: Kernel, t: Task, exePath: string, commPath: string): void {
  deThread(k, t);
  if (--t.mm.users === 0) t.mm.release();
  t.mm = newAddressSpace(k);
  t.fds.closeOnExec();
  for (const a of t.sigActions) {
    if (a.handler !== SIG_IGN) a.handler = SIG_DFL;
    a.flags = 0;
    a.mask = 0n;
  }
  t.nativeHandlers = new Map();
  t.cpu = undefined;
  t.sigFrames.length = 0;
  t.exePath = exePath;
  t.comm = commPath.split('/').pop()!.slice(0, 15);
  vforkRelease(t);
}
