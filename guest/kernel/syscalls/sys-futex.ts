// Thread syscalls: futex (WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET,
// WAKE_BITSET; PRIVATE and CLOCK_REALTIME flags; timeouts on virtual time), exit (one
// thread) and exit_group (the process), set_tid_address, set/get_robust_list, clone3.

import { EAGAIN, EFAULT, EINVAL, ENOSYS, EPERM, ESRCH, ETIMEDOUT } from '../errno';
import { currentWaiter, dropWaiter, enqueueWaiter, futexKey, futexRequeue, futexWake, type FutexKey } from '../futex';
import type { Kernel } from '../kernel';
import { doClone, doExit } from '../process';
import { decodeTimespec } from '../structs';
import { threadExit } from '../thread';
import type { Task } from '../task';
import { asInt, copyIn, readU32, writeI32, writeU64 } from '../uaccess';
import { block, type SysResult } from '../wait';
import type { SyscallHandler } from './types';

export const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5;
export const FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
export const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
const FUTEX_BITSET_MATCH_ANY = 0xffff_ffff;
/** struct robust_list_head: three pointers. */
const ROBUST_LIST_HEAD_BYTES = 24;
/** struct clone_args up to tls (CLONE_ARGS_SIZE_VER0). */
const CLONE_ARGS_SIZE_VER0 = 64;

/** A timespec argument as ns, or -errno. */
function readTimeout(t: Task, addr: number): number {
  const b = copyIn(t, addr, 16);
  if (!b) return -EFAULT;
  const ts = decodeTimespec(b);
  if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1e9) return -EINVAL;
  return ts.sec * 1e9 + ts.nsec;
}

function futexWait(k: Kernel, t: Task, a: readonly number[], cmd: number, flags: number): SysResult {
  const w = currentWaiter(k, t);
  if (w) {
    if (w.woken) {
      dropWaiter(k, t);
      return 0;
    }
    if (w.deadlineNs !== undefined && k.now >= w.deadlineNs) {
      dropWaiter(k, t);
      return -ETIMEDOUT;
    }
    return block([w.queue], w.deadlineNs);
  }
  const uaddr = a[0], val = a[2] >>> 0;
  const bitset = cmd === FUTEX_WAIT_BITSET ? a[5] >>> 0 : FUTEX_BITSET_MATCH_ANY;
  if (bitset === 0) return -EINVAL;
  let deadlineNs: number | undefined;
  if (a[3] !== 0) {
    const ns = readTimeout(t, a[3]);
    if (ns < 0) return ns;
    if (cmd === FUTEX_WAIT) deadlineNs = k.now + ns;
    else deadlineNs = flags & FUTEX_CLOCK_REALTIME ? ns - (k.realtimeNs - k.now) : ns;
  }
  const cur = readU32(t, uaddr);
  if (cur === undefined) return -EFAULT;
  if (cur >>> 0 !== val) return -EAGAIN;
  if (deadlineNs !== undefined && deadlineNs <= k.now) return -ETIMEDOUT;
  const nw = enqueueWaiter(k, t, futexKey(k, t.mm, uaddr, (flags & FUTEX_PRIVATE_FLAG) !== 0), bitset, deadlineNs);
  return block([nw.queue], deadlineNs);
}

/** FUTEX_WAKE_OP: *uaddr2 = op(old, oparg); wake on uaddr; and on uaddr2 if cmp(old, cmparg). */
function futexWakeOp(k: Kernel, t: Task, a: readonly number[], key: (addr: number) => FutexKey): number {
  const val3 = a[5] >>> 0;
  const shift = (val3 >>> 31) !== 0;
  const op = (val3 >>> 28) & 7, cmp = (val3 >>> 24) & 15;
  let oparg = ((val3 >>> 12) & 0xfff) << 20 >> 20;
  const cmparg = (val3 & 0xfff) << 20 >> 20;
  if (shift) oparg = oparg < 0 || oparg > 31 ? 0 : 1 << oparg;
  const old = readU32(t, a[4]);
  if (old === undefined) return -EFAULT;
  const o = old | 0;
  const ops = [oparg, o + oparg, o | oparg, o & ~oparg, o ^ oparg];
  if (op >= ops.length) return -ENOSYS;
  if (!writeI32(t, a[4], ops[op]!)) return -EFAULT;
  const cmps = [o === cmparg, o !== cmparg, o < cmparg, o <= cmparg, o > cmparg, o >= cmparg];
  if (cmp >= cmps.length) return -ENOSYS;
  let n = futexWake(k, key(a[0]), a[2] >>> 0, FUTEX_BITSET_MATCH_ANY);
  if (cmps[cmp]) n += futexWake(k, key(a[4]), a[3] >>> 0, FUTEX_BITSET_MATCH_ANY);
  return n;
}

function sysFutex(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const flags = a[1] & (FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  const cmd = a[1] & 127;
  if (a[0] % 4 !== 0) return -EINVAL;
  if (flags & FUTEX_CLOCK_REALTIME && cmd !== FUTEX_WAIT_BITSET) return -ENOSYS;
  const key = (addr: number) => futexKey(k, t.mm, addr, (flags & FUTEX_PRIVATE_FLAG) !== 0);
  switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
      return futexWait(k, t, a, cmd, flags);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
      const bitset = cmd === FUTEX_WAKE_BITSET ? a[5] >>> 0 : FUTEX_BITSET_MATCH_ANY;
      if (bitset === 0) return -EINVAL;
      return futexWake(k, key(a[0]), a[2] >>> 0 > 0x7fff_ffff ? 0x7fff_ffff : a[2] >>> 0, bitset);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
      const wake = asInt(a[2]), move = asInt(a[3]);
      if (wake < 0 || move < 0 || a[4] % 4 !== 0) return -EINVAL;
      if (cmd === FUTEX_CMP_REQUEUE) {
        const cur = readU32(t, a[0]);
        if (cur === undefined) return -EFAULT;
        if (cur >>> 0 !== a[5] >>> 0) return -EAGAIN;
      }
      return futexRequeue(k, key(a[0]), key(a[4]), wake, move);
    }
    case FUTEX_WAKE_OP:
      return a[4] % 4 !== 0 ? -EINVAL : futexWakeOp(k, t, a, key);
    default:
      return -ENOSYS;
  }
}

/** clone3(struct clone_args *, size): the same clone, arguments in a struct. */
function sysClone3(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const size = a[1];
  if (size < CLONE_ARGS_SIZE_VER0 || size > 4096) return -EINVAL;
  const b = copyIn(t, a[0], CLONE_ARGS_SIZE_VER0);
  if (!b) return -EFAULT;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u64 = (i: number) => Number(v.getBigUint64(8 * i, true));
  const flags = u64(0), childTid = u64(2), parentTid = u64(3), exitSignal = u64(4);
  const stack = u64(5), stackSize = u64(6), tls = u64(7);
  if (flags > 0xffff_ffff || exitSignal > 64 || flags & 0xff) return -EINVAL;
  if ((stack === 0) !== (stackSize === 0)) return -EINVAL;
  const newSp = stack === 0 ? 0 : stack + stackSize;
  return doClone(k, t, (flags | exitSignal) >>> 0, t.pendingTrap?.childEntry, newSp, { parentTidAddr: parentTid, tls, childTidAddr: childTid });
}

function sysGetRobustList(k: Kernel, t: Task, a: readonly number[]): number {
  const pid = asInt(a[0]);
  const target = pid === 0 ? t : k.tasks.get(pid);
  if (!target) return -ESRCH;
  if (target !== t && t.cred.euid !== 0 && t.cred.euid !== target.cred.euid) return -EPERM;
  if (!writeU64(t, a[1], target.robustListHead) || !writeU64(t, a[2], target.robustListLen)) return -EFAULT;
  return 0;
}

export const futexHandlers: Record<string, SyscallHandler> = {
  futex: sysFutex,
  exit: (k, t, a) => {
    threadExit(k, t, (asInt(a[0]) & 0xff) << 8);
    return 0;
  },
  exit_group: (k, t, a) => {
    doExit(k, t, (asInt(a[0]) & 0xff) << 8);
    return 0;
  },
  set_tid_address: (_k, t, a) => {
    t.clearChildTidAddr = a[0];
    return t.pid;
  },
  set_robust_list: (_k, t, a) => {
    if (a[1] !== ROBUST_LIST_HEAD_BYTES) return -EINVAL;
    t.robustListHead = a[0];
    t.robustListLen = a[1];
    return 0;
  },
  get_robust_list: sysGetRobustList,
  clone3: sysClone3,
};
